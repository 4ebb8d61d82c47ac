"""``jixiao rules import``: the spreadsheet's rules written as a pack file, checked before it is written.

The pack is written only when every row was read and the whole pack builds (exactly as
``check --规则`` will load it); never over the workbook itself, never over an existing
file without ``--force``, through the atomic writer.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from jixiao.checks.packs.load import Choice, load_packs
from jixiao.errors import SpecError, UsageError
from jixiao.importer.found import ImportProblem
from jixiao.importer.rulesheet.sheet import read_rules
from jixiao.importer.yamltext import dump
from jixiao.safenames import safe_name


@dataclass(frozen=True)
class Written:
    """What was written and what to tell the user."""

    path: Path
    summary: str
    notes: list[str]


def _flow(path: tuple[str | int, ...], value: object) -> bool:
    return len(path) >= 3 and path[0] == "规则" and path[2] in ("检查", "一级", "二级")


def pack_text(data: dict[str, object]) -> str:
    """The pack as YAML text, one rule after another with a blank line between."""
    lines = ["# 规则包：jixiao check 规格 --规则 本文件（或放进 rules/ 文件夹，写名称）。格式见 README「规则包」。",
             *dump(data, _flow)]
    out: list[str] = []
    for line in lines:
        if line.startswith("  - ") and out and not out[-1].endswith("规则:"):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


def _target(workbook: Path, output: Path | None, *, force: bool) -> Path:
    target = output if output is not None else Path("rules") / f"{safe_name(workbook.stem)}.yaml"
    if target.suffix not in (".yaml", ".yml"):
        raise UsageError(f"规则包文件「{target}」的扩展名应是 .yaml，例如 -o {target.with_suffix('.yaml')}")
    if target.is_dir():
        raise UsageError(f"{target} 是一个文件夹；-o 应是要写出的规则包文件，例如 -o {target / (safe_name(workbook.stem) + '.yaml')}")
    if workbook.exists() and target.exists() and target.resolve() == workbook.resolve():
        raise UsageError("规则包不能写在审核口径工作簿本身上；请用 -o 指定另一个文件")
    if target.exists() and not force:
        raise UsageError(f"规则包 {target} 已存在，没有改动它。要替换它，加 --force；或用 -o 指定新的文件。")
    return target


def write_pack(workbook: Path, output: Path | None, *, force: bool) -> Written:
    """Read *workbook*'s rules and write the pack.

    Raises:
        UsageError: a bad target.
        ImportProblem: the workbook cannot be read, or a row is wrong (every such row at once).
        RenderError: the file cannot be written.
    """
    target = _target(workbook, output, force=force)
    got = read_rules(workbook)
    if got.errors:
        raise ImportProblem("审核口径中有无法读入的规则，没有写出规则包：\n" + "\n".join(f"  {e}" for e in got.errors))
    text = pack_text(got.data)
    with tempfile.TemporaryDirectory(prefix="jixiao-rules-") as tmp:
        probe = Path(tmp) / target.name
        probe.write_text(text, encoding="utf-8")
        try:
            load_packs([Choice(str(probe))], Path(tmp))
        except SpecError as exc:
            raise ImportProblem("读入的规则组不成规则包（这是 jixiao 的缺陷，请报告）：" + exc.diagnostics[0].message) from None
    from jixiao.fileio import make_folders, write_atomic

    try:
        make_folders(target.parent)
    except OSError as exc:
        raise UsageError(f"无法建立文件夹 {target.parent}：{exc.strerror or exc}") from None
    write_atomic(target, text.encode("utf-8"))
    summary = (f"已写入规则包 {target}：{got.rules + got.manual} 条规则，其中自动检查 {got.rules} 条、人工审核要点 {got.manual} 条。"
               f"使用：jixiao check 规格 --规则 {target}")
    return Written(target, summary, got.notes)
