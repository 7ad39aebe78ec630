"""The lab's stand-ins are built from primary sources, never from the product they test.

A stand-in that imported the product's clients, operations, HTTP transport or naming rules
would agree with a wrong product: every test would pass against its own mistake.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LAB = Path(__file__).resolve().parents[2] / "avictl" / "lab"
FORBIDDEN = ("avictl.avi", "avictl.marathon", "avictl.aws", "avictl.mesos", "avictl.ops", "avictl.http",
             "avictl.cli")


def _imports(path: Path) -> list[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    package = ["avictl", "lab", *path.relative_to(LAB).parts[:-1]]  # the package the file is in
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                prefix = ".".join(package[: len(package) - (node.level - 1)])
                mod = f"{prefix}.{node.module}" if node.module else prefix
                names += [mod] + ([f"{prefix}.{a.name}" for a in node.names] if not node.module else [])
            else:
                names.append(node.module or "")
    return names


@pytest.mark.parametrize("path", sorted(LAB.rglob("*.py")), ids=lambda p: str(p.relative_to(LAB)))
def test_no_stand_in_imports_the_product(path: Path) -> None:
    bad = [n for n in _imports(path) if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)]
    assert not bad, f"{path.relative_to(LAB)} imports {bad}"


def test_the_resolver_sees_a_product_import() -> None:
    """The check above must be able to fail: a relative import of the product is caught."""
    names = _imports(LAB / "avi" / "sync.py")
    assert "avictl.lab.avi.naming" in names and "avictl.lab.base" in _imports(LAB / "avi" / "server.py")
    assert "avictl.errors" in _imports(LAB / "runner.py")


def test_the_avi_stand_in_names_objects_by_its_own_rule() -> None:
    """Pools `<app>-pool-<port>` (documented); VS names of group apps and tagged clouds the stand-in's own."""
    from avictl.lab.avi import naming

    assert naming.vs_name("/webapp1") == "webapp1"
    assert naming.vs_name("/group/app/") == "app.group"
    assert naming.vs_name("/web", "marathon") == "marathon.web"
    assert naming.pool_name("/group/app", 8080) == "group-app-pool-8080"
