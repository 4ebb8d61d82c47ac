"""``jixiao rules import``: a reviewer's spreadsheet of rules (审核口径) → a rule pack file."""
