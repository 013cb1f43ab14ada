"""market of upstox_sandbox."""
