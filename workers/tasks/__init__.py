"""Task modules, imported by the worker; each task has an explicit name."""

from workers.tasks import certificates, health

__all__ = ["certificates", "health"]
