"""qa:ask, qa:vote, qa:moderate."""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO

from plenary.extensions import db, redis_store
from plenary.identity import clock
from plenary.live.adapter import event_handler, later_in_app
from plenary.live.qa_schemas import QaAsk, QaModerate, QaVote
from plenary.rooms import questions, votes


@event_handler(QaAsk)
def on_ask(person_id: int, payload: QaAsk) -> dict[str, Any]:
    question = questions.ask(redis_store.client, db.session(), person_id=person_id,
                             session_id=payload.session_id, body=payload.body,
                             anonymous=payload.anonymous, client_id=payload.client_id,
                             now=clock().now())  # fmt: skip
    return {"question": question}


@event_handler(QaVote)
def on_vote(person_id: int, payload: QaVote) -> dict[str, Any]:
    result = votes.vote(db.session(), person_id=person_id, session_id=payload.session_id,
                        question_id=payload.question_id, up=payload.up,
                        now=clock().now())  # fmt: skip
    votes.announce_votes(
        redis_store.client,
        payload.session_id,
        payload.question_id,
        later_in_app(
            lambda: questions.publish_votes(
                redis_store.client, db.session(), payload.session_id, clock().now()
            )
        ),
    )
    return result


@event_handler(QaModerate)
def on_moderate(person_id: int, payload: QaModerate) -> dict[str, Any]:
    question = questions.moderate(redis_store.client, db.session(), person_id=person_id,
                                  session_id=payload.session_id,
                                  question_id=payload.question_id, action=payload.action,
                                  now=clock().now())  # fmt: skip
    return {"question": question}


def register(socketio: SocketIO) -> None:
    socketio.on_event("qa:ask", on_ask)
    socketio.on_event("qa:vote", on_vote)
    socketio.on_event("qa:moderate", on_moderate)
