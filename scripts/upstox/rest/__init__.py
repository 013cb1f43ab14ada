"""rest of upstox."""
