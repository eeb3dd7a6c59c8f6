"""Errors as types: every failure category has its exception class, each class its exit status, and only the
CLI turns them into exit statuses and messages (no category written onto an exception, no bare exit number)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline import errors
from pipeline.errors import ExitCode, FailureCategory, describe, error_for

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"


@pytest.mark.parametrize("category", list(FailureCategory))
def test_every_category_has_its_class(category):
    error = error_for(category.value, "why\nit failed", path="a.pdf")
    assert error.category is category and isinstance(error, errors.PlanocrError)
    assert error.one_line() == f"a.pdf: {category.value}: why it failed"  # one line, whatever the reason held
    expected = {FailureCategory.DEPENDENCY: ExitCode.DEPENDENCY, FailureCategory.OUTPUT: ExitCode.OUTPUT}
    assert error.exit_code == expected.get(category, ExitCode.SOME_FAILED)


def test_usage_errors_have_no_category_in_their_line_and_exit_2():
    error = errors.UsageError("--jobs: must be at least 1")
    assert error.exit_code == ExitCode.USAGE == 2 and error.one_line() == "--jobs: must be at least 1"


def test_exit_codes_and_categories_keep_their_contract_values():
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4, 130]
    assert [str(c) for c in FailureCategory] == [
        "missing", "unreadable", "encrypted", "unsupported", "timeout", "dependency", "output", "internal"]


def test_describe_names_any_exception():
    assert describe(errors.PageTimeoutError("slow")) == (FailureCategory.TIMEOUT, "slow")
    assert describe(PermissionError(13, "Permission denied")) == (FailureCategory.UNREADABLE, "Permission denied")
    assert describe(ValueError("bad\nvalue")) == (FailureCategory.INTERNAL, "ValueError: bad value")


def modules() -> list[Path]:
    return sorted(p for p in PIPELINE.rglob("*.py") if "testing" not in p.relative_to(PIPELINE).parts)


def test_no_category_is_written_onto_an_exception_and_no_exit_number_is_bare():
    """Categories come from the classes (error_for), not from strings set on instances in several places; exit
    statuses come from ExitCode, and only the CLI (cli.py, __main__.py) exits."""
    problems = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(PIPELINE.parent)
        script_entry = {id(n) for top in tree.body if isinstance(top, ast.If) and "__main__" in ast.unparse(top.test)
                        for n in ast.walk(top)}  # `if __name__ == "__main__": sys.exit(main())` of a module's own tool
        for node in ast.walk(tree):
            if id(node) in script_entry:
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else []
            for target in targets:
                for leaf in ast.walk(target):
                    if (isinstance(leaf, ast.Attribute) and leaf.attr == "category" and path.name != "errors.py"
                            and not (isinstance(leaf.value, ast.Name) and leaf.value.id == "outcome")):
                        problems.append(f"{where}:{leaf.lineno}: category set on {ast.unparse(leaf.value)}")
            if isinstance(node, ast.Call) and ast.unparse(node.func) in ("sys.exit", "exit", "os._exit"):
                if path.name not in ("cli.py", "__main__.py"):
                    problems.append(f"{where}:{node.lineno}: exits outside the CLI")
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant) and path.name == "cli.py":
                if isinstance(node.value.value, int) and not isinstance(node.value.value, bool):
                    problems.append(f"{where}:{node.lineno}: bare exit status {node.value.value}")
    assert not problems, "\n".join(problems)
