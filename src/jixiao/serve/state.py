"""One build of the preview: load → expand → check → HTML, cut into fragments with digests.

The document is the page :func:`jixiao.render.html.document.render_html` makes for the
PDF (the user's own ``document.html.j2`` and ``style.css`` included), so the
preview shows what the PDF prints. Its body is cut into fragments: each table
section (``data-table``, which the template must keep for the per-project
PDFs) is one, and every other top-level block is one. Each fragment is marked
``data-jx-frag`` and has a digest of its markup and one of its check notes;
the page is sent only the fragments whose digests changed. When the blocks
themselves change (a table added, removed or moved), the *skeleton* digest
changes and the page gets the whole body again.

A spec that does not load gives a :class:`Failure` with every positioned
problem instead; the page shows those until the next build succeeds.
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from jixiao.checks.base import Finding
from jixiao.errors import JixiaoError, SpecError
from jixiao.model.document import Document
from jixiao.render.html.document import render_html
from jixiao.render.templates import html_dirs
from jixiao.resources import builtin_templates, user_templates
from jixiao.serve.notes import Item, counts, finding_item, problem_item, table_notes
from jixiao.serve.watch import fingerprint
from jixiao.workflow import Checks, open_spec


def digest(text: str) -> str:
    """A short content digest."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


@dataclass(frozen=True)
class Fragment:
    """One block of the document body, as markup, with the check notes shown beside it."""

    key: str
    html: str
    notes: tuple[Item, ...]
    html_digest: str
    notes_digest: str
    #: The table this fragment shows, if it is a table section.
    table: int | None = None


@dataclass(frozen=True)
class TableEntry:
    """A table in the preview's sidebar."""

    number: int
    key: str
    heading: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Preview:
    """A successful build: the document and what the checks found."""

    version: int
    title: str
    #: The whole page served to the preview frame (fragments marked, version on <html>).
    document: str
    #: Inner markup of <head> (the style sheet is inlined there).
    head: str
    #: Outer markup of <body>.
    body: str
    head_digest: str
    skeleton_digest: str
    fragments: dict[str, Fragment]
    tables: tuple[TableEntry, ...]
    #: Findings about no table (部门.yaml, 第一部分).
    general: tuple[Item, ...]
    counts: dict[str, int]
    doc: Document
    #: The HTML render_html made (what the PDF lays out) and the template folders it came from.
    html: str
    dirs: tuple[Path, ...]
    #: Changes whenever a file in the template folders changes (images, fonts …).
    assets_digest: str
    seconds: float


@dataclass(frozen=True)
class Failure:
    """A build that stopped: positioned problems, or one message for other errors."""

    version: int
    problems: tuple[Item, ...] = ()
    message: str | None = None
    seconds: float = 0.0


State = Preview | Failure


class Builder:
    """Builds the preview of one spec folder, numbering the builds.

    Paths are shown relative to *base* (the current folder, as the command line shows them).
    """

    def __init__(self, root: Path, base: Path) -> None:
        self.root = root
        self.base = base
        self._versions = count(1)

    def build(self) -> State:
        """Load, expand, check and render the spec now."""
        version = next(self._versions)
        started = time.perf_counter()
        try:
            return self._preview(version, started)
        except SpecError as exc:
            readable = [self.root, builtin_templates(), *filter(None, [user_templates(self.root)])]
            problems = tuple(problem_item(d, self.base, readable) for d in exc.diagnostics)
            return Failure(version, problems, seconds=time.perf_counter() - started)
        except JixiaoError as exc:
            return Failure(version, message=str(exc), seconds=time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001 - the preview goes on; the page says what broke
            return Failure(
                version,
                message=f"jixiao 内部错误：{type(exc).__name__}: {exc}。这是 jixiao 的缺陷，不是您的规格有误；"
                "请把这条信息和规格一起报告给维护者。",
                seconds=time.perf_counter() - started,
            )

    def _preview(self, version: int, started: float) -> Preview:
        opened = open_spec(self.root, checks=Checks.REPORT)
        loaded, doc, findings = opened.loaded, opened.doc, opened.findings
        dirs = tuple(html_dirs(loaded.root, doc.templates.get("html")))
        html = render_html(doc, dirs)
        by_table: dict[int, list[Finding]] = {}
        general = []
        for f in findings:
            for n in f.tables:
                by_table.setdefault(n, []).append(f)
            if not f.tables:
                general.append(finding_item(f, loaded.root, self.base))
        notes = {
            t.number: tuple(table_notes(t, by_table.get(t.number, ()), loaded.root, self.base)) for t in doc.tables()
        }
        cut = _cut(html, notes, version)
        tables = tuple(
            TableEntry(t.number, f"table-{t.number}", t.heading, counts(by_table.get(t.number, [])))
            for t in doc.tables()
        )
        return Preview(
            version=version, title=doc.title, document=cut.document, head=cut.head, body=cut.body,
            head_digest=digest(cut.head), skeleton_digest=cut.skeleton, fragments=cut.fragments,
            tables=tables, general=tuple(general), counts=counts(findings), doc=doc, html=html, dirs=dirs,
            assets_digest=digest(fingerprint(dirs)), seconds=time.perf_counter() - started,
        )


@dataclass(frozen=True)
class _Cut:
    document: str
    head: str
    body: str
    skeleton: str
    fragments: dict[str, Fragment]


def _cut(html: str, notes: dict[int, tuple[Item, ...]], version: int) -> _Cut:
    """Mark the fragments of *html*'s body; the markup of each, of the head and of the skeleton."""
    root = lxml.html.document_fromstring(html)
    head, body = root.find("head"), root.find("body")
    if head is None:
        head = etree.SubElement(root, "head")
        root.insert(0, head)
    if body is None:
        body = etree.SubElement(root, "body")
    blocks: list[tuple[str, Any, int | None]] = []
    _blocks(body, blocks, count(1), set())
    fragments: dict[str, Fragment] = {}
    for key, element, _ in blocks:
        element.set("data-jx-frag", key)
    for key, element, number in blocks:
        markup = _markup(element)
        own = notes.get(number, ()) if number is not None else ()
        fragments[key] = Fragment(key, markup, own, digest(markup), digest(json.dumps(own, ensure_ascii=False)),
                                  number)
    skeleton = copy.deepcopy(body)
    for element in list(skeleton.iterfind(".//*[@data-jx-frag]")):
        key = element.get("data-jx-frag")
        element.clear(keep_tail=True)
        element.set("data-jx-frag", key)
    root.set("data-jx-version", str(version))
    document: str = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    inner = (head.text or "") + "".join(_markup(child, tail=True) for child in head)
    return _Cut(document, inner, _markup(body), digest(_markup(skeleton)), fragments)


def _blocks(parent: Any, out: list[tuple[str, Any, int | None]], serial: Iterator[int], used: set[str]) -> None:
    """The fragments under *parent*: table sections, and the blocks holding no table section."""
    for child in parent:
        if not isinstance(child.tag, str):  # comments, processing instructions
            continue
        number = _int(child.get("data-table"))
        if number is not None and f"table-{number}" not in used:
            key = f"table-{number}"
        elif child.find(".//*[@data-table]") is not None:
            _blocks(child, out, serial, used)
            continue
        else:
            key, number = f"block-{next(serial)}", None
        used.add(key)
        out.append((key, child, number))


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() and len(text) < 7 else None


def _markup(element: Any, *, tail: bool = False) -> str:
    text: str = lxml.html.tostring(element, encoding="unicode", with_tail=tail)
    return text


def changed_fragments(old: State | None, new: Preview) -> list[Fragment] | None:
    """Fragments (markup or notes) that differ from *old*'s; None when the whole body changed."""
    if not isinstance(old, Preview) or old.skeleton_digest != new.skeleton_digest:
        return None
    out = []
    for key, f in new.fragments.items():
        was = old.fragments.get(key)
        if was is None or was.html_digest != f.html_digest or was.notes_digest != f.notes_digest:
            out.append(f)
    return out
