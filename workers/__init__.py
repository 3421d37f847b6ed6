"""Celery workers: thin tasks that load by id and call a domain service."""
