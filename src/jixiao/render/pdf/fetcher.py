"""What the PDF may read: files in the template folders and ``data:`` URLs, nothing else.

:class:`TemplateFetcher` is WeasyPrint's ``url_fetcher`` for every layout and
write. A network address, a file outside the template folders or a symbolic
link leading out of one is refused with a :class:`ResourceRefused`;
:func:`refusals_stop` turns every refusal into the same
:class:`~jixiao.errors.RenderError`, whichever phase of WeasyPrint asked
(style sheets, layout, images inside SVG that WeasyPrint would drop silently,
attachments while writing).

Only WeasyPrint's documented fetcher API is used (``weasyprint.urls``:
``URLFetcher``, ``URLFetcherResponse``, ``FatalURLFetchingError``).
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint

from jixiao.errors import RenderError

__all__ = ["ResourceRefused", "TemplateFetcher", "refusals_stop"]

URLFetcherResponse = weasyprint.urls.URLFetcherResponse


class ResourceRefused(weasyprint.urls.FatalURLFetchingError):  # type: ignore[misc]
    """A template asked for a resource that jixiao does not read (stops WeasyPrint).

    A :class:`FatalURLFetchingError` is a ``BaseException``: WeasyPrint lets it
    through where it would log and drop an ordinary fetch error. It never
    leaves this module: :func:`_refusals_stop` turns it into a RenderError.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_NETWORK = "请把所需文件放进 templates/html/ 文件夹，并用相对路径引用。"


class TemplateFetcher(weasyprint.urls.URLFetcher):  # type: ignore[misc]
    """Reads ``file:`` URLs inside the template folders and ``data:`` URLs; refuses all else.

    A relative reference is resolved against the first template folder and,
    if missing there, looked up in the next ones in order (user's first,
    built-in last), like the templates themselves. A file is read only if its
    real path (symbolic links resolved) is inside the folder it was found in.

    Every refusal is also kept in :attr:`refused`, so that one WeasyPrint
    swallowed (it logs and goes on after any error while drawing an SVG image)
    still stops the render.
    """

    def __init__(self, template_dirs: Sequence[Path]) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self.dirs = [Path(d) for d in template_dirs]
        #: Messages of the refusals so far, oldest first.
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        try:
            return self._fetch(url, headers)
        except ResourceRefused as exc:
            self.refused.append(exc.message)
            raise

    def _fetch(self, url: str, headers: Any) -> Any:
        try:
            parts = urlsplit(url)
        except ValueError:
            raise ResourceRefused(f"模板引用的地址 {url} 无法识别：只能引用模板文件夹中的文件（相对路径）或 data: 地址。") from None
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"模板引用了网络资源 {url}：jixiao 不从网络读取任何内容。{_NETWORK}")
        path = self.locate(url)
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise ResourceRefused(f"无法读取模板文件夹中的文件 {path}：{exc.strerror or exc}。请检查这个文件及其权限。") from None
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(path.as_uri(), body=body, headers={"Content-Type": mime or "application/octet-stream"})

    def locate(self, url: str) -> Path:
        """The real path of the file a ``file:`` URL names, looked up through the template folders.

        ``..`` (also written ``%2e%2e``) is applied before the path is compared
        with the folders, and a file found is refused if it is a symbolic link
        (or lies in a linked folder) leading out of its template folder.
        """
        parts = urlsplit(url)
        wanted = Path(os.path.normpath(url2pathname(parts.path)))
        folders = "、".join(str(d) for d in self.dirs) or "没有模板文件夹"
        relative = None
        if parts.netloc in ("", "localhost") and wanted.is_absolute():
            for folder in self.dirs:
                absolute = Path(os.path.normpath(folder.absolute()))
                if wanted.is_relative_to(absolute):
                    relative = wanted.relative_to(absolute)
                    break
        if relative is None:
            raise ResourceRefused(
                f"模板引用了模板文件夹以外的文件 {wanted}：只能使用模板文件夹（{folders}）中的文件。"
                "请把所需文件复制进 templates/html/ 文件夹，并用相对路径引用。"
            )
        for folder in self.dirs:
            candidate = folder / relative
            if not candidate.is_file():
                continue
            try:
                real, home = candidate.resolve(strict=True), folder.resolve(strict=True)
            except (OSError, RuntimeError):  # vanished meanwhile, or a link loop
                continue
            if not real.is_relative_to(home):
                raise ResourceRefused(
                    f"模板文件夹中的 {relative.as_posix()} 是指向模板文件夹以外（{real}）的符号链接："
                    f"只能使用模板文件夹（{folders}）中的文件。请把文件本身复制进模板文件夹，不要用链接。"
                )
            return real
        raise ResourceRefused(f"模板引用的文件 {relative.as_posix()} 不存在（已在 {folders} 中查找）。")


@contextmanager
def refusals_stop(fetcher: TemplateFetcher) -> Iterator[None]:
    """Any resource *fetcher* refuses within the block ends in a RenderError.

    Whether WeasyPrint let the refusal through (style sheets, fonts, images,
    attachments) or caught it and went on without the resource (an image
    inside an SVG image), the message is the fetcher's own.
    """
    seen = len(fetcher.refused)
    try:
        yield
    except ResourceRefused as exc:
        raise RenderError(exc.message) from None
    if len(fetcher.refused) > seen:
        raise RenderError(fetcher.refused[seen])
