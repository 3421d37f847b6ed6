"""Task modules, imported by the worker; each task has an explicit name."""

from workers.tasks import attendance, certificates, health, mail, registrations

__all__ = ["attendance", "certificates", "health", "mail", "registrations"]
