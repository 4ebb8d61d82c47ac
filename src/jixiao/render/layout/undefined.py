"""What a template is told when it asks for a variable it does not have: the one Jinja internal, gated.

Jinja documents what an undefined value knows (``_undefined_hint``,
``_undefined_obj``, ``_undefined_name``, ``_undefined_exception``) and
documents ``StrictUndefined``; the message every failing operation raises is
built by a property it does not document, ``Undefined._undefined_message``
(Jinja 3). It is the one place that changes the message of every operation at
once (StrictUndefined's operators are bound to the base class's method), so
:func:`undefined_class` overrides it to name the variable's path in the
template contract and what became of it (:func:`.contract.missing`).

The override is used only on a Jinja it is known to work with
(:data:`KNOWN_MAJORS`, and the property present): on any other, templates get
plain ``StrictUndefined`` — a missing variable still stops the render with the
template's file and line, in Jinja's English words instead of the contract's
(tests/test_template_contract.py checks both).
"""

from __future__ import annotations

from functools import cache

import jinja2
from jinja2.utils import missing as _missing

from jixiao.render.layout.context import Vars
from jixiao.render.layout.contract import Kind, missing

#: Jinja majors whose ``Undefined._undefined_message`` is the property overridden here.
KNOWN_MAJORS = (3,)


def hooked() -> bool:
    """Whether the installed Jinja is one the override is known to work with."""
    major = jinja2.__version__.split(".", 1)[0]
    hook = getattr(jinja2.Undefined, "_undefined_message", None)
    return major.isdigit() and int(major) in KNOWN_MAJORS and isinstance(hook, property)


class ContractUndefined(jinja2.StrictUndefined):
    """StrictUndefined whose message names the variable's path and what became of it (:func:`.contract.missing`)."""

    __slots__ = ()
    #: The kind of template being rendered, for the message (set on a subclass per environment).
    kind: Kind | None = None

    @property
    def _undefined_message(self) -> str:
        obj, name = self._undefined_obj, self._undefined_name
        if not self._undefined_hint and isinstance(name, str):
            if obj is _missing:
                return missing(name, self.kind)
            if isinstance(obj, Vars):
                return missing(f"{obj.where}.{name}", self.kind)
        return f"'{name}'：不存在的变量（{super()._undefined_message}）"


@cache
def undefined_class(kind: Kind, known: bool | None = None) -> type[jinja2.StrictUndefined]:
    """The undefined type for templates of *kind*: :class:`ContractUndefined` where :func:`hooked`, else Jinja's own.

    *known* overrides :func:`hooked` (tests).
    """
    if not (hooked() if known is None else known):
        return jinja2.StrictUndefined
    return type(f"ContractUndefined_{kind}", (ContractUndefined,), {"__slots__": (), "kind": kind})
