"""The database layer: the only code that opens connections and owns the schema."""

from scripts.db.engine import Database

__all__ = ["Database"]
