"""Task modules, imported by the worker; each task has an explicit name."""

from workers.tasks import health

__all__ = ["health"]
