"""Helpers shared by the tests: factories and real processes."""
