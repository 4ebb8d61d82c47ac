"""Import WeasyPrint without its slow search for shared libraries.

WeasyPrint opens Pango, HarfBuzz and Fontconfig by trying several names for
each (``libpango-1.0-0``, ``pango-1.0`` …, ``libpango-1.0.so.0``); on
Linux each failed name goes to :func:`ctypes.util.find_library`, which runs
``ldconfig`` and the C compiler: about a third of WeasyPrint's import time.
On Linux the list always holds the library's file name, which the dynamic
loader opens directly, and ``find_library`` can only find a library that
name opens too; so while WeasyPrint is imported, the search is skipped.
"""

from __future__ import annotations

import sys


def import_weasyprint() -> None:
    """Import WeasyPrint (once), skipping ``find_library`` on Linux."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint  # noqa: F401
        return
    import ctypes.util

    original = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = original


def _not_searched(name: str) -> None:
    return None
