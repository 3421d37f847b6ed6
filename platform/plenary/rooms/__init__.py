"""Session rooms: chat (and later Q&A) with one `seq` per session, durable in SQL.

No request and no socket here: the live/ and api/ adapters call these functions.
"""
