"""``.env.example`` and the settings schema describe the same variables with the same defaults."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

from pydantic_core import PydanticUndefined

from scripts.config.env_file import GENERATED
from scripts.config.settings import PROJECT_ROOT
from scripts.config.variables import DashboardVariables, PlatformVariables

ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


def example_values() -> dict[str, str]:
    lines = (PROJECT_ROOT / ".env.example").read_text().splitlines()
    pairs = [m.groups() for m in map(ASSIGNMENT.match, lines) if m]
    names = [name for name, _ in pairs]
    assert len(names) == len(set(names)), f"a variable is listed twice: {sorted(names)}"
    return dict(pairs)


def as_written(default: Any) -> str:
    """A field's default the way .env.example writes it; a secret's missing default is generated."""
    if default is PydanticUndefined:
        return GENERATED
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, Enum):
        return str(default.value)
    return str(default)


def test_every_schema_field_is_in_env_example_with_its_default() -> None:
    example = example_values()
    expected = {
        name: as_written(field.default) for name, field in PlatformVariables.model_fields.items()
    }
    assert {name: example.get(name) for name in expected} == expected


def test_every_env_example_variable_is_a_schema_field() -> None:
    assert set(example_values()) - set(PlatformVariables.model_fields) == set()


def test_every_field_says_what_it_is_for() -> None:
    undocumented = [n for n, f in PlatformVariables.model_fields.items() if not f.description]
    assert undocumented == []


def test_secrets_have_no_default() -> None:
    secrets = {"API_KEY", "ENCRYPTION_KEY", "DASHBOARD_PASSWORD_HASH", "DASHBOARD_STORAGE_SECRET"}
    required = {n for n, f in PlatformVariables.model_fields.items() if f.is_required()}
    assert required == secrets


def test_the_dashboard_schema_is_part_of_the_platform_schema() -> None:
    assert set(DashboardVariables.model_fields) < set(PlatformVariables.model_fields)
