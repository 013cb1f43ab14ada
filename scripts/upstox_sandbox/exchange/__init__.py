"""exchange of upstox_sandbox."""
