"""gevent's WSGI connection handler with a smaller read buffer for a web node's sockets.

gevent.pywsgi gives every connection an 8 KB buffered reader for the request line and
headers, and a WebSocket keeps its connection, so the buffer lives as long as the attendee
stays: 5,000 attendees hold 40 MB of it (tracemalloc, docs/BENCHMARKS.md "Memory"). After
the upgrade simple-websocket reads the socket itself. 512 bytes take a browser's request
headers (~0.5–1.5 KB with cookies) in one to three reads, once per connection; bodies larger
than the buffer bypass it. From 2 KB to 512 B saved 7.5 MB per 5,000 attendees.
"""

from __future__ import annotations

from gevent.pywsgi import WSGIHandler

READ_BUFFER_BYTES = 512


class LeanWSGIHandler(WSGIHandler):
    def __init__(self, sock, address, server, *args):
        super().__init__(sock, address, server, *args)
        self.rfile = sock.makefile("rb", READ_BUFFER_BYTES)
