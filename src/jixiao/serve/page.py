"""The preview page: its shell (``templates/serve/page.html.j2``), its script and style, and the updates it receives.

The shell is rendered through :mod:`jixiao.textenv` like every template;
``serve.js`` and ``serve.css`` are served as they are. The document itself is
shown in a frame (``/doc/``) so that its style sheet applies to it alone.

Updates are server-sent events, one JSON object each. :func:`update_message`
compares a build with what one connection has been sent so far and includes
only the fragments (and check notes) whose digests differ; the first message
of a connection, or one after the body's block structure changed, carries the
whole body. A failed build sends the problems and leaves the page's document
as it was, so the next good build again sends only what changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2

from jixiao.errors import RenderError
from jixiao.render.templates import TemplateFolderLoader, read_template_text, template_failure
from jixiao.resources import builtin_templates
from jixiao.serve.state import Failure, State
from jixiao.textenv import markup_env, render_bounded

PAGE_TEMPLATE = "page.html.j2"
WAITING_TEMPLATE = "waiting.html.j2"

#: Files of templates/serve/ served under /_jx/, with their content types.
STATIC = {
    "serve.js": "text/javascript; charset=utf-8",
    "serve.css": "text/css; charset=utf-8",
    "frame.css": "text/css; charset=utf-8",
}

#: Digests one connection has been sent: "head", "skeleton", a fragment key, or "notes:" + key.
Shown = dict[str, str]


def serve_folder() -> Path:
    """``templates/serve/``: the page's own files (built in, never the user's)."""
    return builtin_templates() / "serve"


def render_page(name: str, context: dict[str, Any]) -> str:
    """Render one of the page templates of ``templates/serve/``.

    Raises:
        RenderError: the template is missing or broken (an incomplete installation).
    """
    env = markup_env().overlay(loader=TemplateFolderLoader([serve_folder()]))
    try:
        return render_bounded(env.get_template(name), context)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"找不到预览页面模板 {name}：jixiao 安装不完整，请重新安装。") from exc
    except (jinja2.TemplateError, UnicodeDecodeError) as exc:
        raise RenderError(template_failure(f"预览页面模板 {name}", exc)) from exc


def shell(title: str, spec: str) -> bytes:
    """The page: toolbar, sidebar of tables, the problems panel and the document frame."""
    return render_page(PAGE_TEMPLATE, {"标题": title, "规格": spec}).encode("utf-8")


def waiting(spec: str) -> bytes:
    """What the document frame shows before the first build that succeeded."""
    return render_page(WAITING_TEMPLATE, {"规格": spec}).encode("utf-8")


def static(name: str) -> bytes | None:
    """One of the page's own files (:data:`STATIC`), or None for any other name."""
    if name not in STATIC:
        return None
    return read_template_text(serve_folder() / name).encode("utf-8")


def update_message(state: State, shown: Shown | None) -> tuple[dict[str, Any], Shown | None]:
    """The message for a connection that has been sent *shown* (None: nothing yet), and what it has then."""
    if isinstance(state, Failure):
        return _problems(state), shown
    full = shown is None or shown.get("skeleton") != state.skeleton_digest
    now: Shown = {"head": state.head_digest, "skeleton": state.skeleton_digest}
    fragments: dict[str, str] = {}
    notes: dict[str, list[Any]] = {}
    for key, fragment in state.fragments.items():
        now[key] = fragment.html_digest
        now[f"notes:{key}"] = fragment.notes_digest
        if not full and shown is not None and shown.get(key) != fragment.html_digest:
            fragments[key] = fragment.html
        resend = full or shown is None or shown.get(f"notes:{key}") != fragment.notes_digest or key in fragments
        if resend and fragment.table is not None:
            notes[key] = list(fragment.notes)
    message: dict[str, Any] = {
        "type": "document",
        "version": state.version,
        "full": full,
        "title": state.title,
        "head": state.head if full or (shown is not None and shown.get("head") != state.head_digest) else None,
        "body": state.body if full else None,
        "fragments": fragments,
        "notes": notes,
        "keys": [key for key, f in state.fragments.items() if f.table is not None],
        "tables": [
            {"number": t.number, "key": t.key, "heading": t.heading, "counts": t.counts} for t in state.tables
        ],
        "general": list(state.general),
        "counts": state.counts,
        "seconds": round(state.seconds, 3),
    }
    return message, now


def _problems(state: Failure) -> dict[str, Any]:
    return {
        "type": "problems",
        "version": state.version,
        "problems": list(state.problems),
        "message": state.message,
        "seconds": round(state.seconds, 3),
    }


def event(message: dict[str, Any]) -> bytes:
    """One server-sent event (``update``) carrying *message* as JSON on one line."""
    data = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    return f"id: {message['version']}\nevent: update\ndata: {data}\n\n".encode()

