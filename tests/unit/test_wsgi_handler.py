"""The web node's WSGI handler keeps a 512-byte read buffer per connection, not gevent's 8 KB."""

import socket
import sys

from gevent.pywsgi import WSGIHandler

from plenary.wsgi_handler import READ_BUFFER_BYTES, LeanWSGIHandler


def _reader_size(handler_class) -> int:
    left, right = socket.socketpair()
    try:
        return sys.getsizeof(handler_class(left, ("127.0.0.1", 0), None).rfile)
    finally:
        left.close()
        right.close()


def test_the_read_buffer_is_smaller_than_gevents_default():
    lean, default = _reader_size(LeanWSGIHandler), _reader_size(WSGIHandler)
    assert default - lean >= 8192 - READ_BUFFER_BYTES
    assert lean < READ_BUFFER_BYTES + 1024


def test_a_request_longer_than_the_buffer_is_still_read_whole():
    left, right = socket.socketpair()
    try:
        handler = LeanWSGIHandler(left, ("127.0.0.1", 0), None)
        line = b"GET /" + b"x" * (3 * READ_BUFFER_BYTES) + b" HTTP/1.1\r\n"
        right.sendall(line)
        assert handler.rfile.readline() == line
    finally:
        left.close()
        right.close()
