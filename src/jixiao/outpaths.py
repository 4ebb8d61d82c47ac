"""Where outputs may go: never into the spec folder, never over a file of the wrong kind.

Checked before any work, so a mistyped ``-o`` costs nothing and touches nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from jixiao.errors import UsageError


def check_output_folder(spec: Path, out_dir: Path, *, explicit: bool) -> None:
    """Refuse an output folder that is a file, or lies inside the spec folder (before any work)."""
    folder = spec_folder(spec)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(
            f"输出位置 {out_dir} 是一个已有的文件，不是文件夹；没有改动它。"
            f"-o 应当是一个文件夹（不存在时会自动创建），例如 -o {_outside_suggestion(folder)}"
        )
    if not _within(out_dir, folder):
        return
    why = (
        "规格文件夹只应存放规格：生成的 Word、PDF 放在里面会和规格文件混在一起"
        "（例如 projects/ 中 .yaml 与 .docx 并列），复制或提交规格时也会带上它们。"
    )
    if explicit:
        raise UsageError(
            f"输出文件夹 {out_dir} 在规格文件夹 {folder} 之内（或就是它），没有生成文件。{why}"
            f"请把输出写到规格文件夹之外，例如 -o {_outside_suggestion(folder)}"
        )
    cwd = Path.cwd()
    where = "就是规格文件夹" if cwd.resolve() == folder else f"在规格文件夹 {folder} 之内"
    raise UsageError(
        f"默认的输出文件夹 {out_dir}/ 是相对于当前文件夹的，而当前文件夹 {cwd} {where}，没有生成文件。"
        f"{why}请在规格文件夹之外运行，或用 -o 指定规格文件夹之外的位置，例如 -o {_outside_suggestion(folder)}"
    )


def check_json_output(spec: Path, output: Path) -> None:
    """Refuse an ``expand -o`` file that is a folder, or lies inside the spec folder."""
    folder = spec_folder(spec)
    if output.is_dir():
        raise UsageError(
            f"{output} 是一个文件夹；-o 应当是要写入的 JSON 文件，例如 -o {output / (folder.name + '.json')}"
        )
    if _within(output, folder):
        raise UsageError(
            f"要写入的文件 {output} 在规格文件夹 {folder} 之内，没有写入。规格文件夹只应存放规格：把 JSON "
            f"写进去会和规格混在一起，还可能覆盖规格文件。请写到规格文件夹之外，例如 -o {folder.name}.json"
        )


def _within(path: Path, folder: Path) -> bool:
    """Is *path* (which may not exist yet) *folder* itself or inside it, following links?"""
    target = path.resolve()
    if not folder.is_dir():
        return target == folder or target.is_relative_to(folder)
    for probe in (target, *target.parents):
        try:
            if probe.exists() and os.path.samefile(probe, folder):
                return True
        except OSError:
            continue
    return False


def _outside_suggestion(folder: Path) -> str:
    """An output folder outside the spec *folder*: ``output/<name>``, relative to cwd when possible."""
    candidate = Path("output") / folder.name
    if not _within(candidate, folder):
        return str(candidate)
    beside = folder.parent / "output" / folder.name
    try:
        return os.path.relpath(beside)
    except ValueError:  # another drive (Windows)
        return str(beside)


def spec_folder(spec: Path) -> Path:
    """The department folder of *spec* (a folder, 部门.yaml or a project file)."""
    resolved = spec.resolve()
    if resolved.is_file():
        resolved = resolved.parent
        if resolved.name == "projects":
            resolved = resolved.parent
    return resolved
