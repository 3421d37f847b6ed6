"""The demo forum: data and seeding."""
