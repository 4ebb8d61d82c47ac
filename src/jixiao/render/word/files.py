"""The Word files of a render, made again only when what they are made from changed.

Each project's .docx is cached (:mod:`jixiao.render.cache`) by the table's
expanded content, its page breaks, the variables every template has, the date
and the bytes of the project-table Word template; the combined .docx by the
whole document, the page numbers of its 目录, its tables' page breaks and the
bytes of its template; each table's Word XML (the costly part, shared by both)
by the table's content and page breaks (:mod:`jixiao.render.layout.breaks`). The templates
are read and compiled only when a file has to be made; a template that cannot
be used still stops the render (a file is never taken from the cache without
the template's bytes in its key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from jixiao import limits
from jixiao.model.document import Document, ProjectTable
from jixiao.render.cache import Cache, digest, read_regular
from jixiao.render.layout.breaks import TableBreaks
from jixiao.render.layout.context import base_context, document_context, table_file_context
from jixiao.render.templates import WordKind, word_template

if TYPE_CHECKING:
    from jixiao.render.word.template import WordTemplate

#: A line break inside a title's run (the templates print titles as ``<w:t>{{ 表.表题 }}</w:t>``).
#: The joiner before it tells a reader (jixiao import, textconv) that the break is jixiao's.
LINE_BREAK = Markup('\u2060</w:t><w:br/><w:t xml:space="preserve">')

class WordFiles:
    """The combined document's and the project tables' Word files of *doc*."""

    def __init__(self, doc: Document, spec_root: Path, template: Path | None, table_template: Path | None, *,
                 combined: bool, cache: Cache | None, code: str, when: dt.datetime) -> None:
        self._doc = doc
        self._plan = doc.page_plan
        self._cache = cache
        self._when = when
        # Found (and checked to exist) now: a missing template stops the render before anything is laid out.
        self._paths: dict[WordKind, Path] = {"table": word_template("table", doc, spec_root, table_template)}
        if combined:
            self._paths["document"] = word_template("document", doc, spec_root, template)
        self._compiled: dict[WordKind, WordTemplate] = {}
        self._marks: dict[tuple[int, TableBreaks], Markup] = {}
        self._digests: dict[WordKind, str] = {}
        self._stamp = ""
        if cache is not None:
            base = json.dumps(base_context(doc), ensure_ascii=False, sort_keys=True, default=str)
            self._stamp = digest(code, "word", when.isoformat(), doc.department, base)

    def check(self, kind: WordKind) -> None:
        """Read and compile the template of *kind* now: a broken one stops the render before anything slow."""
        self._template(kind)

    def template_paths(self) -> dict[WordKind, Path]:
        """The Word templates of this render, by kind (:func:`check_template` checks one in a worker process)."""
        return dict(self._paths)

    def _template(self, kind: WordKind) -> WordTemplate:
        if kind not in self._compiled:
            from jixiao.render.word.template import WordTemplate

            self._compiled[kind] = WordTemplate(self._paths[kind], kind)
        return self._compiled[kind]

    def _template_digest(self, kind: WordKind) -> str:
        """The SHA-256 of the template file, "" if it cannot be read as one (then nothing is cached)."""
        if kind not in self._digests:
            try:
                data = read_regular(self._paths[kind].resolve(), limits.MAX_TEMPLATE_BYTES)
            except (OSError, RuntimeError):  # WordTemplate will say what is wrong with it
                self._digests[kind] = ""
            else:
                self._digests[kind] = hashlib.sha256(data).hexdigest()
        return self._digests[kind]

    def _cached(self, key: str) -> bytes | None:
        return self._cache.get(key) if self._cache is not None else None

    def _keep(self, key: str, data: bytes) -> bytes:
        if self._cache is not None:
            self._cache.put(key, data)
        return data

    def markup(self, table: ProjectTable, breaks: TableBreaks | None = None) -> Markup:
        """Table *table*'s Word XML, cut into pages where *breaks* says."""
        from jixiao.render.word.table import table_markup

        plan = breaks or TableBreaks()
        if (table.number, plan) in self._marks:
            return self._marks[table.number, plan]
        key = digest(self._stamp, "word-xml", table.model_dump_json(), plan.as_json())
        found = self._cached(key)
        if found is not None:
            try:
                self._marks[table.number, plan] = Markup(found.decode("utf-8"))
                return self._marks[table.number, plan]
            except UnicodeDecodeError:
                pass
        markup = table_markup(table, plan)
        self._keep(key, str(markup).encode("utf-8"))
        self._marks[table.number, plan] = markup
        return markup

    def table(self, table: ProjectTable, breaks: TableBreaks | None = None) -> bytes:
        """The project's own .docx; its tables break across pages where *breaks* (its own PDF's) says."""
        key = ""
        plan = breaks or TableBreaks()
        if self._cache is not None and self._template_digest("table"):
            key = digest(self._stamp, "docx-table", self._template_digest("table"), table.model_dump_json(),
                         plan.as_json())
            found = self._cached(key)
            if found is not None:
                return found
        context = table_file_context(self._doc, table, self.markup(table, plan), self._plan, LINE_BREAK)
        data = self._template("table").render(context, title=table.heading, author=self._doc.department,
                                              when=self._when)
        return self._keep(key, data) if key else data

    def combined(self, pages: dict[str, int] | None, breaks: dict[int, TableBreaks] | None = None) -> bytes:
        """The combined .docx; *pages* (anchor → page number of the PDF) fill in its 目录, *breaks* cut its tables."""
        key = ""
        cuts = breaks or {}
        if self._cache is not None and self._template_digest("document"):
            key = digest(self._stamp, "docx", self._template_digest("document"), self._doc.model_dump_json(),
                         sorted((pages or {}).items()), sorted((n, b.as_json()) for n, b in cuts.items()))
            found = self._cached(key)
            if found is not None:
                return found
        from jixiao.render.word.toc import toc_markup

        marks = {t.number: self.markup(t, cuts.get(t.number)) for t in self._doc.tables()}
        context = document_context(self._doc, marks, toc_markup(self._plan.toc, pages), LINE_BREAK)
        data = self._template("document").render(context, title=self._doc.title,
                                                 author=self._doc.department, when=self._when)
        return self._keep(key, data) if key else data


def check_template(path: Path, kind: WordKind) -> None:
    """Read and compile the Word template *path* of *kind*, as :meth:`WordFiles.check` does, and forget it.

    A call for a worker process (:func:`jixiao.render.build.render_department`),
    which loads docxtpl instead of the main process.

    Raises:
        RenderError: the template cannot be used.
    """
    from jixiao.render.word.template import WordTemplate

    WordTemplate(path, kind)
