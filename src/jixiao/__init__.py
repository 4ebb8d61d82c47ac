"""jixiao — turn short YAML specs into budget performance-target documents (预算绩效目标)."""

from jixiao.errors import Diagnostic, JixiaoError, SpecError
from jixiao.expand import expand_department
from jixiao.spec.load import load_department

__all__ = [
    "Diagnostic",
    "JixiaoError",
    "SpecError",
    "expand_department",
    "load_department",
]

__version__ = "0.1.0"
