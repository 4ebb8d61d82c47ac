"""The PDF files of a render: from the cache, or laid out by worker processes.

The combined document is one call (:func:`jixiao.render.pdf.jobs.combined`),
submitted first as it takes longest; with several workers, the project
tables' own documents (:func:`jixiao.render.pdf.sections.split`) follow in
small batches (:func:`jixiao.render.pdf.jobs.tables`), so that the workers
finish together. With one, the combined call writes them from its own layout
(each table is laid out once: :mod:`jixiao.render.pdf.assemble`), which costs
less than laying them out again. Meanwhile the caller makes the Word files;
:meth:`PdfRun.anchors` waits for the combined layout only, whose pages the
combined Word file's 目录 shows.

Each file is cached by what it is made from (:mod:`jixiao.render.cache`): the
combined PDF by the whole HTML, a project's PDF by the HTML of its own
document, both with the title, the date and :func:`version` (jixiao's code,
the libraries, the fonts, every file of the template folders). A render with
nothing changed starts no worker at all; after editing one project, that
project's PDF and the combined one are made again.

This module does not import WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.render import pool
from jixiao.render.cache import Cache, code_digest, digest, files_digest, font_environment
from jixiao.render.pdf import jobs
from jixiao.render.pdf.sections import split

#: Called as progress(stage, done, total).
Progress = Callable[[str, int, int], None]

#: Project tables per call: small enough that the workers end together, large enough to keep calls few.
BATCH = 3


@dataclass
class PdfSet:
    """The PDF files of a render."""

    combined: bytes | None
    tables: dict[int, bytes]
    #: Anchor id → page number in the combined PDF (for the Word 目录); None without the combined file.
    anchor_pages: dict[str, int] | None
    #: WeasyPrint's warnings (English), each once.
    warnings: list[str] = field(default_factory=list)
    #: Files laid out by this render (the others came from the cache).
    laid_out: int = 0


def version(template_dirs: Sequence[Path]) -> str:
    """What every PDF depends on besides its HTML; "" when the template folders cannot be read whole."""
    files = files_digest(template_dirs)
    return digest(code_digest(), font_environment(), files) if files else ""


class PdfRun:
    """The PDF files of one render, being made.

    *start* gives the executor to submit to; it is called only if something
    is missing from the cache.
    """

    def __init__(self, html: str, template_dirs: Sequence[Path], *, issued: dt.date, title: str,
                 numbers: Sequence[int], combined: bool, cache: Cache | None, start: Callable[[], Executor],
                 progress: Progress, workers: int = 2) -> None:
        self._progress = progress
        self._dirs = tuple(Path(d).absolute() for d in template_dirs)  # workers may have another working folder
        self._issued = issued
        self._numbers = list(numbers)
        own = split(html, self._numbers)
        self._titles = {n: t.title or title for n, t in own.items()}
        stamp = digest(version(self._dirs), issued.isoformat(), title) if cache is not None else ""
        self._cache = cache if stamp else None
        self._keys = {n: digest(stamp, "table", self._titles[n], t.html) for n, t in own.items()}
        self._combined_key = digest(stamp, "combined", html)
        self._combined: jobs.Combined | Future[jobs.Combined] | None = None
        self._tables: dict[int, bytes] = {}
        self._batches: list[tuple[list[int], Future[jobs.Tables]]] = []
        self._pool: Executor | None = None
        #: Tables whose PDFs come with the combined one.
        self._along: list[int] = []
        self.laid_out = 0
        if combined:
            self._combined = self._cached_combined()
        self._tables = {n: data for n in self._numbers if (data := self._get(self._keys[n])) is not None}
        missing = [n for n in self._numbers if n not in self._tables]
        if (combined and self._combined is None) or missing:
            self._pool = start()
            try:
                if combined and self._combined is None:
                    along = missing if workers <= 1 else []
                    self._along = along
                    missing = [n for n in missing if n not in along]
                    self._combined = self._pool.submit(jobs.combined, html, self._dirs, issued, title, along)
                for i in range(0, len(missing), BATCH):
                    batch = missing[i:i + BATCH]
                    future = self._pool.submit(jobs.tables, {n: own[n].html for n in batch},
                                               {n: self._titles[n] for n in batch}, self._dirs, issued)
                    self._batches.append((batch, future))
            except BaseException:
                self.close()
                raise

    def _get(self, key: str) -> bytes | None:
        return self._cache.get(key) if self._cache is not None else None

    def _cached_combined(self) -> jobs.Combined | None:
        entry = self._get(self._combined_key)
        if entry is None or len(entry) < 8:
            return None
        size = int.from_bytes(entry[:8], "big")
        try:
            meta = json.loads(entry[8:8 + size].decode("utf-8"))
            pages = {str(k): int(v) for k, v in meta["anchors"].items()}
            warnings = [str(w) for w in meta["warnings"]]
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return jobs.Combined(entry[8 + size:], pages, warnings)

    def anchors(self) -> dict[str, int] | None:
        """The combined PDF's anchor pages, as soon as its layout is done (None without the combined file)."""
        found = self._combined_result()
        return found.anchor_pages if found is not None else None

    def _combined_result(self) -> jobs.Combined | None:
        if isinstance(self._combined, Future):
            done = pool.result(self._combined)
            self.laid_out += 1 + len(done.tables)
            if self._cache is not None:
                meta = json.dumps({"anchors": done.anchor_pages, "warnings": done.warnings}).encode("utf-8")
                self._cache.put(self._combined_key, len(meta).to_bytes(8, "big") + meta + done.data)
            for number in self._along:
                self._tables[number] = done.tables[number]
                if self._cache is not None:
                    self._cache.put(self._keys[number], done.tables[number])
            self._combined = jobs.Combined(done.data, done.anchor_pages, done.warnings)
        return self._combined

    def result(self) -> PdfSet:
        """Every file, once made (an error in any call is raised here, and the other calls are dropped)."""
        try:
            combined = self._combined_result()
            warnings = list(combined.warnings) if combined is not None else []
            for done, (batch, future) in enumerate(self._batches, 1):
                made = pool.result(future)
                for number in batch:
                    self._tables[number] = made.data[number]
                    if self._cache is not None:
                        self._cache.put(self._keys[number], made.data[number])
                warnings += [w for w in made.warnings if w not in warnings]
                self.laid_out += len(batch)
                self._progress("PDF 项目表", done, len(self._batches))
        finally:
            self.close()
        return PdfSet(
            combined=combined.data if combined is not None else None,
            tables={n: self._tables[n] for n in self._numbers},
            anchor_pages=combined.anchor_pages if combined is not None else None,
            warnings=warnings, laid_out=self.laid_out,
        )

    def close(self) -> None:
        """Stop the workers (calls not started are dropped)."""
        if self._pool is not None:
            pool.stop(self._pool)
            self._pool = None
