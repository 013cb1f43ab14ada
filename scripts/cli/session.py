"""``./authenticate.sh status|logout``: show or end the stored Upstox session."""

from __future__ import annotations

import sys

from scripts.config.settings import settings_for_command
from scripts.db import Database
from scripts.services.container import build_services


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    settings = settings_for_command()
    database = Database(settings.database_url)
    try:
        broker = build_services(settings, database).broker
        if command == "logout":
            result = broker.logout()
            print(f"Logged out ({result['detail']}).")
            return 0
        state = broker.status()
    finally:
        database.dispose()
    if state["state"] == "none":
        print(f"Not logged in ({state['mode_label']}). Run ./authenticate.sh to log in.")
        return 1
    print(
        f"{state['mode_label']} session of {state['user_name'] or state['user_id']}: "
        f"{state['state']}, valid until {state['expires_at_ist']}"
        + (f" ({state['reason']})" if state["reason"] and state["state"] != "active" else "")
    )
    return 0 if state["logged_in"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
