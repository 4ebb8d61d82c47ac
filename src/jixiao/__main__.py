"""``python -m jixiao``, and the ``jixiao`` console script's entry point (:func:`main`).

The console script imports this module, not :mod:`jixiao.cli`: worker
processes (:mod:`jixiao.render.pool`) import the script that started the
program, as :mod:`multiprocessing` does on every platform that does not fork,
and with this module that costs them nothing (the command line, typer and
rich are loaded only when :func:`main` runs, i.e. in the main process).
"""


def main() -> None:
    """Run the command line (:func:`jixiao.cli.app.main`)."""
    from jixiao.cli import main as run

    run()


if __name__ == "__main__":
    main()
