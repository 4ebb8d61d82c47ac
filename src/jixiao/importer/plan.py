"""Which preset each table uses, and which presets are kept.

Every table tries every proposed preset with each of its candidate 事项 and
keeps the shortest spelling (:mod:`jixiao.importer.spell`); writing the rows
out in full is always possible. A preset that fewer than three tables end up
using is dropped (unless another kept preset is based on it) and its tables
choose again. Kept presets are then named after what their tables share:
a word of their project names (会议, 印刷), else their unit (本级, 分局), made a
safe file name (:func:`jixiao.safenames.safe_name`): the name is also the file's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from jixiao.expand.project import derive_item
from jixiao.importer.memory import preset_library
from jixiao.importer.mining import MIN_TABLES, MinedPreset
from jixiao.importer.prune import RowShape, lower_bound, shapes
from jixiao.importer.spell import (
    Candidate,
    Spelling,
    TableCtx,
    full_rows,
    probe_department,
    probe_preset,
    verify,
)
from jixiao.importer.units import short_unit
from jixiao.safenames import safe_name
from jixiao.spec.presets import PresetLibrary

_RESERVED = ("运转类", "会议类", "培训类", "印刷类", "补助资金类", "无")


@dataclass
class Choice:
    """A table's chosen spelling."""

    ctx: TableCtx
    spelling: Spelling


def preset_data(p: MinedPreset, names: dict[int, str]) -> dict[str, Any]:
    """A mined preset as preset-file data (``基于`` by the base's name)."""
    if p.base is not None:
        return {"基于": names[p.base], "改写": dict(p.patch)}
    return {"绩效指标": [dict(r) for r in p.rows]}


def _library(mined: list[MinedPreset], names: dict[int, str]) -> PresetLibrary:
    return preset_library({names[p.ident]: preset_data(p, names) for p in mined})


def _fits(ctx: TableCtx, p: MinedPreset, by_id: dict[int, MinedPreset]) -> bool:
    """Worth trying: the preset's rows and the table's share most 二级."""
    root = p
    while root.base is not None:
        root = by_id[root.base]
    mine = Counter(r.level2 for r in ctx.table.rows)
    theirs = Counter(r["二级"] for r in root.rows)
    common = sum((mine & theirs).values())
    return common * 2 >= max(len(ctx.table.rows), 1)


def choose(
    ctxs: list[TableCtx], mined: list[MinedPreset], year: int, department: str
) -> tuple[list[Choice], list[MinedPreset]]:
    """Each table's shortest spelling, and the presets kept.

    A try of a preset is remembered across rounds: a kept preset keeps its bases, so what it prints
    does not change when others are dropped.
    """
    kept = list(mined)
    tried = _Tries()
    while True:
        names = {p.ident: f"P{p.ident}" for p in kept}
        lib = _library(kept, names)
        by_id = {p.ident: p for p in kept}
        tried.shapes = {}  # this round's library
        choices = [_best(ctx, kept, by_id, names, lib, year, department, tried) for ctx in ctxs]
        used = Counter(c.spelling.preset for c in choices if c.spelling.preset)
        needed = {p.ident for p in kept if used[names[p.ident]] >= MIN_TABLES}
        for p in kept:  # a base of a kept preset stays
            probe = p
            while probe.ident in needed and probe.base is not None:
                needed.add(probe.base)
                probe = by_id[probe.base]
        if len(needed) == len(kept):
            return choices, kept
        kept = [p for p in kept if p.ident in needed]


def _best(
    ctx: TableCtx,
    kept: list[MinedPreset],
    by_id: dict[int, MinedPreset],
    names: dict[int, str],
    lib: PresetLibrary,
    year: int,
    department: str,
    tried: _Tries,
) -> Choice:
    """The shortest spelling that prints the table; of equally short ones the first try (presets in order, each
    with its 事项 in order), before the rows written out in full.

    Tries are made in the order of their lower bound (:mod:`jixiao.importer.prune`) and stop at the first that
    cannot beat the best so far: a try costs at least its bound, so the result is the same as trying all.
    """
    full = full_rows(ctx)
    dept = probe_department(ctx, year, department)
    default = derive_item(ctx.facts.name)
    tries: list[tuple[int, int, tuple[int, int, str | None], str, str | None]] = []
    for p in kept:
        if not _fits(ctx, p, by_id):
            continue
        for item in ctx.items[:3]:
            given = None if item == default else item
            bound = _bound(ctx, names[p.ident], given, lib, tried)
            tries.append((bound, len(tries), (ctx.table.number, p.ident, given), names[p.ident], given))
    best, best_at = full, (full.lines, len(tries))  # any try as short as the full rows wins over them
    for bound, order, key, preset, given in sorted(tries, key=lambda t: t[:2]):
        if (bound, order) >= best_at:
            break  # neither this try nor any after it can win
        if key not in tried.probed:
            tried.probed[key] = probe_preset(ctx, preset, given, lib, dept)
        candidate = tried.probed[key]
        if candidate is None or (candidate.spelling.lines, order) >= best_at:
            continue  # pinning the added rows costs no line either: no need to verify
        if key not in tried.verified:
            tried.verified[key] = verify(ctx, candidate, lib, dept)
        spelling = tried.verified[key]
        if spelling is not None and (spelling.lines, order) < best_at:
            best, best_at = spelling, (spelling.lines, order)
    return Choice(ctx, best)


@dataclass
class _Tries:
    """Tries of a preset on a table, by (table, preset, 事项), kept across rounds of :func:`choose`: a kept
    preset keeps its bases, so what it prints does not change when others are dropped."""

    probed: dict[tuple[int, int, str | None], Candidate | None] = field(default_factory=dict)
    verified: dict[tuple[int, int, str | None], Spelling | None] = field(default_factory=dict)
    #: The rows each preset prints, by (preset, framework), for :func:`_bound` (per round: per library).
    shapes: dict[tuple[str, str], list[RowShape] | None] = field(default_factory=dict)


def _bound(ctx: TableCtx, preset: str, item: str | None, lib: PresetLibrary, tried: _Tries) -> int:
    """No spelling of the table with *preset* (and *item*) is shorter than this (0 when the rows are not known)."""
    at = (preset, ctx.framework)
    if at not in tried.shapes:
        tried.shapes[at] = shapes(lib, preset, ctx.framework)
    made = tried.shapes[at]
    return 0 if made is None else lower_bound(made, ctx.table.rows, item)


def name_presets(kept: list[MinedPreset], choices: list[Choice], department: str) -> dict[int, str]:
    """Readable names for the kept presets (by ident); the clearest claim to a name wins it."""
    users: dict[str, list[Choice]] = {}
    for c in choices:
        if c.spelling.preset:
            users.setdefault(c.spelling.preset, []).append(c)
    others = [c.ctx.facts.name for c in choices]
    claims: list[tuple[float, int, str]] = []
    for p in kept:
        mine = users.get(f"P{p.ident}", [])
        if not mine:  # only a base: name it after the tables of the presets based on it
            mine = [c for q in kept if q.base == p.ident for c in users.get(f"P{q.ident}", [])]
        for name, strength in (_word(mine, others), _unit_name(mine, department)):
            safe = safe_name(name or "", fallback="")  # the preset's file name: presets/<name>.yaml
            if safe:
                claims.append((strength, p.ident, safe))
    out: dict[int, str] = {}
    taken: set[str] = {n.casefold() for n in _RESERVED}  # file names: 'ABC' and 'abc' are one on Windows
    for _, ident, name in sorted(claims, key=lambda c: (-c[0], c[1])):
        if ident not in out and name.casefold() not in taken:
            out[ident] = name
            taken.add(name.casefold())
    for p in kept:
        if p.ident not in out:
            name, k = "通用", 2
            while name in taken:
                name, k = f"通用{k}", k + 1
            out[p.ident] = name
            taken.add(name)
    return out


def _word(mine: list[Choice], all_names: list[str]) -> tuple[str | None, float]:
    """A word (2–4 characters) in the project names of most of *mine* and few others; its strength."""
    names = [c.ctx.facts.name for c in mine]
    if not names:
        return None, 0.0
    words = {name[i : i + n] for name in set(names) for n in (2, 3, 4) for i in range(len(name) - n + 1)}
    best, best_score, best_inside = None, 0, 0
    for word in sorted(words):
        if word.endswith(("费", "经", "用")):
            continue
        inside = sum(word in x for x in names)
        if inside * 5 < len(names) * 3:
            continue
        outside = sum(word in x for x in all_names) - inside
        if outside > inside or inside < MIN_TABLES:
            continue
        score = inside * 2 - outside
        if score > best_score or (score == best_score and best is not None and len(word) < len(best)):
            best, best_score, best_inside = word, score, inside
    if best is None:
        return None, 0.0
    return best, 1 + best_inside / len(names)


def _unit_name(mine: list[Choice], department: str) -> tuple[str | None, float]:
    """The unit most of *mine* belong to (short name), or what their units' names end with; its strength."""
    units = Counter(c.ctx.facts.unit_name for c in mine)
    if not units:
        return None, 0.0
    name, n = units.most_common(1)[0]
    share = n / sum(units.values())
    if share >= 0.6:
        return short_unit(name, department), share
    shorts = [short_unit(u, department) for u in units]
    suffix = shorts[0]
    for s in shorts[1:]:
        k = 0
        while k < min(len(s), len(suffix)) and s[-1 - k] == suffix[-1 - k]:
            k += 1
        suffix = suffix[len(suffix) - k :] if k else ""
    suffix = suffix.lstrip("省市区县")
    return (suffix, 0.5) if len(suffix) >= 2 else (None, 0.0)
