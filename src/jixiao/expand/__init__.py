"""Expand: presets, defaults and derived values turn a loaded spec into the document model."""
