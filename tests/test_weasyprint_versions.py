"""WeasyPrint releases: only the font module uses its internals, exactly those pinned here; others still render.

* the contract of :mod:`jixiao.render.pdf.fonts` (its internal names, checked
  against the installed WeasyPrint and against the module's source);
* no other module reaches beyond WeasyPrint's and pydyf's documented API;
* on a release the font module does not know, or when it fails, the output is
  WeasyPrint's own: the same text, pages and outlines, larger files;
* WeasyPrint 69, installed into a folder of its own (once, under the virtual
  environment) and put first on ``PYTHONPATH``, renders both examples as the
  installed release does: every file of 东丽, and of 唐山 the combined document
  and the project files of :data:`TANGSHAN_ONLY` (marker ``network``:
  ``-m "not network"`` skips it offline).
"""

from __future__ import annotations

import ast
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import weasyprint

from jixiao.authoring.doctor import run_checks
from jixiao.expand.department import expand_department
from jixiao.render.build import RenderOptions, render_department
from jixiao.render.pdf import fonts
from jixiao.resources import builtin_templates
from jixiao.spec.load import load_department
from pdffacts import pdf_facts

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "jixiao"
FONTS = SRC / "render" / "pdf" / "fonts.py"

#: The internals the font module may use: changing this list means testing the new names on every known release.
PINNED_INTERNALS = (
    "weasyprint.pdf.fonts:Font",
    "weasyprint.pdf.fonts:Font.__init__",
    "weasyprint.pdf.fonts:Font.subset",
    "weasyprint.pdf.fonts:get_hb_object_data",
    "weasyprint.text.ffi:ffi",
    "weasyprint.text.ffi:harfbuzz",
    "weasyprint.text.ffi:harfbuzz_subset",
    "weasyprint.text.fonts:get_hb_object_data",
)
PINNED_FONT_ATTRIBUTES = ("bitmap", "file_content", "hash", "hb_face", "index", "missing", "tables", "upem")

#: WeasyPrint's documented API (its API reference: ``weasyprint``, ``weasyprint.document``,
#: ``weasyprint.urls``, ``weasyprint.text.fonts.FontConfiguration``) and pydyf's.
DOCUMENTED = {
    "weasyprint.HTML", "weasyprint.CSS", "weasyprint.Attachment", "weasyprint.Document", "weasyprint.__version__",
    "weasyprint.urls.URLFetcher", "weasyprint.urls.URLFetcherResponse", "weasyprint.urls.FatalURLFetchingError",
    "weasyprint.text.fonts.FontConfiguration", "pydyf.Stream", "pydyf.String", "pydyf.Array",
    "pydyf.Dictionary",
}


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def test_the_font_module_uses_exactly_the_pinned_internals() -> None:
    assert fonts.INTERNALS == PINNED_INTERNALS
    assert fonts.FONT_ATTRIBUTES == PINNED_FONT_ATTRIBUTES
    tree = ast.parse(FONTS.read_text(encoding="utf-8"))
    imported = {f"{n.module}:{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                and (n.module or "").startswith("weasyprint.") for a in n.names}
    assert imported == {name for name in PINNED_INTERNALS if "." not in name.partition(":")[2]}
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import) and any(a.name != "weasyprint" and
                a.name.startswith("weasyprint") for a in n.names)]
    # Every attribute read or set on a WeasyPrint font object (the parameter ``font`` or ``self`` of the wrapper).
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            and n.value.id in ("font", "self")}
    assert used <= set(PINNED_FONT_ATTRIBUTES)
    called = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
              and n.value.id in ("harfbuzz", "harfbuzz_subset")}
    assert called <= set(fonts.HARFBUZZ_NAMES) | set(fonts.HARFBUZZ_SUBSET_NAMES)


def test_the_installed_weasyprint_has_every_pinned_internal() -> None:
    assert int(weasyprint.__version__.split(".")[0]) in fonts.KNOWN_MAJORS
    assert fonts.missing_internals() == []
    assert fonts.status().active
    font_class = fonts._wp().Font
    assert list(inspect.signature(font_class.subset).parameters) == ["self", "to_unicode", "hinting"]
    source = inspect.getsource(font_class.__init__)
    assert all(f"self.{name} =" in source for name in PINNED_FONT_ATTRIBUTES)


def test_no_other_module_reaches_beyond_the_documented_api() -> None:
    problems = []
    for path in sorted(p for p in SRC.rglob("*.py") if p != FONTS):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("weasyprint", "pydyf"):
                problems.append(f"{path.name}: from {node.module} import …")
            if isinstance(node, ast.Import) and any(a.name.startswith(("weasyprint.", "pydyf.")) for a in node.names):
                problems.append(f"{path.name}: import {[a.name for a in node.names]}")
            if not isinstance(node, ast.Attribute):
                continue
            name = _dotted(node)
            if name and name.split(".")[0] in ("weasyprint", "pydyf") and not any(
                name == d or d.startswith(name + ".") for d in DOCUMENTED
            ):
                problems.append(f"{path.name}: {name}")
            if isinstance(node.value, ast.Name) and node.attr.startswith("_") and node.value.id in (
                "weasyprint", "pydyf", "document", "page", "pdf", "font"
            ):
                problems.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert problems == []


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.pdf"))}


def test_an_unknown_weasyprint_gets_plain_fonts_and_the_same_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = ROOT / "specs" / "dongli-2025"
    doc = expand_department(load_department(spec))
    options = {"formats": frozenset({"pdf"}), "cache": False}
    render_department(doc, spec, RenderOptions(out_dir=tmp_path / "known", **options), jobs=1)
    monkeypatch.setattr(weasyprint, "__version__", "99.0")
    monkeypatch.setattr(fonts, "_STATUS", {})
    assert not fonts.status().active and "99.0" in fonts.status().detail
    (line,) = [f for f in run_checks() if f.name.startswith("紧凑的中文字体")]
    assert not line.ok and not line.required and "99.0" in line.detail  # a warning in jixiao doctor
    unknown = render_department(doc, spec, RenderOptions(out_dir=tmp_path / "unknown", **options), jobs=1)
    assert unknown.pdf_warnings == []
    known, plain = _outputs(tmp_path / "known"), _outputs(tmp_path / "unknown")
    assert list(known) == list(plain)
    for name in known:
        assert pdf_facts(plain[name]) == pdf_facts(known[name]), name
        if name.startswith("projects/"):
            assert len(plain[name]) > 1.5 * len(known[name]), name  # only larger (font subsets; tags alike)


def test_a_failure_on_the_compact_path_steps_aside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = ROOT / "specs" / "dongli-2025"
    doc = expand_department(load_department(spec))
    options = {"formats": frozenset({"pdf"}), "cache": False, "only": ("1",)}
    render_department(doc, spec, RenderOptions(out_dir=tmp_path / "compact", **options), jobs=1)

    def broken(session: Any, pdf: Any) -> None:
        raise KeyError("an internal that changed")

    monkeypatch.setattr(fonts, "_swap", broken)
    report = render_department(doc, spec, RenderOptions(out_dir=tmp_path / "plain", **options), jobs=1)
    assert any("紧凑字体嵌入失败" in w for w in report.pdf_warnings)
    ((name, compact),), ((_, plain),) = _outputs(tmp_path / "compact").items(), _outputs(tmp_path / "plain").items()
    assert pdf_facts(plain) == pdf_facts(compact)
    assert len(plain) > 1.5 * len(compact), name  # font subsets differ; the tags are alike


def test_compact_fonts_never_read_the_font_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint copies each font file (20–27 MB for Noto CJK) into memory to subset it: the compact path does not."""
    spec = ROOT / "specs" / "dongli-2025"
    doc = expand_department(load_department(spec))
    options = {"formats": frozenset({"pdf"}), "cache": False, "only": ("1",)}
    fonts._install()
    reads: list[Any] = []
    read = fonts._READ[0]
    monkeypatch.setattr(fonts, "_READ", [lambda face: reads.append(face) or read(face)])
    render_department(doc, spec, RenderOptions(out_dir=tmp_path / "compact", **options), jobs=1)
    assert reads == []
    monkeypatch.setattr(fonts, "_deferred", lambda font: False)  # every font read at once, as WeasyPrint does
    render_department(doc, spec, RenderOptions(out_dir=tmp_path / "read", **options), jobs=1)
    assert len(reads) >= 2
    assert _outputs(tmp_path / "compact") == _outputs(tmp_path / "read")


#: The one rule of the built-in style sheet WeasyPrint 69 does not honour: ``break-after: avoid`` between
#: table rows, which keeps a 二级 group on one page in 70 and later (README「字体」…「WeasyPrint 版本」).
GROUP_KEEPING = "table.jx-grid tr.jx-with-next {\n  break-after: avoid;\n}\n"


def _without_group_keeping(source: Path, spec: Path) -> Path:
    """A copy of the spec *source* whose style sheet leaves out :data:`GROUP_KEEPING`."""
    shutil.copytree(source, spec)
    css = (builtin_templates() / "html" / "style.css").read_text(encoding="utf-8")
    assert GROUP_KEEPING in css
    (spec / "templates" / "html").mkdir(parents=True)
    (spec / "templates" / "html" / "style.css").write_text(css.replace(GROUP_KEEPING, ""), encoding="utf-8")
    return spec


def _target(version: str) -> Path:
    """WeasyPrint *version* installed (once) into a folder of its own under the virtual environment."""
    folder = Path(sys.prefix) / "jixiao-test" / f"weasyprint-{version}"
    if (folder / f"weasyprint-{version}.dist-info").is_dir():
        return folder
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--target", str(folder), f"weasyprint=={version}"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, (
        f"pip 未能安装 WeasyPrint {version}（离线时用 -m 'not network' 跳过这项测试）：\n{result.stderr[-2000:]}"
    )
    return folder


#: The 唐山 project files rendered on both releases beside its combined document (all 54 tables): a one-page
#: table with 「（护）」 in its title (1), one whose 项目编码 once broke (27), the long tables that cross pages in
#: their own files (33: four pages; 34–36: two). The other 48 are laid out by the same code from the same style
#: sheet; rendering them too would double the test's time and find nothing these do not.
TANGSHAN_ONLY = ("1", "27", "33", "34", "35", "36")

#: Renders the combined document and the project files named (none: all) of a spec, to PDF, without the cache.
RENDER = """
import sys
from pathlib import Path
from jixiao.expand.department import expand_department
from jixiao.render.build import RenderOptions, render_department
from jixiao.spec.load import load_department

spec, out, only = Path(sys.argv[1]), Path(sys.argv[2]), tuple(sys.argv[3:])
options = RenderOptions(out_dir=out, formats=frozenset({"pdf"}), only=only, combined=True, cache=False)
if __name__ == "__main__":
    render_department(expand_department(load_department(spec)), spec, options)
"""


def _render_with(env: dict[str, str], spec: Path, out: Path, only: tuple[str, ...]) -> None:
    result = subprocess.run([sys.executable, "-c", RENDER, str(spec), str(out), *only], env=env,
                            capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.network
def test_weasyprint_69_renders_both_examples_alike(tmp_path: Path) -> None:
    folder = _target("69.0")
    base = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # One process: the combined layout writes the project files too (the same files as with workers, less CPU).
    base["JIXIAO_CACHE"], base["JIXIAO_JOBS"] = "0", "1"
    older = {**base, "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT / "src")])}
    probe = subprocess.run(
        [sys.executable, "-c", "import weasyprint; from jixiao.render.pdf import fonts; "
         "print(weasyprint.__version__, fonts.status().active, fonts.missing_internals())"],
        env=older, capture_output=True, text=True, timeout=120, check=True,
    )
    assert probe.stdout.split(maxsplit=2) == ["69.0", "True", "[]\n"]
    for name, only in (("dongli-2025", ()), ("tangshan-2025", TANGSHAN_ONLY)):
        spec = _without_group_keeping(ROOT / "specs" / name, tmp_path / "specs" / name)
        _render_with(older, spec, tmp_path / "69" / name, only)
        options = RenderOptions(out_dir=tmp_path / "new" / name, formats=frozenset({"pdf"}), only=only, combined=True,
                                cache=False)
        render_department(expand_department(load_department(spec)), spec, options, jobs=1)  # here: the installed one
        old, new = _outputs(tmp_path / "69" / name), _outputs(tmp_path / "new" / name)
        assert list(old) == list(new) and len(old) == 1 + (len(only) or 6)
        for file in old:
            assert pdf_facts(old[file]) == pdf_facts(new[file]), f"{name}/{file}"
            assert len(old[file]) < 1.2 * len(new[file])  # compact fonts on 69 too
