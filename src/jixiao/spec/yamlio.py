"""Read a YAML file into plain Python data plus the source position of every node.

Renderers and the model never see ruamel objects: the loader hands on plain
``dict``/``list``/``str`` data and a :class:`Positions` table keyed by the path
of each node (``("项目", 2, "预算数")``), which is what pydantic reports in its
error locations. Numbers and dates are kept as their source text so that money
becomes an exact ``Decimal`` later and codes like ``006123`` keep their zeros.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import ScalarNode

from jixiao import limits
from jixiao.errors import Diagnostic

NodePath = tuple[str | int, ...]


#: Tags a spec may carry (the ones YAML resolves by itself); any other tag is refused.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "merge", "timestamp")
)


class TagRefused(Exception):
    """A node carries a tag such as ``!!python/object`` (never constructed)."""

    def __init__(self, tag: str, mark: Any) -> None:
        super().__init__(tag)
        self.tag = tag
        self.mark = mark


class _TextScalarConstructor(RoundTripConstructor):
    """Keep ints, floats and timestamps as the text the author typed; refuse other tags."""

    def _as_text(self, node: ScalarNode) -> str:
        return str(node.value)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        tag = getattr(node.tag, "value", node.tag)
        if tag not in _PLAIN_TAGS:
            raise TagRefused(str(tag), node.start_mark)
        return super().construct_object(node, deep)


for _tag in ("int", "float", "timestamp"):
    _TextScalarConstructor.add_constructor(
        f"tag:yaml.org,2002:{_tag}", _TextScalarConstructor._as_text
    )


_IGNORE = re.compile(r"#\s*jixiao:\s*ignore(?:\[([^\]]*)\])?")


def ignore_comments(lines: list[str]) -> dict[int, frozenset[str] | None]:
    """``# jixiao: ignore[JX104, JX110]`` comments by 1-based line; None means every rule."""
    out: dict[int, frozenset[str] | None] = {}
    for number, line in enumerate(lines, 1):
        m = _IGNORE.search(line)
        if m:
            ids = m.group(1)
            out[number] = frozenset(x.strip() for x in ids.split(",") if x.strip()) if ids else None
    return out


@dataclass
class Positions:
    """1-based (line, col) of keys and values, by node path, and per-line ignore comments."""

    path: Path
    keys: dict[NodePath, tuple[int, int]] = field(default_factory=dict)
    values: dict[NodePath, tuple[int, int]] = field(default_factory=dict)
    ignores: dict[int, frozenset[str] | None] = field(default_factory=dict)

    def of(self, node: NodePath, *, key: bool = False) -> tuple[int, int]:
        """Best position for *node*: its key or value, else its nearest ancestor."""
        table = self.keys if key else self.values
        probe = tuple(node)
        while probe:
            for t in (table, self.values, self.keys):
                if probe in t:
                    return t[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def diag(
        self, node: NodePath, message: str, hint: str | None = None, *, key: bool = False
    ) -> Diagnostic:
        """A diagnostic pointing at *node* in this file."""
        line, col = self.of(node, key=key)
        return Diagnostic(self.path, line, col, message, hint)


@dataclass
class Loaded:
    """A parsed YAML document: plain data, positions and raw source lines."""

    data: Any
    pos: Positions
    lines: list[str]


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.Constructor = _TextScalarConstructor
    y.preserve_quotes = True
    y.allow_duplicate_keys = False
    return y


class _TooBig(Exception):
    """The document nests too deeply or expands (through aliases) to too many nodes."""

    def __init__(self, path: NodePath, message: str, hint: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.hint = hint


@dataclass
class _Walk:
    """State of one :func:`_plain` conversion: nodes left and the containers being converted."""

    pos: Positions
    left: int = limits.MAX_YAML_NODES
    open: set[int] = field(default_factory=set)

    def enter(self, node: Any, path: NodePath) -> None:
        self.left -= 1
        if self.left < 0:
            raise _TooBig(
                path,
                f"文件展开后超过 {limits.MAX_YAML_NODES} 项（别名 *名称 被反复引用？）",
                "少用锚点 & 和别名 *，或把内容拆到多个文件中",
            )
        if len(path) > limits.MAX_YAML_DEPTH:
            raise _TooBig(path, f"嵌套层次超过 {limits.MAX_YAML_DEPTH} 层", "规格只需要几层缩进：检查缩进或括号")
        if id(node) in self.open:
            raise _TooBig(path, "别名 *名称 引用了包含它自己的内容，会无限展开", "去掉这个别名，照写一遍内容")


def _plain(node: Any, path: NodePath, walk: _Walk) -> Any:
    walk.enter(node, path)
    pos = walk.pos
    if isinstance(node, CommentedMap):
        walk.open.add(id(node))
        out: dict[str, Any] = {}
        for k in node:
            sk = _text(k, (*path, str(k)), walk)
            kl, kc = node.lc.key(k)
            vl, vc = node.lc.value(k)
            pos.keys[(*path, sk)] = (kl + 1, kc + 1)
            pos.values[(*path, sk)] = (vl + 1, vc + 1)
            out[sk] = _plain(node[k], (*path, sk), walk)
        walk.open.discard(id(node))
        return out
    if isinstance(node, CommentedSeq):
        walk.open.add(id(node))
        items = []
        for i, item in enumerate(node):
            il, ic = node.lc.item(i)
            pos.values[(*path, i)] = (il + 1, ic + 1)
            pos.keys[(*path, i)] = (il + 1, ic + 1)
            items.append(_plain(item, (*path, i), walk))
        walk.open.discard(id(node))
        return items
    if isinstance(node, TaggedScalar):  # !!str 006123: the text itself
        return _text(node.value, path, walk)
    if isinstance(node, str):
        return _text(node, path, walk)
    return node


def _text(value: Any, path: NodePath, walk: _Walk) -> str:
    """*value* as plain ``str``; a lone surrogate (from a ``"\\ud800"`` escape) is refused."""
    text = str(value)
    bad = _SURROGATE.search(text)
    if bad is not None:
        raise _TooBig(
            path,
            f"文字中有无效的字符 U+{ord(bad.group()):04X}（单独的代理码位，不是真正的字符）",
            "删除引号中的 \\u 转义，直接写出文字",
        )
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")


_FULLWIDTH_KEY = re.compile(r"^\s*(?:-\s+)?([^\s:#：'\"][^:#：]{0,15})：")


def _fullwidth_colon_line(lines: list[str], upto: int) -> int | None:
    """Index of the last line at or before *upto* that uses ``：`` as a key separator."""
    for i in range(min(upto, len(lines) - 1), max(-1, upto - 4), -1):
        if _FULLWIDTH_KEY.match(lines[i]) and ": " not in lines[i]:
            return i
    return None


def _quote_closed_early(problem: str, lines: list[str], line: int, opener: Any) -> bool:
    """A quoted value that contains its own quote character ends early and derails the parser."""
    if not any(p in problem for p in ("expected <block end>", "did not find expected key", "expected ','")):
        return False
    rows = {line, opener.line if opener is not None else line}
    return any(
        lines[i].count('"') >= 3 or lines[i].count("'") >= 3 for i in rows if 0 <= i < len(lines)
    )


def _translate(err: MarkedYAMLError, path: Path, lines: list[str]) -> Diagnostic:
    mark = err.problem_mark or err.context_mark
    line = mark.line if mark is not None else 0
    col = mark.column if mark is not None else 0
    problem = str(err.problem or err.context or "")
    text = lines[line] if line < len(lines) else ""
    if "\t" in problem or ("\t" in text[: col + 1] and "token" in problem):
        return Diagnostic(
            path,
            line + 1,
            text.index("\t") + 1 if "\t" in text else col + 1,
            "这里用了制表符（Tab）缩进，YAML 只允许用空格缩进",
            "把行首的 Tab 换成空格（每级缩进 2 个空格）；编辑器里可开启「用空格代替 Tab」",
        )
    if "duplicate key" in problem:
        key = re.search(r'duplicate key "([^"]*)"', problem)
        first = err.context_mark.line + 1 if err.context_mark is not None else None
        where = f"（所在映射从第 {first} 行开始）" if first else ""
        return Diagnostic(
            path,
            line + 1,
            col + 1,
            f"键「{key.group(1) if key else '?'}」重复出现{where}",
            "同一层级的键只能写一次：删除或合并重复的那一项",
        )
    fw = _fullwidth_colon_line(lines, line)
    if fw is not None:
        c = lines[fw].index("：")
        return Diagnostic(
            path,
            fw + 1,
            c + 1,
            "这里用了全角冒号「：」分隔键和值，YAML 需要半角冒号加空格「: 」",
            f"改成「{lines[fw][:c].strip()}: …」",
        )
    if "mapping values are not allowed" in problem:
        return Diagnostic(
            path,
            line + 1,
            col + 1,
            "这里不能出现「: 」（冒号加空格）",
            "值里含有「: 」时，请用引号把整个值括起来，例如 描述: \"比例: 按月计\"",
        )
    if "could not find expected ':'" in problem:
        return Diagnostic(
            path, line + 1, col + 1, "缺少「: 」（半角冒号加空格）", "每个键后面要写「: 」再写值"
        )
    opener = err.context_mark
    if _quote_closed_early(problem, lines, line, opener):
        return Diagnostic(
            path,
            line + 1,
            col + 1,
            "引号提前结束了：值的里面又出现了包住它的同一种引号",
            "里面的引号换成另一种：外层用双引号时里面用单引号，例如 值: \"{{ 事项 | 接('工作') }}\"",
        )
    if ("expected ',' or ']'" in problem or "expected ',' or '}'" in problem) and opener is not None:
        bracket = "方括号 [ ]" if "]" in problem else "花括号 { }"
        jinja = "{{" in (lines[opener.line] if opener.line < len(lines) else "")
        return Diagnostic(
            path,
            opener.line + 1,
            opener.column + 1,
            f"这里开始的{bracket}没有闭合，或两项之间缺少逗号",
            "含有 {{ }} 的文字要用引号括起来，例如 三级: \"{{ 事项 }}工作完成率\""
            if jinja
            else "检查括号是否成对；含有半角逗号的值要加引号",
        )
    if "found unexpected end of stream" in problem or "while scanning a quoted scalar" in str(err.context):
        at = opener if opener is not None else mark
        return Diagnostic(
            path,
            (at.line if at else line) + 1,
            (at.column if at else col) + 1,
            "引号没有闭合",
            "给这个值补上结尾的引号",
        )
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return Diagnostic(
            path, line + 1, col + 1, "缩进不一致：这一行的缩进与同级的其他行不同", "同一层级的键要左对齐（用空格缩进）"
        )
    if "found character" in problem and "cannot start any token" in problem:
        return Diagnostic(
            path,
            line + 1,
            col + 1,
            f"这个字符不能作为值的开头（{problem}）",
            "以 > | @ ` % 等符号开头的值要加引号，例如 值: \">90%\"",
        )
    return Diagnostic(
        path, line + 1, col + 1, f"YAML 语法错误：{problem}", "检查这一行及上一行的缩进、冒号和引号"
    )


# What YAML's reader refuses: control characters, surrogates, U+FFFE/U+FFFF.
_CONTROL = re.compile(r"[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _read(path: Path) -> str | Diagnostic:
    """The text of *path*: UTF-8 (BOM allowed), within the size limit."""
    try:
        size = path.stat().st_size
        if size > limits.MAX_YAML_BYTES:
            return Diagnostic(
                path, 1, 1, f"文件有 {size} 字节，超过规格文件的上限 {limits.MAX_YAML_BYTES} 字节",
                "规格文件只需要几 KB：检查是否放错了文件",
            )
        data = path.read_bytes()
    except OSError as exc:
        return Diagnostic(path, 1, 1, f"无法读取文件：{exc.strerror}", "检查文件是否存在、是否有读取权限")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
    try:
        data.decode("gb18030")
        what = "文件不是 UTF-8 编码，而是 GBK（GB18030）编码；jixiao 只读 UTF-8 编码的文件"
        # Point at the first Chinese character: UTF-8 may read a few GBK bytes by chance.
        start = next(i for i, byte in enumerate(data) if byte >= 0x80)
    except UnicodeDecodeError:
        what = f"文件不是 UTF-8 编码：这里的字节 0x{data[start]:02X} 无法按 UTF-8 读取"
    before = data[:start].decode("utf-8-sig", errors="replace")
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    return Diagnostic(path, line, col, what, "用编辑器把文件另存为 UTF-8 编码（记事本：另存为 → 编码选 UTF-8）")


_OPENERS = {"[": "]", "{": "}"}


def _flow_too_deep(text: str) -> tuple[int, int] | None:
    """(line, col) where ``[``/``{`` nesting first exceeds the limit, ignoring quotes and comments."""
    depth = 0
    for number, line in enumerate(text.split("\n"), 1):
        quote = ""
        for col, ch in enumerate(line, 1):
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "#" and (col == 1 or line[col - 2] in " \t"):
                break
            elif ch in _OPENERS:
                depth += 1
                if depth > limits.MAX_YAML_DEPTH:
                    return number, col
            elif ch in "]}":
                depth = max(0, depth - 1)
    return None


def load_yaml(path: Path) -> Loaded | Diagnostic:
    """Parse *path*; return the loaded document, or one diagnostic for a syntax error."""
    text = _read(path)
    if isinstance(text, Diagnostic):
        return text
    lines = text.splitlines()
    bad = _CONTROL.search(text)
    if bad is not None:
        # YAML forbids raw control characters (often pasted from other programs).
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        return Diagnostic(
            path, line, col, f"文件中有不可见的控制字符 U+{ord(bad.group()):04X}",
            "删除这个字符（常见于从其他软件复制粘贴的文字）",
        )
    pos = Positions(path, ignores=ignore_comments(lines))
    try:
        tree = _yaml().load(text)
    except MarkedYAMLError as err:
        return _translate(err, path, lines)
    except TagRefused as exc:
        mark = exc.mark
        return Diagnostic(
            path,
            mark.line + 1,
            mark.column + 1,
            f"规格中不能使用 YAML 标签「{exc.tag.replace('tag:yaml.org,2002:', '!!')}」",
            "删除以 ! 开头的标签，直接写出值；需要文字时用引号括起来",
        )
    except RecursionError:
        # Hundreds of levels: ruamel's recursive composer gave up before _plain could count.
        line, col = _flow_too_deep(text) or (1, 1)
        return Diagnostic(
            path, line, col, f"嵌套层次超过 {limits.MAX_YAML_DEPTH} 层，无法读取", "规格只需要几层缩进或括号：检查括号是否成对"
        )
    pos.values[()] = (1, 1)
    try:
        data = _plain(tree, (), _Walk(pos))
    except _TooBig as exc:
        line, col = pos.of(exc.path)
        return Diagnostic(path, line, col, exc.message, exc.hint)
    return Loaded(data, pos, lines)
