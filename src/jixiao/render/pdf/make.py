"""The PDF files of a render: from the cache, or laid out by worker processes.

The combined document is one call (:func:`jixiao.render.pdf.jobs.combined`)
in a pool of its own. With one worker, that call writes every project PDF
from its own layout (each table is laid out once:
:mod:`jixiao.render.pdf.assemble`), which costs less than laying them out
again. With several, the other workers lay out and write most project
tables' own documents (:func:`jixiao.render.pdf.sections.split`) in small
batches (:func:`jixiao.render.pdf.jobs.tables`), in a second pool that is
shut down (its processes end) as soon as its last batch is done; the
combined call writes the rest from its layout (:func:`along_count`), so
that those workers are done before it writes the combined file, when its
memory peaks. Meanwhile the workbook is made (:mod:`jixiao.render.build`); the Word files
follow once the layouts are done (their 目录 page numbers and table breaks).

Each file is cached by what it is made from (:mod:`jixiao.render.cache`): the
combined PDF by the whole HTML, a project's PDF by the HTML of its own
document, both with the title, the date and :func:`version` (jixiao's code,
the libraries, the fonts, every file of the template folders). A render with
nothing changed starts no worker at all; after editing one project, that
project's PDF and the combined one are made again.

The layouts also tell where each table breaks across pages
(:mod:`jixiao.render.layout.breaks`), which the Word files repeat: the
combined layout's for the combined file, each project's own layout's for its
own file. These are cached with the files, and a render that makes no PDF
(``--format docx``) lays the documents out without writing them.

This module does not import WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.render import pool
from jixiao.render.cache import Cache, code_digest, digest, files_digest, font_environment
from jixiao.render.layout.breaks import TableBreaks
from jixiao.render.pdf import jobs
from jixiao.render.pdf.sections import split

#: Called as progress(stage, done, total).
Progress = Callable[[str, int, int], None]

#: Project tables per call: small enough that the workers end together, large enough to keep calls few.
BATCH = 3


#: CPU time of a project table, relative to laying it out as part of the combined document (measured on
#: the Tangshan example: about 0.13 s): laid out and written as a document of its own, by a worker of the
#: tables' pool; written from the combined layout, by the combined call. The combined layout costs about
#: :data:`COMBINED_COST` per table, the rest of the document included.
OWN_COST, ALONG_COST, COMBINED_COST = 1.5, 0.5, 1.25
#: The tables' workers should be done by this share of the combined call's time before it writes the file.
MARGIN = 0.8


def along_count(missing: int, workers: int) -> int:
    """How many of the *missing* project PDFs the combined call writes from its own layout.

    With one worker, all of them. With more, as few as let the other workers
    lay out and write the rest before the combined call has laid out its
    document and written these: then those workers end (:meth:`PdfRun.result`)
    before it writes the combined file, when its memory peaks. Two workers on
    the Tangshan example: 15 of 54.
    """
    if workers <= 1:
        return missing
    own = OWN_COST / (workers - 1)
    share = (own - MARGIN * COMBINED_COST) / (own + MARGIN * ALONG_COST)
    return min(missing, max(0, math.ceil(share * missing)))


@dataclass
class PdfSet:
    """The PDF files of a render."""

    #: The combined PDF and the project PDFs (empty bytes when only laid out, see :class:`PdfRun`).
    combined: bytes | None
    tables: dict[int, bytes]
    #: Anchor id → page number in the combined PDF (for the Word 目录); None without the combined file.
    anchor_pages: dict[str, int] | None
    #: WeasyPrint's warnings (English), each once.
    warnings: list[str] = field(default_factory=list)
    #: Files laid out by this render (the others came from the cache).
    laid_out: int = 0
    #: Table number → rows of its own document that begin a page (for the project Word files).
    table_breaks: dict[int, TableBreaks] = field(default_factory=dict)
    #: Table number → rows that begin a page in the combined layout (None without the combined file).
    combined_breaks: dict[int, TableBreaks] | None = None


def version(template_dirs: Sequence[Path]) -> str:
    """What every PDF depends on besides its HTML; "" when the template folders cannot be read whole."""
    files = files_digest(template_dirs)
    return digest(code_digest(), font_environment(), files) if files else ""


class PdfRun:
    """The PDF files of one render, being made.

    *start(n)* gives an executor of *n* workers to submit to (with *workers*
    at most 1, one that makes every call in this process); it is called only
    if something is missing from the cache. Without *write* the documents
    are only laid out, for their page numbers and table breaks (the files
    are empty bytes).
    """

    def __init__(self, html: str, template_dirs: Sequence[Path], *, issued: dt.date, title: str,
                 numbers: Sequence[int], combined: bool, cache: Cache | None, start: Callable[[int], Executor],
                 progress: Progress, workers: int = 2, write: bool = True) -> None:
        self._progress = progress
        self._dirs = tuple(Path(d).absolute() for d in template_dirs)  # workers may have another working folder
        self._issued = issued
        self._write = write
        self._numbers = list(numbers)
        own = split(html, self._numbers)
        self._titles = {n: t.title or title for n, t in own.items()}
        stamp = digest(version(self._dirs), issued.isoformat(), title) if cache is not None else ""
        self._cache = cache if stamp else None
        self._keys = {n: digest(stamp, "table", self._titles[n], t.html) for n, t in own.items()}
        # Without writing, the layout of a written combined PDF serves as well (its bytes are not used).
        full = digest(stamp, "combined", html)
        self._combined_key = full if write else digest(stamp, "combined-layout", html)
        self._combined_keys = [self._combined_key] + ([] if write else [full])
        self._combined: jobs.Combined | Future[jobs.Combined] | None = None
        self._tables: dict[int, bytes] = {}
        self._breaks: dict[int, TableBreaks] = {}
        self._batches: list[tuple[list[int], Future[jobs.Tables]]] = []
        #: The executors started: the combined call's, then the tables' (the same one with one worker).
        self._pools: list[Executor] = []
        #: Tables whose PDFs come with the combined one.
        self._along: list[int] = []
        self.laid_out = 0
        if combined:
            self._combined = self._cached_combined()
        for n in self._numbers:
            data = self._get(self._keys[n]) if write else b""
            breaks = self._cached_breaks(n)
            if data is not None and breaks is not None:
                self._tables[n], self._breaks[n] = data, breaks
        missing = [n for n in self._numbers if n not in self._tables]
        if (combined and self._combined is None) or missing:
            try:
                if combined and self._combined is None:
                    along = missing[len(missing) - along_count(len(missing), workers):] if write else []
                    self._along = along
                    missing = [n for n in missing if n not in along]
                    self._pools.append(start(1))
                    self._combined = self._pools[0].submit(jobs.combined, html, self._dirs, issued, title, write,
                                                           along)
                if missing and (workers > 1 or not self._pools):
                    self._pools.append(start(max(1, workers - len(self._pools))))
                for i in range(0, len(missing), BATCH):
                    batch = missing[i:i + BATCH]
                    future = self._pools[-1].submit(jobs.tables, {n: own[n].html for n in batch},
                                                    {n: self._titles[n] for n in batch}, self._dirs, issued, write)
                    self._batches.append((batch, future))
            except BaseException:
                self.close()
                raise

    def _get(self, key: str) -> bytes | None:
        return self._cache.get(key) if self._cache is not None else None

    def _breaks_key(self, number: int) -> str:
        return digest(self._keys[number], "breaks")

    def _cached_breaks(self, number: int) -> TableBreaks | None:
        entry = self._get(self._breaks_key(number))
        try:
            return TableBreaks.from_json(json.loads(entry.decode("utf-8"))) if entry is not None else None
        except (ValueError, TypeError, AttributeError):
            return None

    def _cached_combined(self) -> jobs.Combined | None:
        for key in self._combined_keys:
            found = self._combined_entry(key)
            if found is not None:
                return found if self._write else jobs.Combined(b"", found.anchor_pages, found.warnings, found.breaks)
        return None

    def _combined_entry(self, key: str) -> jobs.Combined | None:
        entry = self._get(key)
        if entry is None or len(entry) < 8:
            return None
        size = int.from_bytes(entry[:8], "big")
        try:
            meta = json.loads(entry[8:8 + size].decode("utf-8"))
            pages = {str(k): int(v) for k, v in meta["anchors"].items()}
            warnings = [str(w) for w in meta["warnings"]]
            breaks = {int(k): TableBreaks.from_json(v) for k, v in meta["breaks"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return jobs.Combined(entry[8 + size:], pages, warnings, breaks)

    def anchors(self) -> dict[str, int] | None:
        """The combined PDF's anchor pages, as soon as its layout is done (None without the combined file)."""
        found = self._combined_result()
        return found.anchor_pages if found is not None else None

    def breaks(self) -> dict[int, TableBreaks] | None:
        """Where the combined layout breaks each table, as soon as it is done (None without the combined file)."""
        found = self._combined_result()
        return found.breaks if found is not None else None

    def _combined_result(self) -> jobs.Combined | None:
        if isinstance(self._combined, Future):
            done = pool.result(self._combined)
            self.laid_out += 1 + len(done.tables)
            if self._cache is not None:
                meta = json.dumps({"anchors": done.anchor_pages, "warnings": done.warnings,
                                   "breaks": {n: b.as_json() for n, b in done.breaks.items()}}).encode("utf-8")
                self._cache.put(self._combined_key, len(meta).to_bytes(8, "big") + meta + done.data)
            for number in self._along:
                self._tables[number] = done.tables[number]
                self._breaks[number] = done.table_breaks[number]
                if self._cache is not None:
                    self._cache.put(self._keys[number], done.tables[number])
                    self._cache.put(self._breaks_key(number),
                                    json.dumps(done.table_breaks[number].as_json()).encode("utf-8"))
            self._combined = jobs.Combined(done.data, done.anchor_pages, done.warnings, done.breaks)
        return self._combined

    def result(self) -> PdfSet:
        """Every file, once made (an error in any call is raised here, and the other calls are dropped)."""
        try:
            self._await_tables()
            combined = self._combined_result()
            warnings = list(combined.warnings) if combined is not None else []
            for done, (batch, future) in enumerate(self._batches, 1):
                made = pool.result(future)
                for number in batch:
                    self._tables[number] = made.data[number]
                    self._breaks[number] = made.breaks[number]
                    if self._cache is not None:
                        if self._write:
                            self._cache.put(self._keys[number], made.data[number])
                        self._cache.put(self._breaks_key(number),
                                        json.dumps(made.breaks[number].as_json()).encode("utf-8"))
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
            table_breaks={n: self._breaks[n] for n in self._numbers},
            combined_breaks=combined.breaks if combined is not None else None,
        )

    def _await_tables(self) -> None:
        """Wait for the tables' batches, then end their workers (unless they make the combined file too).

        An error in any call, the combined one too, is raised as soon as it comes.
        """
        waiting: set[Future[Any]] = {future for _, future in self._batches}
        if not waiting:
            return
        combined = self._combined if isinstance(self._combined, Future) else None
        while waiting:
            done, _ = wait(waiting | ({combined} if combined is not None else set()), return_when=FIRST_COMPLETED)
            for future in done:
                pool.result(future)  # raises the call's error
            waiting -= done
            if combined in done:
                combined = None
        if len(self._pools) > 1:
            pool.stop(self._pools.pop())

    def close(self) -> None:
        """Stop the workers (calls not started are dropped)."""
        while self._pools:
            pool.stop(self._pools.pop())
