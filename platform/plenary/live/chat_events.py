"""chat:send, chat:delete, chat:mute."""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO

from plenary.extensions import db, redis_store
from plenary.identity import clock
from plenary.live.adapter import event_handler
from plenary.live.schemas import ChatDelete, ChatMute, ChatSend
from plenary.rooms import chat


@event_handler(ChatSend)
def on_send(person_id: int, payload: ChatSend) -> dict[str, Any]:
    message = chat.send_message(
        redis_store.client,
        db.session(),
        person_id=person_id,
        session_id=payload.session_id,
        body=payload.body,
        client_id=payload.client_id,
        now=clock().now(),
    )
    return {"message": message}


@event_handler(ChatDelete)
def on_delete(person_id: int, payload: ChatDelete) -> dict[str, Any]:
    return chat.delete_message(redis_store.client, db.session(), person_id=person_id,
                               session_id=payload.session_id, message_id=payload.message_id,
                               now=clock().now())  # fmt: skip


@event_handler(ChatMute)
def on_mute(person_id: int, payload: ChatMute) -> dict[str, Any]:
    return chat.mute_person(db.session(), person_id=person_id, session_id=payload.session_id,
                            user_id=payload.user_id, minutes=payload.minutes,
                            now=clock().now())  # fmt: skip


def register(socketio: SocketIO) -> None:
    socketio.on_event("chat:send", on_send)
    socketio.on_event("chat:delete", on_delete)
    socketio.on_event("chat:mute", on_mute)
