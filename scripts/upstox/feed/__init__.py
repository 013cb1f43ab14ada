"""feed of upstox."""
