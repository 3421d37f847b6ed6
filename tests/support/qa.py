"""Small helpers for Q&A and poll socket tests."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.support.sockets import RoomClient


def ask(client: RoomClient, session_id: int, body: str, *, anonymous: bool = False,
        client_id: str | None = None) -> dict:  # fmt: skip
    return client.call("qa:ask", {"session_id": session_id, "body": body, "anonymous": anonymous,
                                  "client_id": client_id or uuid.uuid4().hex})  # fmt: skip


def moderate(client: RoomClient, session_id: int, question_id: int, action: str) -> dict:
    return client.call("qa:moderate", {"session_id": session_id, "question_id": question_id,
                                       "action": action})  # fmt: skip


def vote(client: RoomClient, session_id: int, question_id: int, up: bool = True) -> dict:
    return client.call("qa:vote", {"session_id": session_id, "question_id": question_id,
                                   "up": up})  # fmt: skip


def everything_received(client: RoomClient) -> list:
    """Every event the client received, as [event, payload] pairs."""
    with client.changed:
        return json.loads(json.dumps(client.received))


def leaks(received: Any, person: Any) -> list[str]:
    """Where the person's name, email or id (as an author or person) appears in `received`."""
    found = [
        v for v in (person.name, person.email) if v in json.dumps(received, ensure_ascii=False)
    ]

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                named = key in ("author", "person", "user", "asker") and isinstance(item, dict)
                if named and item.get("id") == person.id:
                    found.append(f"{path}.{key}")
                if key in ("author_id", "person_id", "user_id", "asker_id") and item == person.id:
                    found.append(f"{path}.{key}")
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")

    walk(received, "")
    return found
