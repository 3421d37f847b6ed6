"""Broadcast frames built once are byte for byte what wsproto would send each recipient."""

import socket
import threading
from types import SimpleNamespace

import pytest
from wsproto import ConnectionType
from wsproto.connection import Connection, ConnectionState
from wsproto.events import TextMessage

from plenary import ws_frames
from plenary.ws_frames import FrameCache, text_frame


def wsproto_frame(text: str) -> bytes:
    return bytes(Connection(ConnectionType.SERVER).send(TextMessage(data=text)))


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_a_text_frame_is_the_one_wsproto_builds(size):
    text = "x" * size
    assert text_frame(text) == wsproto_frame(text)


def test_multibyte_text_is_framed_by_its_utf8_length():
    text = '42["chat:message",{"body":"안녕하세요 👋 مرحبا"}]' * 5
    assert text_frame(text) == wsproto_frame(text)


def test_the_same_text_object_is_framed_once():
    cache = FrameCache(size=4)
    text = "".join(["4", '2["room:batch",{}]'])
    first = cache.frame(text)
    assert cache.frame(text) is first


def test_an_equal_text_of_another_object_gets_its_own_correct_frame():
    cache = FrameCache(size=4)
    one, other = "".join(["a", "b"]), "".join(["a", "b"])
    assert cache.frame(one) == cache.frame(other) == text_frame("ab")


def test_old_texts_are_forgotten_beyond_the_size():
    cache = FrameCache(size=2)
    texts = ["".join(["t", str(i)]) for i in range(3)]
    first = cache.frame(texts[0])
    cache.frame(texts[1])
    cache.frame(texts[2])
    again = cache.frame(texts[0])
    assert again == first and again is not first


def test_a_frame_larger_than_the_socket_buffer_arrives_whole():
    left, right = socket.socketpair()
    left.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    left.settimeout(10)  # non-blocking underneath: a send takes what fits and returns
    received = bytearray()
    text = "한" * 200_000

    def drain() -> None:
        while len(received) < len(text_frame(text)):
            received.extend(right.recv(65536))

    reader = threading.Thread(target=drain)
    connection = SimpleNamespace(sock=left, is_server=True, connected=True,
                                 ws=SimpleNamespace(state=ConnectionState.OPEN))  # fmt: skip
    try:
        reader.start()
        ws_frames.send(connection, text)
        reader.join(10)
        assert bytes(received) == wsproto_frame(text)
    finally:
        left.close()
        right.close()
