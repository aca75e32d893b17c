"""The packages depend on each other one way only (DESIGN.md §2, STYLE.md "Layout"):

    core < market < tlog < certificates < events, cases, interop

A package imports itself and packages below it, never one above or beside it (events,
cases and interop stand side by side and do not import each other). Imports are read from the source
with ``ast``, including those inside functions, so a lazy import cannot hide a wrong
direction. Module-level imports come before any definition (no import at the bottom of a
file to dodge a cycle), and module-level imports form no cycle.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RANK = {"core": 0, "market": 1, "tlog": 2, "certificates": 3, "events": 4, "cases": 4,
        "interop": 4}


def _modules():
    for package in RANK:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


MODULES = dict(_modules())


def _imported(node, module: str) -> list[str]:
    """Absolute names of the modules an Import or ImportFrom node reads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: resolve against the importing module's package
        package = module.split(".")
        is_package = MODULES[module].name == "__init__.py"
        base = package[:len(package) - node.level + (1 if is_package else 0)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module
    # `from pkg import name`: name may be a submodule
    return [f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target
            for alias in node.names]


def _imports(module: str, *, top_level_only=False) -> list[tuple[int, str]]:
    tree = ast.parse(MODULES[module].read_text("utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    return [(node.lineno, name) for node in nodes
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for name in _imported(node, module)]


def test_every_package_is_found():
    assert {name.split(".")[0] for name in MODULES} == set(RANK)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    own = module.split(".")[0]
    wrong = [f"line {line}: {name}" for line, name in _imports(module)
             if name.split(".")[0] in RANK and name.split(".")[0] != own
             and RANK[name.split(".")[0]] >= RANK[own]]
    assert wrong == [], f"{module} imports a package at or above its layer"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_imports_come_before_definitions(module):
    body = ast.parse(MODULES[module].read_text("utf-8")).body
    first_definition = next((node.lineno for node in body if isinstance(
        node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))), None)
    late = [node.lineno for node in body if isinstance(node, (ast.Import, ast.ImportFrom))
            and first_definition is not None and node.lineno > first_definition]
    assert late == [], f"{module}: imports after the first definition, at lines {late}"


def test_module_level_imports_have_no_cycle():
    graph = {module: {name for _, name in _imports(module, top_level_only=True)
                      if name in MODULES and name != module}
             for module in MODULES}
    done, path = set(), []

    def visit(module):
        if module in path:
            return path[path.index(module):] + [module]
        if module in done:
            return None
        path.append(module)
        for imported in sorted(graph[module]):
            cycle = visit(imported)
            if cycle:
                return cycle
        path.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module)
        assert cycle is None, " -> ".join(cycle)
