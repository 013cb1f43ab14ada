"""The database layer: the only package that opens connections and writes SQL."""

from sqlalchemy import Connection

from scripts.db.engine import Database

__all__ = ["Connection", "Database"]
