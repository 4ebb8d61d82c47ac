"""What the worker processes' fork server imports before it starts any (:data:`jixiao.render.pool.PRELOAD`).

WeasyPrint and jixiao's layout code, so that every worker has them already.
Nothing here may stop the fork server: should WeasyPrint fail to load (Pango
missing …), a worker meets the same error when it lays out, and the render
reports it. What is imported is then frozen for the cycle collector
(``gc.freeze``, meant for fork servers): the workers' collections skip it and
leave its memory pages shared.
"""

from __future__ import annotations

import contextlib
import gc

with contextlib.suppress(Exception):
    import jixiao.render.pdf.layout  # noqa: F401
gc.freeze()
