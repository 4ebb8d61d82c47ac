"""The document model: what expand produces and every renderer and check reads.

Nothing here reads YAML or knows about Word or PDF.
"""
