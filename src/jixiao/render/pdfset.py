"""The PDF files of a render: laid out in parts, over several processes, and cached.

1. :func:`jixiao.render.chunks.plan` cuts the document's HTML into a front
   (title and 目录) and chunks (第一部分, each part heading, each table), each
   starting a new page.
2. Each chunk is laid out on its own, in a worker, unless the cache holds it
   (keyed by the chunk's HTML, the version key, title and date): its pages
   as captured data (:mod:`jixiao.render.records`).
3. The skeleton (the front, and one placeholder page per chunk page holding
   that page's anchors) is laid out the same way: it gives the 目录's page
   numbers, every page's footer and the page of every anchor. Meanwhile the
   other workers write the PDF file of each table laid out in step 2.
4. As soon as the skeleton is there, the combined PDF is written from the
   captured pages (cached too, keyed by all the parts' keys).

Each step depends only on the bytes of what it is given, so the files are the
same whichever process laid out which part and whether parts came from the
cache: a render after editing one table lays out that table (and, if its
page count changed, the skeleton) and writes the combined PDF again; the
other tables' files are reused as they are.

When the style sheet or template uses something that carries over from one
chunk to the next (see :func:`jixiao.render.chunks.unsupported`), or a page
draws something that cannot be captured, the whole document is laid out at
once as before (:func:`jixiao.render.pdf.layout_pdf`), in one worker.

This module runs in the main process and does not import WeasyPrint.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.errors import RenderError
from jixiao.render.cache import Cache, digest
from jixiao.render.chunks import Plan, plan, skeleton_html
from jixiao.render.records import Part, anchor_pages, front_pages, part_from_bytes, part_to_bytes
from jixiao.render.workers import Call, Runner

_JOBS = "jixiao.render.chunkpdf"


@dataclass
class PdfSet:
    """The PDF files of a render."""

    combined: bytes | None
    tables: dict[int, bytes]
    #: Anchor id → page number in the combined PDF (for the Word 目录); None without the combined file.
    anchor_pages: dict[str, int] | None
    #: WeasyPrint's warnings (English), each once.
    warnings: list[str] = field(default_factory=list)
    #: Why the document was laid out whole, or None (laid out in parts).
    whole: str | None = None
    #: Parts laid out by this render (the others came from the cache).
    laid_out: int = 0


@dataclass(frozen=True)
class Job:
    """What to make."""

    html: str
    template_dirs: tuple[Path, ...]
    issued: dt.date
    title: str
    numbers: tuple[int, ...]
    combined: bool
    #: What else the parts depend on (code, libraries, fonts, template files); part of every cache key.
    version: str = ""


class _Stale(Exception):  # noqa: N818 - handled here
    """A cached part names a font that is not installed as it was: start again without the cache."""


#: Called as progress(stage, done, total).
Progress = Callable[[str, int, int], None]


@dataclass
class Hooks:
    """What the caller may do before the PDF files are all made."""

    #: The chunks are laid out (or fewer than the workers remain to be): what is
    #: left keeps fewer processes busy.
    parts_done: Callable[[], None] = lambda: None
    #: The combined document's anchor pages (see :attr:`PdfSet.anchor_pages`) are known.
    anchors: Callable[[dict[str, int]], None] = lambda pages: None


def make_pdfs(job: Job, runner: Runner, cache: Cache | None, progress: Progress | None = None,
              hooks: Hooks | None = None) -> PdfSet:
    """The combined PDF (if ``job.combined``) and each table's PDF."""
    stages = progress or (lambda stage, done, total: None)
    try:
        return _in_parts(job, runner, cache, stages, hooks or Hooks())
    except _Stale:
        pass
    try:  # a cached part named a font installed differently now: lay everything out again
        return _in_parts(job, runner, None, stages, hooks or Hooks())
    except _Stale:  # a font Pango does not load again by its name (a synthetic bold …)
        return _whole(job, runner, "有的字体无法按名称重新载入")


def _in_parts(job: Job, runner: Runner, cache: Cache | None, stages: Progress, hooks: Hooks) -> PdfSet:
    merged: set[int] = set()
    laid_out: list[int] = []  # indexes of the parts laid out by this render (not from the cache)
    known: dict[str, Part] = {}  # parts laid out by this render, by key (when chunks are merged, plan again)
    while True:
        cut = plan(job.html, sorted(merged))
        if isinstance(cut, str):
            return _whole(job, runner, cut)
        chunks = list(cut.chunks)
        if not job.combined:
            wanted = set(job.numbers)
            chunks = [c for c in chunks if wanted & set(c.tables)]
            if wanted - {n for c in chunks for n in c.tables}:  # a table in the front: lay out everything
                chunks = list(cut.chunks)
        keys = [digest(job.version, "part", job.issued.isoformat(), job.title, c.html) for c in chunks]
        found = _lay_out(job, runner, cache, [c.html for c in chunks], keys, stages, skeleton=False,
                         idle=hooks.parts_done, known=known)
        if isinstance(found, str):
            return _whole(job, runner, found)
        parts, laid_out = found
        known.update((keys[i], parts[i]) for i in laid_out)
        if any(p.sided for p in parts):
            return _whole(job, runner, "分页要求左页或右页（break-before: left/right）")
        late = {c.group for c, p in zip(chunks, parts, strict=True) if not p.starts_page}
        if late and (job.combined or chunks == list(cut.chunks)):
            merged |= late  # they continue the page before them: lay them out with it
            continue
        break
    hooks.parts_done()
    if not job.combined and len(chunks) < len(cut.chunks):
        _write_tables(job, runner, parts, laid_out, [], stages)
        _keep(cache, keys, parts, laid_out)
        return _result(job, [], parts, None, None, len(laid_out))
    return _with_skeleton(job, runner, cache, cut, keys, parts, laid_out, stages, hooks)


def _with_skeleton(job: Job, runner: Runner, cache: Cache | None, cut: Plan, keys: list[str], parts: list[Part],
                   laid_out: list[int], stages: Progress, hooks: Hooks) -> PdfSet:
    """The skeleton, the project files of the parts laid out now and the combined file, over the workers.

    The project files are written while one worker lays out the skeleton and
    then writes the combined file.
    """
    html = skeleton_html(cut, [p.anchors for p in parts])
    skeleton_key = digest(job.version, "skeleton", job.issued.isoformat(), job.title, html)
    combined_key = digest(job.version, "combined", job.issued.isoformat(), job.title, skeleton_key, keys)
    combined = cache.get(combined_key) if cache is not None and job.combined else None
    cached = _cached(cache, skeleton_key)
    assemble = job.combined and combined is None

    def fitting(skeleton: object) -> Part | None:
        return skeleton if isinstance(skeleton, Part) and front_pages(skeleton, parts) is not None else None

    def after_skeleton(skeleton: object) -> list[Call]:
        """Once the skeleton is there: the anchors are known, the combined file can be written."""
        fit = fitting(skeleton)
        if fit is None:
            return []
        hooks.anchors(anchor_pages(fit))
        calls = [_assemble_call(job, fit, parts)] if assemble else []
        if fit.tables:
            calls.append(_write_call(job, [fit]))
        return calls

    if cached is None:
        first = [(f"{_JOBS}:lay_out", (html, job.template_dirs, job.issued, job.title, True))]
        results = _write_tables(job, runner, parts, laid_out, first, stages, after_skeleton)
    else:
        first = after_skeleton(cached)
        results = [cached, *_write_tables(job, runner, parts, laid_out, first, stages)]
    skeleton = results[0]
    if not isinstance(skeleton, Part):
        return _whole(job, runner, str(skeleton))
    if fitting(skeleton) is None:
        return _whole(job, runner, "占位页与分块的页数不符")
    followers = results[1:]
    if assemble:
        assembled = followers.pop(0)
        if assembled == "stale":
            raise _Stale
        if not isinstance(assembled, bytes):
            return _whole(job, runner, "占位页与分块的页数不符")
        combined = assembled
        if cache is not None:
            cache.put(combined_key, combined)
    if skeleton.tables and followers:
        written = followers.pop(0)
        if not isinstance(written, list):
            raise _Stale
        skeleton.pdfs = written[0]
    _keep(cache, keys, parts, laid_out)
    if cached is None:
        _keep(cache, [skeleton_key], [skeleton], [0])
    count = len(laid_out) + (1 if cached is None else 0)
    return _result(job, [skeleton], parts, combined, anchor_pages(skeleton), count)


def _assemble_call(job: Job, skeleton: Part, parts: Sequence[Part]) -> Call:
    light = [dataclasses.replace(p, pdfs={}) for p in (skeleton, *parts)]
    return (f"{_JOBS}:assemble", (light[0], light[1:], job.issued, job.title))


def _write_call(job: Job, parts: Sequence[Part]) -> Call:
    return (f"{_JOBS}:write_tables", (list(parts), job.issued, job.title))


#: Parts per call when writing project files (fewer, larger messages between processes).
_WRITE_BATCH = 6


def _write_tables(job: Job, runner: Runner, parts: list[Part], indexes: Sequence[int], first: Sequence[Call],
                  stages: Progress, after_first: Callable[[object], list[Call]] | None = None) -> list[object]:
    """Run *first* and write the project files of ``parts[i]`` for *indexes* (into their ``pdfs``), together.

    *after_first* gets the result of the first call as soon as it is there
    and may add calls. Returns the results of *first* and of the added calls.
    """
    todo = [i for i in indexes if parts[i].tables and not parts[i].pdfs]
    batches = [todo[k:k + _WRITE_BATCH] for k in range(0, len(todo), _WRITE_BATCH)]
    calls = [*first, *(_write_call(job, [parts[i] for i in batch]) for batch in batches)]
    written = range(len(first), len(calls))
    done = [0]

    def one_more(index: int, value: object) -> None:
        if index in written:
            done[0] += 1
            stages("PDF 项目表", done[0], len(batches))

    def then(index: int, value: object) -> list[Call]:
        return after_first(value) if index == 0 and first and after_first is not None else []

    results = runner.run(calls, one_more, then)
    for batch, pdfs in zip(batches, results[len(first):len(calls)], strict=True):
        if not isinstance(pdfs, list):
            raise _Stale
        for i, table_pdfs in zip(batch, pdfs, strict=True):
            parts[i].pdfs = table_pdfs
    return [*results[:len(first)], *results[len(calls):]]


def _keep(cache: Cache | None, keys: Sequence[str], parts: Sequence[Part], indexes: Sequence[int]) -> None:
    """Store the parts laid out now (with their project files) in the cache."""
    if cache is not None:
        for i in indexes:
            cache.put(keys[i], part_to_bytes(parts[i]))


def _lay_out(job: Job, runner: Runner, cache: Cache | None, htmls: Sequence[str], keys: Sequence[str],
             stages: Progress, *, skeleton: bool, idle: Callable[[], None] | None = None,
             known: dict[str, Part] | None = None) -> tuple[list[Part], list[int]] | str:
    """The parts for *htmls*: *known* to this render, from the cache, or laid out (the largest first).

    Returns them and the indexes of those this render laid out (now or
    before: in *known*), or why they cannot be laid out in parts. *idle* is
    called first when some workers will have nothing to do.
    """
    known = known or {}
    found: list[Part | None] = [known.get(key) or _cached(cache, key) for key in keys]
    ours = {i for i, key in enumerate(keys) if key in known}
    missing = sorted((i for i, part in enumerate(found) if part is None), key=lambda i: -len(htmls[i]))
    calls = [(f"{_JOBS}:lay_out", (htmls[i], job.template_dirs, job.issued, job.title, skeleton)) for i in missing]
    if idle is not None and len(calls) < runner.size:
        idle()
    done = [0]

    def one_more(index: int, value: object) -> None:
        done[0] += 1
        stages("排版 PDF", done[0], len(calls))

    if calls:
        stages("排版 PDF", 0, len(calls))
    results = runner.run(calls, one_more)
    for i, result in zip(missing, results, strict=True):
        if isinstance(result, str):
            return result
        found[i] = result
    return [p for p in found if p is not None], sorted(ours | set(missing))


def _cached(cache: Cache | None, key: str) -> Part | None:
    data = cache.get(key) if cache is not None else None
    if data is None:
        return None
    try:
        return part_from_bytes(data)
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def _result(job: Job, extra: list[Part], parts: list[Part], combined: bytes | None,
            anchors: dict[str, int] | None, laid_out: int) -> PdfSet:
    tables: dict[int, bytes] = {}
    warnings: list[str] = []
    for part in (*extra, *parts):
        tables.update(part.pdfs)
        warnings += [w for w in part.warnings if w not in warnings]
    for number in job.numbers:
        if number not in tables:
            raise RenderError(
                f"PDF 排版中找不到第 {number} 个项目表（标记 table-{number}）。HTML 模板是否删去了表题的 id？"
            )
    return PdfSet(
        combined=combined, tables={n: tables[n] for n in job.numbers if n in tables}, anchor_pages=anchors,
        warnings=warnings, laid_out=laid_out,
    )


def _whole(job: Job, runner: Runner, reason: str) -> PdfSet:
    """The whole document laid out at once, in one process (no cache)."""
    combined, tables, anchors, warnings = runner.run(
        [(f"{_JOBS}:whole", (job.html, job.template_dirs, job.issued, job.title, job.numbers, job.combined))]
    )[0]
    return PdfSet(combined=combined, tables=tables, anchor_pages=anchors if job.combined else None,
                  warnings=list(warnings), whole=reason, laid_out=1)
