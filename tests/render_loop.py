"""``jixiao render`` again and again in one process, as tests/test_render_stress.py asks.

Run as ``python tests/render_loop.py``: reads one line per render from standard
input (the command's arguments as a JSON list), runs the command in this
process and answers with one line on standard output (JSON: exit code and the
end of its output). Each render starts and stops its own worker processes, as
the command does; what a render in a process of its own would add (starting
Python, importing jixiao and WeasyPrint) is paid once. The test waits for each
answer with a timeout, so a render that hangs fails it.
"""

from __future__ import annotations

import json
import sys

from typer.testing import CliRunner

from conftest import preload_for_many_renders
from jixiao.cli import app


def main() -> None:
    preload_for_many_renders()  # WeasyPrint imported once, by the fork server
    runner = CliRunner()
    for line in sys.stdin:
        result = runner.invoke(app, json.loads(line))
        error = repr(result.exception) if result.exception and not isinstance(result.exception, SystemExit) else ""
        answer = {"code": result.exit_code, "output": (result.output + error)[-3000:]}
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
