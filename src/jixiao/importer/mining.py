"""Department presets from rows that tables share.

Tables with the same rows (the same 一级/二级 in the same order) form a group.
For each row of a group and each of its texts (三级, 描述, 值), the text most
tables can print — literally or through a formula (:mod:`jixiao.importer.templating`)
— becomes the preset's text; a group yields a preset when at least one whole
row is shared by three or more tables. Tables that differ from it in the same
way (three or more of them with the same changed texts) yield a preset based
on it (``基于``) that changes those texts, or, when it changes most rows, a
preset of its own. Which table uses which preset is decided later, by the
shortest spelling (:mod:`jixiao.importer.spell`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from jixiao.importer.found import FoundTable
from jixiao.importer.templating import Facts, candidates
from jixiao.spec.frameworks import level1_of

FIELDS = (("level3", "三级"), ("description", "描述"), ("value", "值"))
MIN_TABLES = 3
Variant = tuple[int, str, str]  # row index, field, text


@dataclass
class MinedPreset:
    """A proposed preset: rows of its own, or a base and the changes to it."""

    ident: int
    keys: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    base: int | None = None
    patch: dict[str, dict[str, str]] = field(default_factory=dict)
    sources: list[int] = field(default_factory=list)
    name: str = ""


def row_key(level2: str) -> str:
    """A readable key for a preset row: 数量指标 → 数量, 服务对象满意度指标 → 满意度."""
    key = level2.removesuffix("指标") or level2
    return "满意度" if key.endswith("满意度") else key


def keys_for(level2s: list[str]) -> list[str]:
    """Keys of a preset's rows, unique (a second 社会效益 row is 社会效益2)."""
    out: list[str] = []
    seen: Counter[str] = Counter()
    for level2 in level2s:
        key = row_key(level2)
        seen[key] += 1
        out.append(key if seen[key] == 1 else f"{key}{seen[key]}")
    return out


def mine(
    tables: list[FoundTable], facts: dict[int, Facts], items: dict[int, str], framework: str
) -> list[MinedPreset]:
    """Presets proposed for *tables* (by table number: facts and chosen 事项)."""
    groups: dict[tuple[tuple[str, str], ...], list[FoundTable]] = defaultdict(list)
    for t in tables:
        groups[tuple((r.level1, r.level2) for r in t.rows)].append(t)
    out: list[MinedPreset] = []
    for skeleton, members in groups.items():
        if len(members) < MIN_TABLES:
            continue
        options = {
            t.number: [
                {f: candidates(getattr(r, f), f, facts[t.number], items[t.number]) for f, _ in FIELDS} for r in t.rows
            ]
            for t in members
        }
        base = _mode(range(len(skeleton)), members, options)
        shared = [
            i for i in range(len(skeleton))
            if sum(all(base[(i, f)] in options[t.number][i][f] for f, _ in FIELDS) for t in members) >= MIN_TABLES
        ]
        if not shared:
            continue
        keys = keys_for([level2 for _, level2 in skeleton])
        rows = [_row(keys[i], skeleton[i], {f: base[(i, f)] for f, _ in FIELDS}, framework) for i in range(len(skeleton))]
        mined = MinedPreset(len(out), keys, rows=rows, sources=[t.number for t in members])
        out.append(mined)
        out += _derived(mined, members, options, base, skeleton, framework, len(out))
    return out


def _mode(indices: range, members: list[FoundTable], options: dict[int, list[dict[str, list[str]]]]) -> dict[tuple[int, str], str]:
    """For every row and text, the candidate most tables share (formulas first on a tie)."""
    base: dict[tuple[int, str], str] = {}
    for i in indices:
        for f, _ in FIELDS:
            counts: Counter[str] = Counter()
            rank: dict[str, int] = {}
            for t in members:
                for k, template in enumerate(options[t.number][i][f]):
                    counts[template] += 1
                    rank[template] = min(rank.get(template, k), k)
            base[(i, f)] = min(counts, key=lambda x: (-counts[x], rank[x]))
    return base


def _row(key: str, levels: tuple[str, str], texts: dict[str, str], framework: str) -> dict[str, str]:
    level1, level2 = levels
    row = {"键": key}
    if level1_of(level2, framework) != level1:
        row["一级"] = level1
    row["二级"] = level2
    for f, label in FIELDS:
        row[label] = texts[f]
    return row


def _derived(
    base: MinedPreset,
    members: list[FoundTable],
    options: dict[int, list[dict[str, list[str]]]],
    mode: dict[tuple[int, str], str],
    skeleton: tuple[tuple[str, str], ...],
    framework: str,
    start: int,
) -> list[MinedPreset]:
    """Presets for the tables that change the same texts of *base* (three or more of them)."""
    offered: Counter[Variant] = Counter()
    for t in members:
        for i, row in enumerate(options[t.number]):
            for f, _ in FIELDS:
                if mode[(i, f)] not in row[f]:
                    offered.update((i, f, text) for text in row[f])
    variants: dict[int, set[Variant]] = {}
    support: Counter[Variant] = Counter()
    for t in members:
        mine: set[Variant] = set()
        for i, row in enumerate(options[t.number]):
            for f, _ in FIELDS:
                if mode[(i, f)] not in row[f]:
                    # The way of writing this text that most other tables share.
                    mine.add(max(((i, f, text) for text in row[f]), key=lambda v: offered[v]))
        variants[t.number] = mine
        support.update(mine)
    signature = {n: frozenset(v for v in mine if support[v] >= MIN_TABLES) for n, mine in variants.items()}
    remaining = {n for n, s in signature.items() if s}
    out: list[MinedPreset] = []
    while remaining:
        sets = {signature[n] for n in remaining}
        # In a fixed order (sets of texts iterate in an order that changes from run to run): ties go to the first.
        ordered = sorted(sets, key=sorted)
        pool = sorted(set(ordered) | {a & b for a, b in combinations(ordered[:40], 2) if a & b}, key=sorted)
        best, best_gain, best_who = None, 0, set()
        for s in pool:
            who = {n for n in remaining if s <= signature[n]}
            if len(who) < MIN_TABLES:
                continue
            gain = len(s) * len(who) - (len(s) + 3)
            if gain > best_gain or (gain == best_gain and best is not None and len(s) > len(best)):
                best, best_gain, best_who = s, gain, who
        if best is None:
            break
        remaining -= best_who
        changed = {i for i, _, _ in best}
        keys = base.keys
        sources = sorted(best_who)
        if len(changed) * 2 > len(skeleton):
            texts = dict(mode)
            texts.update({(i, f): text for i, f, text in best})
            rows = [_row(keys[i], skeleton[i], {f: texts[(i, f)] for f, _ in FIELDS}, framework) for i in range(len(skeleton))]
            out.append(MinedPreset(start + len(out), keys, rows=rows, sources=sources))
        else:
            patch: dict[str, dict[str, str]] = {}
            for i, f, text in sorted(best):
                patch.setdefault(keys[i], {})[dict(FIELDS)[f]] = text
            out.append(MinedPreset(start + len(out), keys, base=base.ident, patch=patch, sources=sources))
    return out
