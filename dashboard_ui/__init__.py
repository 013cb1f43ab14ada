"""The NiceGUI dashboard: pages that get every figure from the REST API, never the database."""
