"""feed of upstox_sandbox."""
