"""Email: an outbox in SQL, rendered from Jinja2 templates, sent once by a Celery task."""
