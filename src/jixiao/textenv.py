"""The only Jinja environments jixiao creates: sandboxes with bounded work.

Preset texts such as ``{{ 事项 }}工作完成率`` and value formulas such as
``≤{{ 向上取整(预算数 / 12, 0.01) }}万元/月`` are rendered by :func:`render_text`;
Word and HTML document templates by :func:`render_bounded`. Specs, presets and
templates may come from someone else, so every environment here is a
:class:`Sandbox`:

* no attribute access to Python objects (``cycler.__init__`` …), only the
  documented names and filters, no ``range``/``cycler``/``namespace`` globals;
* formulas are expressions (and ``{% if %}``): loops, macros and assignments
  are refused before anything runs (:func:`check_formula`);
* ``+ * ** %`` are checked before they compute, so ``'x' * 10**9`` or
  ``7 ** 10**9`` fail at once instead of filling memory or burning CPU;
* every block entered (a loop iteration, a branch, a macro call) costs a step,
  and a render has a step budget and an output size limit.

The limits are in :mod:`jixiao.limits` and documented in the README. Undefined
names are errors (never a silent blank cell); ``Decimal`` results print
without trailing zeros or exponent, the way amounts are written in a value.
"""

from __future__ import annotations

import contextvars
import operator
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from jixiao import limits
from jixiao.errors import Problem
from jixiao.model.money import ceil_to, to_number
from jixiao.model.values import plain_number

#: Filters a document template may use (none of them can amplify its input).
TEMPLATE_FILTERS = (
    "abs", "attr", "batch", "capitalize", "count", "d", "default", "dictsort", "e", "escape",
    "first", "float", "forceescape", "groupby", "int", "items", "join", "last", "length", "list",
    "lower", "map", "max", "min", "reject", "rejectattr", "reverse", "round", "safe", "select",
    "selectattr", "sort", "string", "striptags", "sum", "title", "tojson", "trim", "truncate",
    "unique", "upper", "wordcount",
)

#: Statements a formula may not contain: it is an expression, optionally with {% if %}.
_FORMULA_STATEMENTS: dict[type[nodes.Node], str] = {
    nodes.For: "循环 {% for %}",
    nodes.Macro: "宏 {% macro %}",
    nodes.CallBlock: "{% call %}",
    nodes.FilterBlock: "{% filter %}",
    nodes.Assign: "赋值 {% set %}",
    nodes.AssignBlock: "赋值 {% set %}",
    nodes.With: "{% with %}",
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from … import %}",
    nodes.Extends: "{% extends %}",
    nodes.Block: "{% block %}",
    nodes.Scope: "作用域",
    nodes.ScopedEvalContextModifier: "{% autoescape %}",
    nodes.EvalContextModifier: "{% autoescape %}",
}


class FormulaError(Problem):
    """A formula that is refused before it runs (attribute access, a loop …)."""


class LimitError(SecurityError):
    """A formula or template exceeded one of jixiao's work limits (message in Chinese)."""


class _Budget:
    """Steps left in the current render."""

    __slots__ = ("left", "limit")

    def __init__(self, limit: int) -> None:
        self.left = self.limit = limit


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("jixiao_budget", default=None)


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator plus a step counted on entering every block, and sized joins."""

    def blockvisit(self, nodes: Iterable[nodes.Node], frame: Frame) -> None:
        self.writeline("environment.jx_step()")
        super().blockvisit(nodes, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.jx_sized(")
        super().visit_Concat(node, frame)
        self.write(")")


def _finalize(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_number(value)
    return value


def _ceil(amount: Any, step: Any = "0.01") -> Decimal:
    number = to_number(amount, "向上取整的第一个参数")
    size = to_number(step, "向上取整的步长")
    if size <= 0 or size.adjusted() < -limits.MAX_VALUE_DECIMALS:
        raise ValueError(f"向上取整的步长「{step}」应当是正数，且不小于 {Decimal(1).scaleb(-limits.MAX_VALUE_DECIMALS)}")
    return ceil_to(number, size)


def join_word(text: str, word: str) -> str:
    """``{{ 事项 | 接("工作") }}``: append *word* unless *text* already ends with it.

    医保工作 | 接("工作") → 医保工作；法律顾问 | 接("工作") → 法律顾问工作.
    """
    return text if text.endswith(word) else f"{text}{word}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


class Sandbox(ImmutableSandboxedEnvironment):
    """An immutable sandbox whose arithmetic, joins, blocks and output are bounded."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self, *, max_value: int, filters: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, finalize=_finalize, **kwargs)
        self.max_value = max_value
        # Only documented names: no range, cycler, joiner, namespace, lipsum, dict.
        self.globals.clear()
        kept = {name: self.filters[name] for name in filters}
        self.filters.clear()
        self.filters.update(kept)
        self.filters["接"] = join_word

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Only ``loop.index``-style attributes; template variables are mappings."""
        return isinstance(obj, LoopContext) and not attr.startswith("_")

    def jx_step(self) -> None:
        """Called on entering every block; stops a render that has used up its budget."""
        budget = _BUDGET.get()
        if budget is None:
            raise LimitError("模板必须经 jixiao.textenv 渲染（没有设定工作量上限）")
        budget.left -= 1
        if budget.left < 0:
            raise LimitError(f"计算步数超过上限 {budget.limit}（循环、条件或宏执行的次数过多）")

    def jx_sized(self, value: Any) -> Any:
        """*value* if it is within the size limits, else :class:`LimitError`."""
        if isinstance(value, str | list | tuple | dict) and len(value) > self.max_value:
            raise LimitError(f"计算结果有 {len(value)} 个字符（项），超过上限 {self.max_value}")
        if isinstance(value, int) and value.bit_length() > limits.MAX_INT_BITS:
            raise LimitError(f"计算结果的数字过大（超过 {limits.MAX_INT_BITS} 位二进制）")
        return value

    def call_binop(self, context: Context, operator_: str, left: Any, right: Any) -> Any:
        """``+ * ** %`` with their cost checked before computing."""
        problem = _binop_problem(operator_, left, right, self.max_value)
        if problem is not None:
            raise LimitError(problem)
        return self.jx_sized(_BINOPS[operator_](left, right))


def _binop_problem(op: str, left: Any, right: Any, max_value: int) -> str | None:
    """Why ``left op right`` would be too costly to compute, or None."""
    bits = limits.MAX_INT_BITS
    both_int = isinstance(left, int) and isinstance(right, int)
    if op == "**":
        if _is_number(right) and abs(right) > limits.MAX_POWER_EXPONENT:
            return f"乘方的指数 {right} 太大（最多 {limits.MAX_POWER_EXPONENT}）"
        if both_int and right > 0 and left.bit_length() * right > bits:
            return f"乘方的结果过大（超过 {bits} 位二进制）"
    elif op == "%" and isinstance(left, str):
        return "不能用 % 格式化文字；请直接把文字和 {{ }} 写在一起"
    elif op == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * max(n, 0) > max_value:
                return f"重复后的文字有 {len(seq) * n} 个字符，超过上限 {max_value}"
        if both_int and left.bit_length() + right.bit_length() > bits:
            return f"乘积过大（超过 {bits} 位二进制）"
    elif op == "+":
        sized = isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple)
        if sized and len(left) + len(right) > max_value:
            return f"拼接后的文字有 {len(left) + len(right)} 个字符，超过上限 {max_value}"
    return None


_BINOPS = {"+": operator.add, "*": operator.mul, "**": operator.pow, "%": operator.mod}


def sandbox(
    *,
    autoescape: bool,
    keep_trailing_newline: bool,
    max_value: int,
    filters: Iterable[str] = (),
    loader: jinja2.BaseLoader | None = None,
) -> Sandbox:
    """A new :class:`Sandbox` (the one factory every environment of jixiao comes from)."""
    return Sandbox(
        max_value=max_value,
        filters=filters,
        autoescape=autoescape,
        keep_trailing_newline=keep_trailing_newline,
        loader=loader,
    )


@lru_cache(maxsize=1)
def text_env() -> Sandbox:
    """Environment shared by every spec/preset text (no HTML autoescape: plain text)."""
    env = sandbox(autoescape=False, keep_trailing_newline=False, max_value=limits.MAX_FORMULA_VALUE_CHARS)
    env.globals["向上取整"] = _ceil
    return env


@lru_cache(maxsize=1)
def markup_env() -> Sandbox:
    """Environment for document templates (Word XML and HTML): autoescaped, strict.

    Values are escaped for XML/HTML (``& < > " '``); table markup built by the
    renderers is passed in as :class:`markupsafe.Markup`.
    """
    return sandbox(
        autoescape=True,
        keep_trailing_newline=True,
        max_value=limits.MAX_TEMPLATE_VALUE_CHARS,
        filters=TEMPLATE_FILTERS,
    )


def render_bounded(
    template: jinja2.Template,
    context: Mapping[str, Any],
    *,
    steps: int = limits.MAX_TEMPLATE_STEPS,
    output_chars: int = limits.MAX_TEMPLATE_OUTPUT_CHARS,
) -> str:
    """Render *template* within a step budget and an output size limit.

    Raises:
        LimitError: a limit was exceeded (also for recursion that goes too deep).
        jinja2.TemplateError: any other template problem, for the caller to report.
    """
    token = _BUDGET.set(_Budget(steps))
    try:
        chunks: list[str] = []
        size = 0
        for chunk in template.generate(dict(context)):
            size += len(chunk)
            if size > output_chars:
                raise LimitError(f"模板生成的内容超过 {output_chars} 个字符")
            chunks.append(chunk)
        return "".join(chunks)
    except RecursionError:
        raise LimitError("模板的嵌套或递归层次过深（宏调用了自己？）") from None
    finally:
        _BUDGET.reset(token)


def needs_render(text: str) -> bool:
    """Only texts with Jinja markup are rendered; everything else is taken verbatim."""
    return "{{" in text or "{%" in text


def _dotted(node: nodes.Node) -> str:
    """Source-like text of a Name/Getattr/Getitem chain, for messages."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg.value if isinstance(node.arg, nodes.Const) else "…"
        return f"{_dotted(node.node)}[{arg!r}]"
    if isinstance(node, nodes.Call):
        return f"{_dotted(node.node)}(…)"
    return "…"


def check_formula(tree: nodes.Template) -> None:
    """Refuse what a formula must not do: statements other than if, attribute access.

    Raises:
        FormulaError: with a Chinese message and hint.
    """
    allowed = "只能使用 README「公式」一节中列出的名字和写法"
    for kind, label in _FORMULA_STATEMENTS.items():
        if tree.find(kind) is not None:
            raise FormulaError(f"不能使用{label}", f"公式只写 {{{{ 表达式 }}}}（可用 {{% if %}}）；{allowed}")
    # find_all walks parents before children: the first access is the outermost one,
    # which shows the whole chain the author wrote.
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getitem) and not (
            isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str)
        ):
            continue  # 事项[0], 事项[:2]: indexing a text is harmless
        raise FormulaError(f"不允许访问「{_dotted(node)}」 — 只能使用 README 中列出的名字", allowed)


@lru_cache(maxsize=4096)
def _compile(text: str) -> jinja2.Template:
    env = text_env()
    try:
        tree = env.parse(text)
    except RecursionError:
        raise FormulaError("括号嵌套过深", "把公式拆成简单的几步") from None
    check_formula(tree)
    return env.from_string(tree)


def render_text(text: str, context: dict[str, Any]) -> str:
    """Render *text* with *context*.

    Raises:
        FormulaError: the formula is refused before running.
        LimitError: it exceeded a work limit.
        jinja2.TemplateError (and arithmetic errors): for the caller to locate.
    """
    if not needs_render(text):
        return text
    return render_bounded(
        _compile(text), context, steps=limits.MAX_FORMULA_STEPS, output_chars=limits.MAX_FORMULA_VALUE_CHARS
    )
