"""Rollover to the next budget year: the plan of changes and the checklist for a person."""
