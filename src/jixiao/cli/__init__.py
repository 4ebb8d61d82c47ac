"""Command line: parse options, make one library call; see :mod:`jixiao.cli.app`.

Importing this package registers every command on :data:`app`.
"""

from jixiao.cli import authoring, git, render, rules, spec  # noqa: F401 - importing registers the commands
from jixiao.cli.app import app, main

__all__ = ["app", "main"]
