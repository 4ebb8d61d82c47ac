"""Specs kept in git: fmt, semantic diff, textconv, rollover, the pre-commit hooks."""
