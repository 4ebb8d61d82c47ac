"""jixiao — turn short YAML specs into budget performance-target documents (预算绩效目标).

The public names below are imported on first use (module ``__getattr__``), so
that ``import jixiao`` — and with it every command's start-up — does not load
the spec model, the expander and pydantic until a command needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jixiao.errors import Diagnostic, JixiaoError, SpecError
    from jixiao.expand.department import expand_department
    from jixiao.spec.load import load_department

__all__ = [
    "Diagnostic",
    "JixiaoError",
    "SpecError",
    "expand_department",
    "load_department",
]

from jixiao.version import __version__ as __version__  # noqa: E402 - re-exported

#: Public name → the module that defines it.
_EXPORTS = {
    "Diagnostic": "jixiao.errors",
    "JixiaoError": "jixiao.errors",
    "SpecError": "jixiao.errors",
    "expand_department": "jixiao.expand.department",
    "load_department": "jixiao.spec.load",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'jixiao' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
