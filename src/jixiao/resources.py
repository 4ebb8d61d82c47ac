"""Where the built-in templates live, and the override search order.

Look-up order for a template or preset is: the spec folder, then the user's own
repository (the nearest ``templates/`` folder above the spec), then the set
shipped with jixiao. The shipped set is found through ``importlib.resources``
in an installed wheel, and in the source tree in an editable install.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path


@lru_cache(maxsize=1)
def builtin_templates() -> Path:
    """The ``templates/`` folder shipped with jixiao."""
    packaged = Path(str(files("jixiao"))) / "_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def user_templates(start: Path) -> Path | None:
    """The nearest ``templates/`` folder above *start* (the user's own repository)."""
    here = start.resolve()
    builtin = builtin_templates().resolve()
    for folder in (here, *here.parents):
        candidate = folder / "templates"
        if candidate.is_dir() and candidate.resolve() != builtin:
            return candidate
        if (folder / ".git").exists():
            break
    return None


def preset_dirs(spec_root: Path) -> list[Path]:
    """Preset folders in look-up order: spec folder, user repository, built-in."""
    dirs = [spec_root / "presets"]
    user = user_templates(spec_root)
    if user is not None:
        dirs.append(user / "presets")
    dirs.append(builtin_templates() / "presets")
    return [d for d in dirs if d.is_dir()]
