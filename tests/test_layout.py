"""The package's shape: one installed name, stages that import only the stages before them, no
import cycle (ARCHITECTURE.md)."""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGE_DIRS = PYPROJECT["tool"]["setuptools"]["package-dir"]  # perfreports.extract -> extract
# The order a file goes through: a module may import its own part and the parts before it.
ORDER = {"cores": -1, "terminal": 0, "extract": 0, "normalize": 0, "sizing": 0, "facts": 1, "checks": 2, "storage": 3, "process": 4,
         "executors": 5, "batch": 6, "doctor": 6, "explain": 6, "api": 6, "review": 6, "cli": 7,
         "__init__": 8}  # the package itself: perfreports.load and .read, over api
# cores (-1): the counts of a batch's idle cores, below every stage (extract borrows, executors lend)


def module_files() -> dict[str, Path]:
    """Every module of the package by its import name, found through pyproject's mapping."""
    found = {}
    for package, folder in PACKAGE_DIRS.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            name = ".".join((package, *parts)).removesuffix(".__init__")
            found.setdefault(name, path)
    return found


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "") in modules:
            for alias in node.names:  # `from pkg import submodule` imports the submodule
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imports_of(path, modules) - {name} for name, path in modules.items()}


def part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def test_every_module_is_found_under_the_one_name():
    names = set(module_files())
    assert {"perfreports.cli", "perfreports.process", "perfreports.extract.pdf", "perfreports.normalize.values",
            "perfreports.facts.indicators.header", "perfreports.checks.targets", "perfreports.storage.store",
            "perfreports.executors.dask_cluster"} <= names
    assert all(n == "perfreports" or n.startswith("perfreports.") for n in names)


def test_no_import_cycle():
    graph = import_graph()
    cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    assert cycles == []


def test_stages_import_only_the_stages_before_them():
    backwards = sorted((module, imported) for module, imported_ in import_graph().items()
                       for imported in imported_
                       if part(module) != part(imported) and part(imported) != "__init__"
                       and ORDER[part(imported)] >= ORDER[part(module)])
    assert backwards == []


def test_the_cycle_finder_finds_a_cycle():
    assert sorted(map(sorted, strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}))) == [
        ["a", "b", "c"], ["d"]]


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                component.add(top)
                if top == node:
                    break
            components.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return components


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """`pip install .` into a folder of its own, from a copy of what the package is built from."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    for folder in set(PACKAGE_DIRS.values()):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp / "site-packages"
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                             "--target", str(target), str(source)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"pip install . failed:\n{result.stderr[-3000:]}")
    return target


def test_install_puts_one_name_into_site_packages(installed):
    top_level = {p.name for p in installed.iterdir()} - {"bin"}
    assert top_level == {"perfreports", "perfreports-0.1.0.dist-info"}
    [record] = installed.glob("perfreports-*.dist-info/RECORD")
    roots = {line.split("/")[0] for line in record.read_text(encoding="utf-8").splitlines()}
    assert roots <= {"perfreports", "perfreports-0.1.0.dist-info", "..", "bin"}
    assert (installed / "perfreports" / "extract" / "data" / "sign_templates.npz").is_file()
    assert (installed / "perfreports" / "facts" / "concepts" / "vocabulary.toml").is_file()
    for asset in ("templates/document.html", "templates/queue.html", "static/review.js", "static/review.css"):
        assert (installed / "perfreports" / "review" / asset).is_file()


def test_the_installed_command_runs(installed, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    result = subprocess.run([str(installed / "bin" / "perfreports"), "--help"], capture_output=True,
                            text=True, env=env, cwd=tmp_path)  # not the checkout: the installed copy
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: perfreports ")
    for command in ("ingest", "export", "status", "compare", "doctor"):
        assert command in result.stdout


def test_report_type_codes_are_named_in_one_data_file_only():
    codes = {"monitoring", "self_evaluation", "evaluation"}
    home = ROOT / "facts" / "report" / "vocabulary.py"
    naming = sorted(str(path.relative_to(ROOT)) for path in module_files().values() if path != home
                    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                    if isinstance(node, ast.Constant) and node.value in codes)
    assert naming == []


def test_the_lines_architecture_md_quotes_are_in_the_data_files():
    """ARCHITECTURE.md shows the exact lines to change; they must stay true."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    quoted = [block.split("```", 1)[0] for block in text.split("```python\n")[1:]]
    data = "".join((ROOT / f).read_text(encoding="utf-8")
                   for f in ("facts/report/vocabulary.py", "facts/indicators/vocabulary.py"))
    assert len(quoted) == 2
    for block in quoted:
        assert block in data
