"""The layers of ARCHITECTURE.md, held to the imports the code really makes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "shopgraph"
DOORS = (
    "shopgraph.rest_compat",
    "shopgraph.schema",
    "shopgraph.explore",
    "shopgraph.dashboard",
    "shopgraph.storefront",
)
ABOVE_THE_DOMAIN = (*DOORS, "shopgraph.delivery", "shopgraph.webhooks", "shopgraph.app", "shopgraph.cli", "strawberry")
ABOVE_THE_LIBRARIES = (*DOORS, "shopgraph.delivery", "shopgraph.domain", "shopgraph.app", "shopgraph.cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _offences(package: str, forbidden: tuple[str, ...]) -> list[str]:
    offences = []
    for path in sorted((PACKAGE / package.removeprefix("shopgraph.").replace(".", "/")).rglob("*.py")):
        for name in sorted(_imports(path)):
            if any(name == above or name.startswith(above + ".") for above in forbidden):
                offences.append(f"{_module_name(path)} imports {name}")
    return offences


def test_the_parser_sees_a_known_import() -> None:
    assert "shopgraph.outbound" in _imports(PACKAGE / "domain" / "events" / "webhook_endpoints.py")


@pytest.mark.parametrize("package", ["shopgraph.domain"])
def test_the_domain_imports_no_door_no_worker_and_not_the_webhook_library(package: str) -> None:
    assert _offences(package, ABOVE_THE_DOMAIN) == []


@pytest.mark.parametrize("package", ["shopgraph.db", "shopgraph.payments", "shopgraph.webhooks", "shopgraph.mail"])
def test_the_libraries_import_nothing_above_them(package: str) -> None:
    assert _offences(package, ABOVE_THE_LIBRARIES) == []


def test_the_domain_does_not_know_the_web_frameworks() -> None:
    assert _offences("shopgraph.domain", ("starlette", "jinja2")) == []
