"""B: the stack's ceiling. Bare Flask-SocketIO on gevent, Plenary's server options, no domain.

    python bench/baselines/bare_server.py --port 5100 [--message-queue redis://127.0.0.1:6379/15]

Speaks the chat part of CONTRACT.md with nothing behind it: connect with any auth token,
`session:join` {session_id} joins the room, `chat:send` {session_id, body, client_id}
broadcasts a `chat:message` {seq, session_id, message} of Plenary's shape to the room and
acks {ok, message}. No storage, no checks, no rate limit: what is left is the stack.

Q&A (scenario 4), in memory: `qa:ask` {session_id, body} stores a visible question and
broadcasts `qa:question`; `qa:vote` {session_id, question_id, up} counts one vote per
connection and broadcasts one `qa:updated` per vote, uncoalesced; `GET
/api/v1/sessions/<id>/questions` lists the counts.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402

AUTHOR = {"id": 1, "name": "Bench Sender", "city": "Gwangju", "country": "KR"}


def build(message_queue: str | None, channel: str) -> tuple[Flask, SocketIO]:
    app = Flask("bare")
    socketio = SocketIO(
        app,
        async_mode="gevent",
        message_queue=message_queue,
        channel=channel,
        cors_allowed_origins="*",
        max_http_buffer_size=64 * 1024,
        manage_session=False,
        ping_interval=20,
        ping_timeout=20,
    )
    seqs: dict[int, itertools.count] = {}
    ids = itertools.count(1)

    @socketio.on("connect")
    def connect(auth):
        return bool(isinstance(auth, dict) and auth.get("token"))

    @socketio.on("session:join")
    def session_join(data):
        session_id = int(data["session_id"])
        join_room(str(session_id))
        return {"ok": True, "seq": 0, "chat": [], "questions": [], "missed": []}

    @socketio.on("chat:send")
    def chat_send(data):
        session_id = int(data["session_id"])
        seq = next(seqs.setdefault(session_id, itertools.count(1)))
        message = {
            "id": next(ids),
            "author": AUTHOR,
            "body": str(data["body"]),
            "sent_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        emit("chat:message", {"seq": seq, "session_id": session_id, "message": message},
             to=str(session_id))  # fmt: skip
        return {"ok": True, "message": message}

    add_qa(app, socketio, seqs, ids)
    return app, socketio


def add_qa(app: Flask, socketio: SocketIO, seqs: dict, ids: itertools.count) -> None:
    questions: dict[int, dict] = {}  # id -> the question as sent
    voters: dict[int, set] = {}  # id -> the connections that voted for it
    session_of: dict[int, int] = {}

    def broadcast(event: str, session_id: int, question: dict) -> None:
        seq = next(seqs.setdefault(session_id, itertools.count(1)))
        emit(event, {"seq": seq, "session_id": session_id, "question": question},
             to=str(session_id))  # fmt: skip

    @socketio.on("qa:ask")
    def qa_ask(data):
        session_id = int(data["session_id"])
        question = {"id": next(ids), "body": str(data["body"]),
                    "author": AUTHOR, "anonymous": False, "status": "visible", "votes": 0,
                    "pinned": False, "asked_at": _now()}  # fmt: skip
        questions[question["id"]] = question
        voters[question["id"]], session_of[question["id"]] = set(), session_id
        broadcast("qa:question", session_id, question)
        return {"ok": True, "question": question}

    @socketio.on("qa:vote")
    def qa_vote(data):
        question = questions.get(int(data["question_id"]))
        if question is None:
            return {"ok": False, "error": {"code": "not_found", "message": "no such question"}}
        mine, sid = voters[question["id"]], request.sid
        if bool(data["up"]) == (sid in mine):
            return {"ok": False, "error": {"code": "conflict", "message": "vote twice"}}
        (mine.add if data["up"] else mine.discard)(sid)
        question["votes"] = len(mine)
        broadcast("qa:updated", session_of[question["id"]], question)
        return {"ok": True, "question_id": question["id"], "votes": question["votes"]}

    @app.get("/api/v1/sessions/<int:session_id>/questions")
    def list_questions(session_id: int):
        return jsonify({"questions": [q for i, q in questions.items()
                                      if session_of[i] == session_id]})  # fmt: skip


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def refuse_deflate(wsgi_app):
    """simple-websocket accepts permessage-deflate whenever the client offers it (15-bit
    windows, no setting to turn it off); it rebuilds the upgrade request from the environ's
    HTTP_* keys, so removing the offer there is how a server declines it."""

    def middleware(environ, start_response):
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)

    return middleware


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--message-queue", default=None, help="redis:// URL (two-node runs)")
    parser.add_argument("--channel", default="bench-socketio")
    parser.add_argument(
        "--refuse-deflate", action="store_true", help="drop the client's permessage-deflate offer"
    )
    args = parser.parse_args()
    app, socketio = build(args.message_queue, args.channel)
    if args.refuse_deflate:
        app.wsgi_app = refuse_deflate(app.wsgi_app)
    print(f"bare server on {args.host}:{args.port}", flush=True)
    socketio.run(app, host=args.host, port=args.port, log_output=False)


if __name__ == "__main__":
    main()
