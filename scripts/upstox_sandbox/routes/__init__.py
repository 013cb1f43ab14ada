"""routes of upstox_sandbox."""
