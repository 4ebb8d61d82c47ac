"""``git diff`` of rendered Word and PDF files, in as many lines as cells changed.

git calls this as the external diff driver of ``diff=jixiao`` files (``diff.jixiao.command``,
set by ``jixiao git-setup``) with the path, then the old and the new file with their blob
and mode (``/dev/null`` for a side that does not exist). Both sides are converted by
:func:`jixiao.vcs.textconv.textconv`, where every table cell is one line that names its
row and column (``产出指标／成本指标／月均…经费支出 ｜ 指标值：≤0.5万元/月``): a line says
where it is by itself, so the lines around it are not printed. One budget edited prints
one heading and the changed cells of each file, not a hunk with three lines of context on
either side of each change. ``git log -p`` and ``git show`` use the textconv set-up instead
(full context), unless given ``--ext-diff``.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from jixiao.errors import JixiaoError

NO_FILE = "/dev/null"


def _lines(path: str) -> tuple[list[str], str | None]:
    """The text lines of one side, and why it could not be read (None when it could)."""
    if path == NO_FILE:
        return [], None
    from jixiao.vcs.textconv import textconv

    try:
        return textconv(Path(path)).splitlines(), None
    except JixiaoError as exc:
        return [], str(exc)


#: A table's title line (「2.法律顾问费绩效目标表」); also git's hunk heading for textconv diffs.
TITLE = re.compile(r"^.{0,200}绩效目标表$")


def _title(lines: list[str], index: int) -> str | None:
    """The table title at or above line *index*."""
    for line in reversed(lines[: index + 1]):
        if TITLE.match(line):
            return line
    return None


def compact_diff(name: str, old: str, new: str) -> str:
    """The changed lines of *name* between the files *old* and *new*, under a one-line heading."""
    before, old_problem = _lines(old)
    after, new_problem = _lines(new)
    state = "（新增）" if old == NO_FILE else "（删去）" if new == NO_FILE else ""
    out = [f"━━ {name}{state}"]
    for problem in (old_problem, new_problem):
        if problem is not None:
            out.append(f"（无法转成文字：{problem}）")
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    shown: str | None = None
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        title = _title(after, j1) if j1 < len(after) or not before else _title(before, i1)
        if title is not None and title != shown and title not in (*before[i1:i2], *after[j1:j2]):
            out.append(f"  {title}")  # which table: the changed cells' lines name only row and column
        shown = title
        out += [f"-{line}" for line in before[i1:i2]]
        out += [f"+{line}" for line in after[j1:j2]]
    if len(out) == 1 and old_problem is None and new_problem is None:
        out.append("（文字没有变化，只是文件不同）")
    return "\n".join(out) + "\n"


def external_diff(args: list[str]) -> str:
    """What git's external diff call *args* prints (``path old-file old-hex old-mode new-file new-hex new-mode``)."""
    if len(args) == 7:
        return compact_diff(args[0], args[1], args[4])
    if len(args) == 1:
        return f"━━ {args[0]}（有冲突，未合并）\n"
    raise JixiaoError("jixiao git-diff 是 git 调用的比较程序，由 jixiao git-setup 设置；不要直接运行它")
