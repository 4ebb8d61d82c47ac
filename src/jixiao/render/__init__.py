"""Rendering: the expanded document model → Word (.docx), HTML and PDF."""
