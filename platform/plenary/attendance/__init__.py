"""Attendance: live presence in Redis, minutes and figures, check-ins, and the SQL record."""
