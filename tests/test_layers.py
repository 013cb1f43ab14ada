"""The layers hold: each package imports only what sits below it (HOME.md, docs/STYLE.md).

pages -> API over HTTP; blueprints -> services -> db and upstox; the sandbox is a separate
server that shares nothing with the platform but ``scripts/upstox_wire``. Imports inside
functions count too, so a rule cannot be dodged by a late import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTTP_CLIENTS = ("httpx", "requests", "aiohttp", "websockets", "urllib.request", "http.client")


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, as dotted names (``from a import b`` gives a and a.b)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules_under(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if not p.name.endswith("_pb2.py"))


def violations(folder: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list:
    bad = []
    for path in modules_under(folder):
        for name in sorted(imports_of(path)):
            if any(name == f or name.startswith(f + ".") for f in forbidden) and not any(
                name == a or name.startswith(a + ".") for a in allowed
            ):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    return bad


RULES = {
    "pages use the API over HTTP, never services, db or Upstox": (
        "dashboard_ui",
        (
            "scripts.services",
            "scripts.db",
            "scripts.upstox",
            "scripts.upstox_sandbox",
            "scripts.blueprints",
            "scripts.jobs",
            "sqlalchemy",
        ),
    ),
    "blueprints call services, never the database or Upstox": (
        "scripts/blueprints",
        ("scripts.db", "scripts.upstox", "sqlalchemy") + HTTP_CLIENTS,
    ),
    "services reach Upstox only through scripts.upstox and SQL only through scripts.db": (
        "scripts/services",
        ("sqlalchemy", "scripts.blueprints", "scripts.api") + HTTP_CLIENTS,
    ),
    "jobs use services and the db layer, with no SQL or HTTP of their own": (
        "scripts/jobs",
        ("sqlalchemy", "scripts.blueprints", "scripts.upstox") + HTTP_CLIENTS,
    ),
    "the db layer knows nothing above it": (
        "scripts/db",
        ("scripts.services", "scripts.blueprints", "scripts.api", "scripts.upstox", "scripts.jobs")
        + HTTP_CLIENTS,
    ),
    # The API's loopback client of the feed process sits below services (they may not hold an
    # HTTP client themselves), so it knows nothing above it, nor the database or Upstox.
    "the feed link is a plain HTTP client of the feed process": (
        "scripts/feed_link",
        (
            "scripts.services",
            "scripts.blueprints",
            "scripts.api",
            "scripts.db",
            "scripts.upstox",
            "scripts.jobs",
            "scripts.feed_process",
            "sqlalchemy",
        ),
    ),
    # The feed process is a process like the scheduler: services and the Upstox feed client,
    # never the API's blueprints, and no SQL of its own.
    "the feed process uses services and the Upstox client, never the API or SQL": (
        "scripts/feed_process",
        ("sqlalchemy", "scripts.blueprints", "scripts.api", "scripts.feed_link") + HTTP_CLIENTS,
    ),
    # scripts/nse is to NSE what scripts/upstox is to Upstox: the only package holding an HTTP
    # client to NSE's hosts, below services (which may not import an HTTP client themselves).
    "the NSE client knows nothing above it, nor the database": (
        "scripts/nse",
        (
            "scripts.services",
            "scripts.blueprints",
            "scripts.api",
            "scripts.db",
            "scripts.upstox",
            "scripts.jobs",
            "sqlalchemy",
        ),
    ),
    "the Upstox layer knows nothing above it": (
        "scripts/upstox",
        ("scripts.services", "scripts.blueprints", "scripts.api", "scripts.db", "scripts.jobs"),
    ),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_layer_rule_holds(rule: str) -> None:
    folder, forbidden = RULES[rule]
    assert violations(folder, forbidden) == [], rule


def test_sandbox_imports_nothing_of_the_platform_but_the_wire_format() -> None:
    bad = violations(
        "scripts/upstox_sandbox", ("scripts",), ("scripts.upstox_sandbox", "scripts.upstox_wire")
    )
    assert bad == []


def test_nothing_of_the_platform_imports_the_sandbox() -> None:
    bad = []
    for folder in ("scripts", "dashboard_ui"):
        for path in modules_under(folder):
            if "upstox_sandbox" in path.parts:
                continue
            bad += [
                f"{path.relative_to(ROOT)} imports {name}"
                for name in imports_of(path)
                if name.startswith("scripts.upstox_sandbox")
            ]
    assert bad == []


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "late.py"
    sample.write_text("def f():\n    from scripts.db.jobs import list_jobs\n    import httpx\n")
    assert {"scripts.db.jobs", "scripts.db.jobs.list_jobs", "httpx"} <= imports_of(sample)
