"""The layout shows the architecture and keeps it: no import cycles among the product's modules, test helpers
(pipeline/testing) never imported by the product, diacritics/ a library that imports nothing from pipeline/, and
every module named in the README's module map."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: str) -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ``known`` that ``name`` imports, wherever in the file (inside functions too: a lazy import is
    still a dependency), except under ``if TYPE_CHECKING`` and except its own ancestor packages (Python always
    imports those first, whatever the module says)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    skipped = {id(n) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target)
    ancestors = {".".join(name.split(".")[:i]) for i in range(1, len(name.split(".")))}
    return {m for m in found if m in known and m != name and m not in ancestors}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def product() -> dict[str, Path]:
    return {n: p for n, p in modules("pipeline").items() if not n.startswith("pipeline.testing")}


def test_product_modules_have_no_import_cycles():
    known = product()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    assert sum(map(len, graph.values())) > 50  # the graph was really read
    assert graph["pipeline.batch.run"] >= {"pipeline.document", "pipeline.batch.executor", "pipeline.batch.manifest"}
    assert cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_nothing_outside_pipeline_testing_imports_it():
    """pipeline/testing holds what only tests, benchmarks and tools use; the product runs without it. (The one
    bridge, the batch's fault injection for tests, names its function as a string and imports it only when
    PLANOCR_TEST_HOOK is set: see pipeline/batch/executor.py, page_function.)"""
    every = {**modules("pipeline"), **modules("diacritics")}
    users = {name for name, path in every.items() if not name.startswith("pipeline.testing")
             and any(m.startswith("pipeline.testing") for m in imports(name, path, every))}
    assert users == set()


def test_diacritics_imports_nothing_from_pipeline():
    every = {**modules("pipeline"), **modules("diacritics")}
    users = {name: sorted(m for m in imports(name, path, every) if m.startswith("pipeline"))
             for name, path in modules("diacritics").items()}
    assert {name: found for name, found in users.items() if found} == {}


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def module_map() -> list[str]:
    """The paths the README's module map names: a row's path (first column), and for a folder's row
    (``pipeline/load/``) each `module.py` its description names."""
    section = readme().split("\n## Where each stage lives", 1)[1].split("\n## ", 1)[0]
    paths = []
    for path, what in re.findall(r"^\| `([^`]+)` \| (.*) \|$", section, flags=re.MULTILINE):
        paths.append(path)
        if path.endswith("/"):
            paths.extend(path + name for name in re.findall(r"`([\w]+\.py)`", what))
    return paths


def test_every_module_is_in_the_readme_map_and_every_line_names_one():
    mapped = module_map()
    files = sorted(p.relative_to(ROOT).as_posix() for package in ("pipeline", "diacritics")
                   for p in (ROOT / package).rglob("*.py"))
    assert [f for f in files if f not in mapped] == []  # a new module needs its line
    assert [m for m in mapped if not (ROOT / m).exists()] == []  # and a line its module


def test_readme_is_short_and_keeps_the_two_commands_and_its_links():
    text = readme()
    assert len(text) <= 12_000
    assert "make demo" in text and "make test" in text
    linked = re.findall(r"`((?:docs|benchmarks|schemas|diacritics/data|data)/[\w./-]+\.md)`", text)
    assert len(linked) >= 8 and [p for p in linked if not (ROOT / p).is_file()] == []


def test_tests_share_helpers_through_fixtures_and_pipeline_testing_not_each_other():
    """No test file imports another (shared helpers live in tests/conftest.py or pipeline/testing/), every
    test_*.py holds tests, and data outside the repository is reached only through conftest's fixtures, which
    skip with the reason when it is absent."""
    problems = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            problems += [f"{path.name}:{node.lineno}: imports {n}" for n in names if n.split(".")[0].startswith(("test_", "conftest"))]
        if path.name.startswith("test_") and not any(
            isinstance(n, ast.FunctionDef) and n.name.startswith("test_") for n in tree.body
        ):
            problems.append(f"{path.name}: no test in it (a helper module belongs in pipeline/testing/)")
        if path.name not in ("conftest.py", "test_layout.py"):
            for pattern in (r"\"/work/", r"PLANOCR_(SHARED|REALDOCS|REALTEXTS|REALSCANS)", r"/ \"shared\""):
                problems += [f"{path.name}: {m.group(0)} (use conftest's fixture)" for m in re.finditer(pattern, text)]
    assert problems == []
