"""A lean HTTP/1.1 load generator: POST JSON bodies over a few keep-alive connections.

asyncio on raw sockets: `requests` in threads costs about as much CPU per POST as the web
node spends answering it, and on two cores the load generator's CPU is taken from the
system under test. Bodies are encoded before the clock starts.
"""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlsplit


def encode_posts(url: str, bodies: list[dict]) -> list[bytes]:
    parts = urlsplit(url)
    head = f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
    requests = []
    for body in bodies:
        data = json.dumps(body).encode()
        requests.append(
            f"{head}Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode()
            + data
        )
    return requests


async def _connection(host: str, port: int, requests: list[bytes], statuses: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while requests:
            request = requests.pop()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            statuses.append(status)
            if b"connection: close" in head.lower():
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def _post_all(url: str, requests: list[bytes], connections: int) -> list[int]:
    parts = urlsplit(url)
    pending, statuses = list(reversed(requests)), []
    await asyncio.gather(
        *(_connection(parts.hostname, parts.port, pending, statuses) for _ in range(connections))
    )
    return statuses


def post_all(url: str, requests: list[bytes], connections: int) -> tuple[list[int], float]:
    """Sends every request, `connections` at a time; returns the statuses and the seconds."""
    started = time.perf_counter()
    statuses = asyncio.run(_post_all(url, requests, connections))
    return statuses, time.perf_counter() - started
