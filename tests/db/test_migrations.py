"""Migrations: fresh and upgraded installs end identical; SQLite is backed up first."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select

from scripts.clock import utc_now
from scripts.db import Database
from alembic.script import ScriptDirectory

from scripts.db.migrate import alembic_config, current_revision, head_revision, upgrade_database
from scripts.db.schema import index_constituents, market_holidays, metadata, sync_jobs


def schema_snapshot(database: Database) -> dict:
    """Tables, columns (name, type family, nullability), keys and indexes as plain data."""
    with database.read() as connection:
        inspector = inspect(connection)
        snapshot = {}
        for table in sorted(inspector.get_table_names()):
            snapshot[table] = {
                "columns": [
                    (c["name"], type(c["type"]).__name__, c["nullable"])
                    for c in inspector.get_columns(table)
                ],
                "pk": inspector.get_pk_constraint(table)["constrained_columns"],
                "fks": sorted(
                    (tuple(fk["constrained_columns"]), fk["referred_table"])
                    for fk in inspector.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (ix["name"], tuple(ix["column_names"])) for ix in inspector.get_indexes(table)
                ),
            }
        return snapshot


def earlier_revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in script.walk_revisions() if rev.revision != head_revision()]


@pytest.mark.parametrize("start", earlier_revisions())
def test_every_earlier_version_upgrades_to_the_fresh_schema(
    database_url_factory, tmp_path: Path, start: str
) -> None:
    fresh = Database(database_url_factory())
    upgrade_database(fresh, tmp_path / "b1")
    upgraded = Database(database_url_factory())
    upgrade_database(upgraded, tmp_path / "b2", target=start)
    with upgraded.transaction() as connection:
        connection.execute(
            sync_jobs.insert().values(
                job_id="old_job",
                name="Old",
                description="",
                schedule="daily",
                enabled=True,
                created_at=utc_now(),
                updated_at=utc_now(),
            )
        )
    upgrade_database(upgraded, tmp_path / "b2")
    assert schema_snapshot(fresh) == schema_snapshot(upgraded)
    assert current_revision(upgraded) == head_revision()
    with upgraded.read() as connection:
        assert connection.execute(select(sync_jobs.c.name)).scalar_one() == "Old"
    fresh.dispose()
    upgraded.dispose()


def test_migrations_produce_exactly_the_central_schema(database: Database) -> None:
    with database.read() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_sqlite_is_backed_up_before_migrating(database_url_factory, tmp_path: Path) -> None:
    url = database_url_factory()
    database = Database(url)
    if database.dialect != "sqlite":
        database.dispose()
        pytest.skip("the file backup is SQLite's; PostgreSQL users back up with pg_dump")
    upgrade_database(database, tmp_path / "backups", target="0001")
    result = upgrade_database(database, tmp_path / "backups")
    assert result.backup_path is not None and result.backup_path.exists()
    assert "rev0001" in result.backup_path.name
    backup = Database(f"sqlite:///{result.backup_path}")
    assert current_revision(backup) == "0001"
    backup.dispose()
    database.dispose()


def test_running_migrate_again_changes_nothing(database: Database, tmp_path: Path) -> None:
    result = upgrade_database(database, tmp_path / "backups")
    assert result.from_revision == result.to_revision == head_revision()
    assert result.backup_path is None
    with database.read() as connection:
        assert (
            connection.execute(select(func.count()).select_from(index_constituents)).scalar_one()
            == 50
        )


def test_seed_never_overwrites_refreshed_rows(database: Database, tmp_path: Path) -> None:
    with database.transaction() as connection:
        connection.execute(
            market_holidays.update()
            .where(market_holidays.c.holiday_date == date(2026, 1, 26))
            .values(description="Republic Day (from Upstox)", source="upstox")
        )
    upgrade_database(database, tmp_path / "backups")
    with database.read() as connection:
        row = connection.execute(
            select(market_holidays).where(market_holidays.c.holiday_date == date(2026, 1, 26))
        ).one()
    assert (row.description, row.source) == ("Republic Day (from Upstox)", "upstox")


def test_bundled_nifty50_matches_the_published_file(database: Database) -> None:
    with database.read() as connection:
        rows = connection.execute(
            select(index_constituents).where(index_constituents.c.index_name == "NIFTY 50")
        ).all()
    by_symbol = {row.symbol: row for row in rows}
    assert len(rows) == 50
    assert by_symbol["RELIANCE"].isin == "INE002A01018"
    assert by_symbol["M&M"].company_name == "Mahindra & Mahindra Ltd."
    industries = [row.industry for row in rows]
    assert industries.count("Financial Services") == 11
    assert industries.count("Information Technology") == 5


def test_a_fresh_install_has_the_bundled_nifty50_in_the_index_membership(
    database: Database,
) -> None:
    from scripts.db.schema import nse_index_membership, nse_index_metadata

    with database.read() as connection:
        count = connection.execute(
            select(func.count())
            .select_from(nse_index_membership)
            .where(nse_index_membership.c.index_name == "NIFTY 50")
        ).scalar_one()
        meta = connection.execute(
            select(nse_index_metadata).where(nse_index_metadata.c.index_name == "NIFTY 50")
        ).one()
    assert count == 50
    assert (meta.found_count, meta.last_status, meta.as_of) == (50, "bundled", date(2026, 9, 18))


def test_upgrading_from_0006_moves_the_stored_constituents_into_the_membership(
    database_url_factory, tmp_path: Path
) -> None:
    from scripts.db.schema import nse_index_membership, nse_indices

    database = Database(database_url_factory())
    upgrade_database(database, tmp_path / "b", target="0006")
    with database.transaction() as connection:
        connection.execute(
            nse_indices.insert().values(
                index_name="NIFTY 50", category="broad", constituents_file="ind_nifty50list.csv"
            )
        )
        connection.execute(
            index_constituents.insert().values(
                index_name="NIFTY 50",
                symbol="OLDCO",
                company_name="Old Co Ltd.",
                industry="Services",
                series="EQ",
                isin="INE000A01019",
                as_of=date(2026, 1, 2),
                source="nse",
            )
        )
    upgrade_database(database, tmp_path / "b")
    with database.read() as connection:
        row = connection.execute(
            select(nse_index_membership).where(nse_index_membership.c.symbol == "OLDCO")
        ).one()
    assert (row.first_seen, row.last_seen, row.source) == (date(2026, 1, 2),) * 2 + ("nse",)
    database.dispose()
