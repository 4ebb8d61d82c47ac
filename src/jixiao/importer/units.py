"""Budget units (预算单位) from the unit lines above the tables, and short names for them."""

from __future__ import annotations

import re

_CODE = re.compile(r"^[\[【［(（]?([0-9A-Za-z][0-9A-Za-z._-]*)[\]】］)）]?\s*(.*)$", re.S)
_BOUNDARIES = ("省", "市", "区", "县", "旗", "州", "盟")


def split_unit(label: str) -> tuple[str, str]:
    """``619001唐山市医疗保障局本级`` → (``619001``, ``唐山市医疗保障局本级``); no code → ("", label)."""
    flat = " ".join(label.split())
    m = _CODE.match(flat)
    if m and m.group(2) and any(ch.isdigit() for ch in m.group(1)):
        return m.group(1), m.group(2).strip()
    return "", flat


def short_unit(name: str, department: str | None) -> str:
    """A short name of a unit for preset names: 唐山市医疗保障局本级 → 本级, 唐山市医疗保险服务中心 → 医疗保险服务中心."""
    if department and name.startswith(department) and len(name) > len(department):
        return name[len(department) :]
    if department:
        common = 0
        for a, b in zip(name, department, strict=False):
            if a != b:
                break
            common += 1
        cut = max((i + 1 for i in range(common) if name[i] in _BOUNDARIES), default=0)
        if 0 < cut < len(name):
            return name[cut:]
    return name
