"""Alembic migrations for the cramplog diary; installed as the package cramplog.migrations."""
