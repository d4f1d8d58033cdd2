"""The shape of the product's code, checked on the source: modules a reader can hold, public functions
that say what they are for."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("hub", "devices", "genie")
MAX_LINES = 400


def _modules() -> list[Path]:
    found = [path for package in PRODUCT for path in sorted((ROOT / package).rglob("*.py"))]
    assert len(found) > 50, found  # the walk found the product, not nothing
    return found


def test_no_product_module_is_over_400_lines() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in _modules()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def _public_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Module-level functions and methods of module-level classes whose names do not start with "_"."""
    found = []
    for node in tree.body:
        members = node.body if isinstance(node, ast.ClassDef) and not node.name.startswith("_") else [node]
        for member in members:
            if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef) and not member.name.startswith("_"):
                setter = any(isinstance(d, ast.Attribute) and d.attr == "setter" for d in member.decorator_list)
                if not setter:
                    found.append(member)
    return found


def test_every_public_function_says_what_it_is_for() -> None:
    missing = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        missing += [f"{path.relative_to(ROOT)}:{f.lineno} {f.name}" for f in _public_functions(tree)
                    if not ast.get_docstring(f)]
    assert missing == []
