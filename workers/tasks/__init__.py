"""Task modules, imported by the worker; each task has an explicit name."""

from workers.tasks import health, mail, registrations

__all__ = ["health", "mail", "registrations"]
