"""Finding and loading rule packs: by name along the look-up path, or by file.

A pack named in 部门.yaml (``检查: {规则: [2021项目表]}``) or with ``check --规则`` is
``rules/<名称>.yaml`` in the spec folder, then in the user's repository ``templates/rules/``,
then among the built-in packs — or a ``.yaml`` file given by its path (in 部门.yaml, a
path inside the spec folder). The 审核表's grading is the last chosen pack's ``评级``, else
``review/评级.yaml`` along the same path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from jixiao.checks.base import RULES, Rule
from jixiao.checks.packs.build import Clock, Reminder, build_pack
from jixiao.checks.packs.model import GradingSpec, RulePackSpec
from jixiao.errors import Diagnostic, SpecError, UsageError
from jixiao.resources import inside, link_problem, lookup_dirs
from jixiao.spec.pydantic_errors import diagnostics_from_validation
from jixiao.spec.yamlio import Positions, load_yaml

FOLDER = "rules"
GRADING_FOLDER = "review"
GRADING_FILE = "评级.yaml"


@dataclass
class PackSet:
    """The chosen packs: their rules, reminders, grading and the clock their rules share."""

    names: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    grading: GradingSpec | None = None
    clock: Clock = field(default_factory=Clock)

    @property
    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}


@dataclass(frozen=True)
class Choice:
    """A pack as chosen: its name or file, and where it was chosen (部门.yaml's line, or the command line)."""

    name: str
    pos: Positions | None = None
    index: int = 0

    def problem(self, message: str, hint: str | None = None) -> Exception:
        if self.pos is None:
            return UsageError(message + (f"。{hint}" if hint else ""))
        return SpecError([self.pos.diag(("检查", "规则", self.index), message, hint)])


def pack_dirs(root: Path) -> list[Path]:
    """Pack folders in look-up order: spec folder, user repository, built-in."""
    return lookup_dirs(root, FOLDER)


def available(root: Path) -> list[str]:
    """Names of the packs visible from *root*."""
    return sorted({p.stem for d in pack_dirs(root) for p in d.glob("*.yaml")})


def find_pack(choice: Choice, root: Path) -> Path:
    """The file of *choice*.

    Raises:
        UsageError / SpecError: no such pack, or (in 部门.yaml) a file outside the spec folder.
    """
    name = choice.name
    if name.endswith((".yaml", ".yml")):
        path = (root / name) if choice.pos is not None else Path(name)
        if not path.is_file():
            raise choice.problem(f"规则包文件「{name}」不存在", "写规则包的名称（rules/ 中的文件名），或 .yaml 文件的路径")
        if choice.pos is not None and not inside(path, root):
            raise choice.problem(f"规则包文件「{name}」在规格文件夹以外，jixiao 不读取规格文件夹以外的文件",
                                 "把它复制到规格文件夹的 rules/ 中，写它的名称")
        return path
    for folder in pack_dirs(root):
        path = folder / f"{name}.yaml"
        if path.is_file() or path.is_symlink():
            problem = link_problem(path, folder.resolve().parent) if path.is_symlink() else None
            if problem is not None:
                raise choice.problem(problem, "把规则包文件本身复制到 rules/ 中")
            return path
    names = "、".join(available(root)) or "（无）"
    raise choice.problem(f"规则包「{name}」不存在", f"可用的规则包：{names}；或给出 .yaml 文件的路径")


def _load(path: Path, model: type[RulePackSpec] | type[GradingSpec]) -> tuple[object, Positions]:
    loaded = load_yaml(path)
    if isinstance(loaded, Diagnostic):
        raise SpecError([loaded])
    data = loaded.data if loaded.data is not None else {}
    if not isinstance(data, dict):
        raise SpecError([loaded.pos.diag((), "文件内容应为「键: 值」的映射", "见 README「规则包」中的示例")])
    try:
        return model.model_validate(data), loaded.pos
    except ValidationError as exc:
        raise SpecError(diagnostics_from_validation(exc, loaded.pos, model)) from None


def load_packs(choices: list[Choice], root: Path) -> PackSet:
    """Every chosen pack, built; any problem in any of them refuses them all.

    Raises:
        SpecError: a pack does not load, a rule is wrong, or two rules share an id (every problem at once).
        UsageError: a pack named on the command line does not exist.
    """
    out = PackSet()
    problems: list[Diagnostic] = []
    seen: dict[str, tuple[str, Path]] = {}
    covering: list[tuple[Positions, int, int, str]] = []  # (file, rule, item, covered id)
    for choice in choices:
        path = find_pack(choice, root)
        name = path.stem
        if name in out.names:
            continue
        try:
            spec, pos = _load(path, RulePackSpec)
        except SpecError as exc:
            problems += exc.diagnostics
            continue
        assert isinstance(spec, RulePackSpec)
        built = build_pack(name, spec, pos, out.clock)
        problems += built.problems
        for i, r in enumerate(spec.rules):
            if r.id in seen:
                other, where = seen[r.id]
                problems.append(pos.diag(("规则", i, "编号"), f"编号「{r.id}」与规则包「{other}」中的规则重复（{where.name}）",
                                         "每条规则的编号要不同"))
            seen[r.id] = (name, path)
            covering += [(pos, i, k, other) for k, other in enumerate(r.covers)]
        out.names.append(name)
        out.rules += built.rules
        out.reminders += built.reminders
        if spec.grading is not None:
            out.grading = spec.grading
    for pos, i, k, other in covering:
        if other not in RULES and other not in seen:
            problems.append(pos.diag(("规则", i, "涵盖", k), f"没有编号为「{other}」的规则",
                                     "写 jixiao 自己的规则（jixiao check --list-rules）或所选规则包中规则的编号"))
    if problems:
        raise SpecError(problems)
    return out


def load_grading(root: Path, packs: PackSet | None = None) -> GradingSpec:
    """The 审核表's grading: the chosen packs' own, else ``review/评级.yaml`` (spec folder, repository, built-in).

    Raises:
        SpecError: the grading file does not load.
    """
    if packs is not None and packs.grading is not None:
        return packs.grading
    for folder in lookup_dirs(root, GRADING_FOLDER):
        path = folder / GRADING_FILE
        if path.is_file() and inside(path, folder.parent):
            spec, _ = _load(path, GradingSpec)
            assert isinstance(spec, GradingSpec)
            return spec
    raise SpecError([Diagnostic(root, 1, 1, "找不到评级规则 review/评级.yaml", "jixiao 的安装不完整：请重新安装")])
