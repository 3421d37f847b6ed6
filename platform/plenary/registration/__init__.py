"""Registrations: validated once, stored once per (event, email), processed by a worker."""
