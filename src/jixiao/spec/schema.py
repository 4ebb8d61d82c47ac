"""JSON Schemas of the spec files, for editors (yaml-language-server)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from jixiao.spec.frameworks import FrameworkSpec
from jixiao.spec.layout import LayoutSpec
from jixiao.spec.model import Department, Project
from jixiao.spec.presets import PresetSpec
from jixiao.spec.workbook import WorkbookLayoutSpec

SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "department.schema.json": (Department, "jixiao 部门规格（部门.yaml）"),
    "project.schema.json": (Project, "jixiao 项目规格（projects/*.yaml）"),
    "preset.schema.json": (PresetSpec, "jixiao 指标预设（presets/*.yaml）"),
    "layout.schema.json": (LayoutSpec, "jixiao 版式（layouts/*.yaml）"),
    "framework.schema.json": (FrameworkSpec, "jixiao 指标体系（frameworks/*.yaml）"),
    "workbook.schema.json": (WorkbookLayoutSpec, "jixiao 工作簿布局（workbooks/*.yaml）"),
}


def schema_text(model: type[BaseModel], title: str) -> str:
    """The JSON Schema of *model*, keyed by the Chinese spec keys, as stable text."""
    schema = model.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into *folder* (made when missing), all or none; returns the paths written.

    Raises:
        UsageError: *folder* is an existing file.
        RenderError: a file or folder cannot be written (the cause and what to do in Chinese).
    """
    from jixiao.errors import UsageError
    from jixiao.fileio import write_set

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o 给出的 {folder} 是一个已有的文件，不是文件夹；没有改动它。-o 写要存放 JSON Schema 的文件夹")
    files = {folder / name: schema_text(model, title).encode("utf-8") for name, (model, title) in SCHEMAS.items()}
    write_set(files)
    return list(files)


def stale_schemas(root: Path) -> list[Path]:
    """Schema files in the spec folder's ``schema/`` that differ from this jixiao's (a copy from an older one).

    Only that folder is read, never a ``$schema`` path pointing elsewhere.
    """
    folder = root / "schema"
    if folder.is_symlink() or not folder.is_dir():
        return []
    out = []
    for name, (model, title) in SCHEMAS.items():
        path = folder / name
        if path.is_file() and not path.is_symlink():
            try:
                if path.read_text(encoding="utf-8") != schema_text(model, title):
                    out.append(path)
            except (OSError, UnicodeDecodeError):
                out.append(path)
    return out
