"""Re-encrypt stored Upstox tokens with the newest ENCRYPTION_KEY.

Rotation: put a new key first in ENCRYPTION_KEY (``new,old``), run
``.venv/bin/python -m scripts.cli.rotate_key``, then remove the old key.
"""

from __future__ import annotations

import sys

from scripts.config.modes import TradingMode
from scripts.config.settings import settings_for_command
from scripts.db import Database
from scripts.services.token_vault import TokenVault


def main() -> int:
    settings = settings_for_command()
    database = Database(settings.database_url)
    try:
        # One pass re-encrypts every row, whatever its mode; the mode only scopes reads.
        count = TokenVault(database, settings.encryption_keys, TradingMode.SANDBOX).rotate_keys()
    finally:
        database.dispose()
    print(
        f"Re-encrypted {count} stored token(s) with the newest key. You can now remove the "
        "old key from ENCRYPTION_KEY."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
