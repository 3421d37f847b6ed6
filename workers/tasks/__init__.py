"""Task modules, imported by the worker; each task has an explicit name."""

from workers.tasks import attendance, health

__all__ = ["attendance", "health"]
