"""poll:create, poll:set (open/close), poll:vote."""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO

from plenary.extensions import db, redis_store
from plenary.identity import clock
from plenary.live.adapter import event_handler, later_in_app
from plenary.live.qa_schemas import PollAction, PollCreate, PollVote
from plenary.rooms import polls


@event_handler(PollCreate)
def on_create(person_id: int, payload: PollCreate) -> dict[str, Any]:
    poll = polls.create_poll(db.session(), person_id=person_id, session_id=payload.session_id,
                             prompt=payload.prompt, kind=payload.kind, options=payload.options,
                             now=clock().now())  # fmt: skip
    return {"poll": poll}


@event_handler(PollAction)
def on_set(person_id: int, payload: PollAction) -> dict[str, Any]:
    poll = polls.set_status(redis_store.client, db.session(), person_id=person_id,
                            session_id=payload.session_id, poll_id=payload.poll_id,
                            action=payload.action, now=clock().now())  # fmt: skip
    return {"poll": poll}


@event_handler(PollVote)
def on_vote(person_id: int, payload: PollVote) -> dict[str, Any]:
    result = polls.vote(db.session(), person_id=person_id, session_id=payload.session_id,
                        poll_id=payload.poll_id, option_ids=payload.option_ids,
                        now=clock().now())  # fmt: skip
    polls.announce_results(
        redis_store.client,
        payload.poll_id,
        later_in_app(lambda: polls.publish_results(db.session(), payload.poll_id)),
    )
    return result


def register(socketio: SocketIO) -> None:
    socketio.on_event("poll:create", on_create)
    socketio.on_event("poll:set", on_set)
    socketio.on_event("poll:vote", on_vote)
