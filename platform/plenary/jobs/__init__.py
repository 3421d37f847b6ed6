"""Background jobs with progress and a per-item error report, readable by who started them."""
