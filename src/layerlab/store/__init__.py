"""The workspace on disk (atomic writes) and the run registry (SQLite)."""
