"""Where outputs may go: never into the spec folder, never over a file read, never over a file of the wrong kind.

The rule for every writer: an output may not be a file the command reads (a spec
file, a preset or layout of the user's templates, the source document), may not
lie inside an input spec folder, and must be of the kind asked for (a file or a
folder). Links are followed when comparing, and hard links count as the same
file. Checked before any work, so a mistyped ``-o`` costs nothing and touches nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.errors import UsageError

if TYPE_CHECKING:
    from jixiao.spec.load import LoadedSpec


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
    check_output_file(output, "-o", folders=[spec_folder(spec)])


def check_output_file(
    output: Path,
    option: str,
    *,
    reads: Iterable[Path] = (),
    writes: Iterable[Path] = (),
    folders: Iterable[Path] = (),
) -> None:
    """Refuse an output file that is a folder, one of the files read (*reads*) or written (*writes*) by
    the same command, or lies in an input *folder*.

    Raises:
        UsageError: naming the output, the input it would hit and what to write instead.
    """
    if output.is_dir():
        raise UsageError(f"{option} 给出的 {output} 是一个文件夹；{option} 应当是要写入的文件（如 {output / '清单.md'}）")
    for path in reads:
        if same_file(output, path):
            raise UsageError(
                f"{option} 给出的 {output} 就是 jixiao 要读取的文件 {path}，没有写入：写进去会覆盖它。"
                "请写到别的文件（规格文件夹之外）"
            )
    for path in writes:
        if same_file(output, path):
            raise UsageError(f"{option} 给出的 {output} 是这次要生成的 {path}，没有写入：两者会互相覆盖。请写到别的文件")
    for folder in folders:
        if _within(output, folder.resolve()):
            raise UsageError(
                f"{option} 给出的 {output} 在规格文件夹 {folder} 之内，没有写入：规格文件夹只应存放规格，"
                f"写进去会和规格混在一起，还可能覆盖规格文件。请写到规格文件夹之外，例如 {option} {folder.name}-{output.name}"
            )


def check_new_folder(output: Path, option: str, *, source: Path, allow_source: bool = False, instead: str = "") -> None:
    """Refuse a folder to create that is a link, a file, inside the spec folder *source*, or holds *source*.

    *allow_source* lets the output be *source* itself (writing in place); *instead* suggests a folder.

    Raises:
        UsageError: naming the output and what to write instead.
    """
    if output.is_symlink():
        raise UsageError(
            f"{option} 给出的 {output} 是符号链接，没有写入：jixiao 不经过链接写文件夹"
            f"（链接可能指向别处）。请给出实际的文件夹（{output.resolve()}），或一个新的文件夹"
        )
    if output.exists() and not output.is_dir():
        raise UsageError(f"{option} 给出的 {output} 是一个已有的文件，不是文件夹；没有改动它")
    src = source.resolve()
    if allow_source and output.exists() and os.path.samefile(output, src):
        return
    if _within(output, src):
        raise UsageError(
            f"{option} 给出的 {output} 在原规格文件夹 {source} 之内（或就是它），没有写入：请写到它之外"
            + (f"，例如 {option} {instead}" if instead else "")
        )
    if output.exists() and _within(src, output.resolve()):
        raise UsageError(f"{option} 给出的 {output} 包含规格文件夹 {source}，没有写入：请写一个新的文件夹")


def input_files(loaded: LoadedSpec) -> list[Path]:
    """Every file a loaded spec was read from: 部门.yaml, projects, and the presets and layouts in use."""
    return [
        loaded.path,
        *(p.path for p in loaded.projects),
        *(n.path for n in loaded.presets.presets.values()),
        *(n.path for n in loaded.layouts.layouts.values()),
    ]


def same_file(a: Path, b: Path) -> bool:
    """Are *a* and *b* one file (links followed, hard links too)? *a* need not exist."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


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
