"""The node tree of a YAML text, read by libyaml where it reads as ruamel's own reader does.

libyaml (``ruamel.yaml.clib``) reads a spec some four times faster than ruamel's
reader, with the same nodes, tags and positions, except in a few places
:func:`compose` steers around; :mod:`jixiao.spec.yamlio` turns the tree into data.
"""

from __future__ import annotations

import re
import warnings

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError
from ruamel.yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


def _composer(*, pure: bool = True) -> YAML:
    # The plain (not round-trip) scanner skips comments: the round-trip one joins
    # consecutive comment lines by repeated string concatenation, quadratic in their number.
    return YAML(typ="safe", pure=pure)


#: Nesting given to libyaml's composer at most: it recurses in C (no recursion limit; a deep enough
#: document would overflow the stack). Specs nest a few levels; deeper ones are read by ruamel's own.
_C_DEPTH = 200
#: A directive line (``%YAML 1.1``): libyaml's composer would resolve values without its version.
_DIRECTIVE = re.compile(r"^%", re.MULTILINE)


def _shallow(text: str, lines: list[str]) -> bool:
    """Does *text* nest at most :data:`_C_DEPTH` collections deep, as far as libyaml reads it?

    Block nesting takes a column per level (two with a sequence at its key's indentation), flow
    nesting a bracket: when those bound it, nothing is parsed; else libyaml's parser, which does
    not recurse, counts the levels.
    """
    if 2 * max(map(len, lines), default=0) + text.count("[") + text.count("{") + 2 <= _C_DEPTH:
        return True
    depth = 0
    try:
        for event in _composer(pure=False).parse(text):
            if isinstance(event, MappingStartEvent | SequenceStartEvent):
                depth += 1
                if depth > _C_DEPTH:
                    return False
            elif isinstance(event, MappingEndEvent | SequenceEndEvent):
                depth -= 1
    except YAMLError:
        pass  # libyaml stops here, as deep as counted so far
    return True


def _has_empty(tree: Node) -> bool:
    """Has *tree* an empty value (``键:`` with nothing after it)? libyaml places those elsewhere than ruamel."""
    todo, seen = [tree], set()
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            todo += [part for pair in node.value for part in pair]
        elif isinstance(node, SequenceNode):
            todo += node.value
        elif isinstance(node, ScalarNode) and node.value == "" and not node.style:
            return True
    return False


def compose(text: str, lines: list[str]) -> Node | None:
    """The node tree of *text*.

    Read by libyaml (``ruamel.yaml.clib``), some four times faster than ruamel's own reader and
    giving the same nodes, tags and positions, when the document is not too deep (:func:`_shallow`)
    and has no directive and no Tab. When libyaml refuses it, or it has an empty value (which
    libyaml places elsewhere), ruamel's own reader reads it again, so that every document reads as
    it always did (below), a problem told in the same words at the same place.

    ruamel's own scanner refuses a Tab anywhere outside brackets, also where YAML
    allows one: between a key's colon and its value (``键:\t值``), or inside a
    value (``a\tb``, pasted from a spreadsheet). For those, and only those, the
    text is read again by libyaml (``ruamel.yaml.clib``), which follows YAML here
    (if it is not too deep for it). A Tab in an indentation stays an error.

    ruamel's composer tells an anchor defined twice (``&名称`` … ``&名称``) as a Python warning, in English,
    on standard error; jixiao tells it itself, in Chinese and with both places (``yamlio._Walk``).

    Raises:
        MarkedYAMLError: the text is not YAML.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReusedAnchorWarning)
        return _compose(text, lines)


def _compose(text: str, lines: list[str]) -> Node | None:
    shallow = _shallow(text, lines)
    if shallow and "\t" not in text and _DIRECTIVE.search(text) is None:
        try:
            fast: Node | None = _composer(pure=False).compose(text)
        except YAMLError:
            fast = None  # told below in the words of ruamel's own reader
        if fast is not None and not _has_empty(fast):
            return fast
    try:
        first: Node | None = _composer().compose(text)
        return first
    except MarkedYAMLError as err:
        mark = err.problem_mark
        if mark is None or not shallow or not tab_after_text(lines, mark.line, mark.column):
            raise
        try:
            tree: Node | None = _composer(pure=False).compose(text)
            return tree
        except MarkedYAMLError as again:
            at = again.problem_mark
            if at is None or tab_after_text(lines, at.line, at.column):
                raise err from None  # libyaml refuses that Tab too: the first reader's words
            raise again from None  # a problem elsewhere: where it is


def tab_after_text(lines: list[str], line: int, col: int) -> bool:
    """Is there a Tab at (0-based) *line*, *col* with something other than blanks before it on its line?"""
    text = lines[line] if 0 <= line < len(lines) else ""
    return text[col : col + 1] == "\t" and text[:col].strip(" \t") != ""
