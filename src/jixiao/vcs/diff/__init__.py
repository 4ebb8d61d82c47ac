"""Semantic diff of two expanded documents: compare, match tables, print."""
