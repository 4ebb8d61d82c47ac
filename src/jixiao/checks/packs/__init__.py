"""Rule packs (规则包): reviewers' rules as YAML data, run beside jixiao's own rules.

:mod:`.model` is the file format, :mod:`.load` finds and loads packs, :mod:`.build`
turns their rules into :class:`~jixiao.checks.base.Rule` objects, :mod:`.tests` holds
the test types, :mod:`.pattern` runs the untrusted regular expressions (RE2) and
:mod:`.sheet` reads a reviewer's spreadsheet of rules (``jixiao rules import``).
"""
