"""Command line: parse options, make one library call; see :mod:`jixiao.cli.app`.

Importing this package registers every command on :data:`app`, in the order ``--help`` lists them.
"""

# isort: off
from jixiao.cli import spec, rules, render, authoring, git  # noqa: F401 - importing registers the commands
# isort: on
from jixiao.cli.app import app, main

__all__ = ["app", "main"]
