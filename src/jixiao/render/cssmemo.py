"""Each ``<style>`` parsed once per process, not once per laid-out part.

Every part of the document (:mod:`jixiao.render.chunks`) carries the same
inlined style sheet, and WeasyPrint parses it for each document it lays out:
some 4 ms each, the cost of a small table's layout. :func:`install` wraps
WeasyPrint's ``css.find_stylesheets`` so that a ``<style>`` seen before gives
the same parsed sheet again (its selectors, declarations, layers), its
``@page`` rules added to the new document as parsing would add them.

Only sheets that change nothing else while being parsed are kept: a sheet with
``@font-face``, ``@counter-style``, ``@color-profile``, ``@import`` or ``@layer`` is parsed
each time, as WeasyPrint does. ``<link>`` sheets always are. Reads WeasyPrint
70 internals (``css.find_stylesheets``, ``CSS.page_rules``, ``CSS.layers``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_STATEFUL = re.compile(r"@(font-face|counter-style|color-profile|import|layer)\b", re.I)
_CACHE: dict[tuple[str, str | None, str], Any] = {}
_MAX = 16
_INSTALLED = False


def install() -> None:
    """Wrap WeasyPrint's ``find_stylesheets`` (once per process)."""
    global _INSTALLED
    if _INSTALLED:
        return
    from weasyprint import css

    original = css.find_stylesheets

    def find_stylesheets(wrapper_element: Any, device_media_type: str, url_fetcher: Any, base_url: str | None,
                         font_config: Any, counter_style: Any, color_profiles: Any, page_rules: list[Any],
                         layers: list[Any]) -> Iterator[Any]:
        if any(w.etree_element.tag != "style" for w in wrapper_element.query_all("style", "link")):
            yield from original(wrapper_element, device_media_type, url_fetcher, base_url, font_config,
                                counter_style, color_profiles, page_rules, layers)
            return
        for wrapper in wrapper_element.query_all("style"):
            element = wrapper.etree_element
            if element.get("type", "text/css").split(";", 1)[0].strip() != "text/css":
                continue
            media = [m.strip() for m in (element.get("media", "").strip() or "all").split(",")]
            if not css.media_queries.evaluate_media_query(media, device_media_type):
                continue
            content = css.get_child_text(element)
            key = (content, base_url, device_media_type)
            sheet = _CACHE.get(key)
            if sheet is None or _STATEFUL.search(content):
                own_rules: list[Any] = []
                sheet = css.CSS(
                    string=content, base_url=base_url, url_fetcher=url_fetcher, media_type=device_media_type,
                    font_config=font_config, counter_style=counter_style, page_rules=own_rules,
                    color_profiles=color_profiles, layers=[],
                )
                if not _STATEFUL.search(content):
                    if len(_CACHE) >= _MAX:
                        _CACHE.clear()
                    _CACHE[key] = sheet
            page_rules.extend(sheet.page_rules)
            layers.extend(layer for layer in sheet.layers if layer not in layers)
            yield sheet

    css.find_stylesheets = find_stylesheets
    _INSTALLED = True
