"""Fixtures of this area (owned by its issue)."""
