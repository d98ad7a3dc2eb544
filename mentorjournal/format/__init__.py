"""Journal files as data: pure functions from a path and bytes to records (no git)."""
