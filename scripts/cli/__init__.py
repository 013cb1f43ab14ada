"""Command-line tools behind the shell entry points."""
