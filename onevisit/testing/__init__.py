"""Shared test support: factories that build records through the real services."""
