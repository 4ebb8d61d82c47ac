"""Which template variables a template uses, read from its Jinja syntax tree and held against the contract.

``jixiao doctor 规格`` runs this on the templates a spec renders with, so a
copy made for an older jixiao is found out before a render stops on it, and
in every branch (``{% if 版式.首页 == "目录" %}`` …), not only those the spec
takes. Loop variables take the name of the list's items in the contract
(``{% for x in 各部分 %}`` makes ``x.标题`` the path ``部分.标题``); a name the
template sets itself, a macro argument and anything reached through a filter
or a call are its own and not checked; a path inside
``{% if … is defined %}`` is taken as guarded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from jinja2 import nodes

from jixiao.render.layout.contract import ITEMS, RENAMED, SHARED, Kind, missing, variable

#: Names Jinja itself provides inside templates.
_JINJA_NAMES = frozenset({"loop", "caller", "varargs", "kwargs", "self", "super"})
_RENAMED = {r.old: r for r in RENAMED}


@dataclass(frozen=True)
class Use:
    """A variable a template uses that the contract does not give it, and why (Chinese, after 「使用了」)."""

    path: str
    line: int
    message: str
    #: True for an old name that still works (an alias kept for a release).
    warning: bool = False


def problems(tree: nodes.Template, kind: Kind) -> list[Use]:
    """The uses in *tree* (a template of *kind*) of variables it does not have, each path once, in order."""
    walker = _Walker(kind)
    walker.visit(tree)
    return walker.found


class _Walker:
    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.scopes: list[dict[str, str | None]] = [{}]
        self.guarded: list[str] = []
        self.found: list[Use] = []
        self.seen: set[str] = set()

    # --- names ---

    def _bound(self, name: str) -> tuple[bool, str | None]:
        for scope in reversed(self.scopes):
            if name in scope:
                return True, scope[name]
        return False, None

    def _bind(self, target: nodes.Node, path: str | None) -> None:
        for name in _names(target):
            self.scopes[-1][name] = path if isinstance(target, nodes.Name) else None

    def _check(self, path: str, line: int) -> str | None:
        """*path* if the contract has it (for this kind of template), else None after recording why."""
        known = variable(path)
        if known is not None and self.kind in known.kinds:
            return path
        if any(path == g or path.startswith(f"{g}.") for g in self.guarded):
            return None
        renamed = _RENAMED.get(path)
        if path not in self.seen:
            self.seen.add(path)
            alias = renamed is not None and renamed.alias
            message = (f"'{path}'：这个变量在 jixiao {renamed.release} 中改为 '{renamed.new}'，旧名字还能用一个版本"
                       if renamed is not None and alias else missing(path, self.kind))
            self.found.append(Use(path, line, message, warning=alias))
        return None

    # --- expressions: the contract path they reach, or None ---

    def path(self, node: nodes.Node) -> str | None:
        if isinstance(node, nodes.Name):
            bound, path = self._bound(node.name)
            if bound or node.name in _JINJA_NAMES:
                return path
            return self._check(node.name, node.lineno)
        if isinstance(node, nodes.Getattr):
            return self._attr(self.path(node.node), node.attr, node.lineno)
        if isinstance(node, nodes.Getitem):
            base = self.path(node.node)
            arg = node.arg
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                return self._attr(base, arg.value, node.lineno)
            self.visit(arg)
            return ITEMS.get(base or "") if isinstance(arg, nodes.Const) and isinstance(arg.value, int) else None
        if isinstance(node, nodes.Filter) and node.name in ("first", "last") and node.node is not None:
            return ITEMS.get(self.path(node.node) or "")
        if isinstance(node, nodes.Test) and node.name in ("defined", "undefined"):
            return None  # asking is allowed
        self._children(node)
        return None

    def _attr(self, base: str | None, name: str, line: int) -> str | None:
        return None if base is None else self._check(f"{SHARED.get(base, base)}.{name}", line)

    # --- statements ---

    def visit(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Expr):
            self.path(node)
        elif isinstance(node, nodes.For):
            item = ITEMS.get(self.path(node.iter) or "")
            self.scopes.append({})
            self._bind(node.target, item)
            if node.test is not None:
                self.path(node.test)
            self._all(node.body)
            self.scopes.pop()
            self._all(node.else_)
        elif isinstance(node, nodes.If):
            self._if(node)
        elif isinstance(node, nodes.Assign):
            self._bind(node.target, self.path(node.node))
        elif isinstance(node, nodes.AssignBlock):
            self._all(node.body)
            self._bind(node.target, None)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            if isinstance(node, nodes.CallBlock):
                self.path(node.call)
            self._all(node.defaults)
            self.scopes.append({arg.name: None for arg in node.args})
            self._all(node.body)
            self.scopes.pop()
            if isinstance(node, nodes.Macro):
                self.scopes[-1][node.name] = None
        elif isinstance(node, nodes.With):
            self._all(node.values)
            self.scopes.append({})
            for target, value in zip(node.targets, node.values, strict=False):
                self._bind(target, self.path(value) if isinstance(value, nodes.Name | nodes.Getattr) else None)
            self._all(node.body)
            self.scopes.pop()
        elif isinstance(node, nodes.Import):
            self.scopes[-1][node.target] = None
        elif isinstance(node, nodes.FromImport):
            for name in node.names:
                self.scopes[-1][name if isinstance(name, str) else name[1]] = None
        else:
            self._children(node)

    def _if(self, node: nodes.If) -> None:
        self.path(node.test)
        guards = [g for g in (self._guard(node.test),) if g is not None]
        self.guarded += guards
        self._all(node.body)
        del self.guarded[len(self.guarded) - len(guards):]
        for branch in node.elif_:
            self._if(branch)
        self._all(node.else_)

    def _guard(self, test: nodes.Node) -> str | None:
        """The path ``x`` of a ``x is defined`` test."""
        if isinstance(test, nodes.Test) and test.name == "defined" and test.node is not None:
            return _written(test.node, self)
        return None

    def _all(self, items: list[nodes.Node] | list[nodes.Expr]) -> None:
        for item in items:
            self.visit(item)

    def _children(self, node: nodes.Node) -> None:
        for child in node.iter_child_nodes():
            self.visit(child)


def _written(node: nodes.Node, walker: _Walker) -> str | None:
    """The contract path an expression names, without recording anything."""
    if isinstance(node, nodes.Name):
        bound, path = walker._bound(node.name)
        return path if bound else node.name
    if isinstance(node, nodes.Getattr):
        base = _written(node.node, walker)
        return f"{base}.{node.attr}" if base is not None else None
    return None


def _names(target: nodes.Node) -> Iterator[str]:
    if isinstance(target, nodes.Name):
        yield target.name
    else:
        for child in target.find_all(nodes.Name):
            yield child.name
