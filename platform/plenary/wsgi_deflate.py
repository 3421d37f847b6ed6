"""Declining permessage-deflate on WebSocket upgrades (docs/DECISIONS.md has the figures).

simple-websocket accepts the compression extension whenever a client offers it (browsers
always do), with no setting to turn it off: per connection that costs ~90–160 KB of zlib
state and about a third of the fan-out throughput, for chat frames of a few hundred bytes.
It rebuilds the upgrade request from the WSGI environ, so removing the offer there is how
the server declines it; the 101 response then carries no Sec-WebSocket-Extensions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]


def decline_permessage_deflate(wsgi_app: WsgiApp) -> WsgiApp:
    """Wraps a WSGI app so that no WebSocket extension offer reaches the upgrade."""

    def middleware(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)

    return middleware
