"""The checks' vocabulary: templates/checks/词表.yaml plus every visible preset's texts."""

from __future__ import annotations

import os
import re
from pathlib import Path

from pydantic import Field

from jixiao.checks.base import Vocabulary
from jixiao.errors import Diagnostic, SpecError
from jixiao.resources import builtin_templates, link_problem, trusted_folder, user_templates
from jixiao.spec.base import SpecModel
from jixiao.spec.load import LoadedSpec, parse_file

FILE_NAME = "词表.yaml"
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


class TypoEntry(SpecModel):
    """A known wrong spelling."""

    wrong: str = Field(alias="错")
    right: str = Field(alias="正")
    context: str | None = Field(None, alias="语境")


class VocabularySpec(SpecModel):
    """templates/checks/词表.yaml."""

    terms: list[str] = Field(default_factory=list, alias="常用指标")
    typos: list[TypoEntry] = Field(default_factory=list, alias="错别字")
    vague: list[str] = Field(default_factory=list, alias="含糊的定性值")
    #: term → the wrong homophones pinyin input gives for it.
    homophones: dict[str, list[str]] = Field(default_factory=dict, alias="同音错字")
    #: Right words that contain a wrong homophone (律师 contains 完成律's 律).
    homophone_exceptions: list[str] = Field(default_factory=list, alias="同音错字例外")
    #: Spellings of one term, the preferred one first.
    variants: list[list[str]] = Field(default_factory=list, alias="同一说法")


def vocabulary_file(root: Path) -> Path:
    """The 词表.yaml in use: spec folder, user repository, built-in — first found.

    Raises:
        SpecError: the first one found is (or is reached through) a symbolic link leaving its folder.
    """
    candidates = [(root, root / "checks" / FILE_NAME)]
    user = user_templates(root)
    if user is not None and trusted_folder(user / "checks"):
        candidates.append((user, user / "checks" / FILE_NAME))
    builtin = builtin_templates()
    candidates.append((builtin, builtin / "checks" / FILE_NAME))
    for base, path in candidates:
        if not os.path.lexists(path):
            continue
        problem = link_problem(path, base)
        if problem is not None:
            raise SpecError([Diagnostic(path, 1, 1, problem, "把词表文件本身复制到 checks 文件夹中，而不是链接到别处")])
        if path.is_file():
            return path
    return builtin / "checks" / FILE_NAME


def preset_terms(spec: LoadedSpec) -> set[str]:
    """Fixed texts of every visible preset: whole texts, and the literal parts around {{ }}."""
    out: set[str] = set()
    for preset in spec.presets.presets.values():
        rows = [*preset.spec.rows, *preset.spec.patch.values()]
        for row in rows:
            for text in (row.level3, row.description, row.value):
                if not text:
                    continue
                out.update(p.strip() for p in _JINJA.split(text) if len(p.strip()) >= 2)
    return out


def load_vocabulary(spec: LoadedSpec) -> Vocabulary:
    """Load the vocabulary for *spec*.

    Raises:
        SpecError: the vocabulary file is invalid.
    """
    model, pos, diags = parse_file(vocabulary_file(spec.root), VocabularySpec)
    if model is None:
        raise SpecError(diags)
    assert pos is not None
    # A wrong spelling found inside its own right word would flag every correct use of it.
    diags = [
        pos.diag(("同音错字", right, i), f"错误写法「{wrong}」是正确写法「{right}」的一部分，每处正确的写法都会被提示",
                 "写出更长的错误写法（带上前后文）")
        for right, wrongs in model.homophones.items() for i, wrong in enumerate(wrongs) if not wrong or wrong in right
    ]
    if diags:
        raise SpecError(diags)
    return Vocabulary(
        terms=frozenset(model.terms) | frozenset(preset_terms(spec)),
        typos=tuple((t.wrong, t.right, t.context) for t in model.typos),
        vague=frozenset(model.vague),
        homophones=tuple((wrong, right) for right, wrongs in model.homophones.items() for wrong in wrongs),
        homophone_exceptions=tuple(model.homophone_exceptions),
        variants=tuple(tuple(group) for group in model.variants if len(group) >= 2),
    )
