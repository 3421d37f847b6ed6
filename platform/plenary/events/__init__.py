"""Events and their schedule: reading them, and how they look on the wire."""
