// N: the fast peer. Node socket.io 4 speaking the same chat events as the bare server B.
//
//   node bench/baselines/node/server.js --port 5200
//
// (`npm install` in this folder first; bench/fanout.py does it when node_modules is missing.)
// connect with any auth token; `session:join` {session_id} joins the room; `chat:send`
// {session_id, body, client_id} broadcasts `chat:message` {seq, session_id, message} to the
// room and acks {ok, message}. Same options as Plenary where socket.io has them:
// maxHttpBufferSize 64 KB, ping 20 s / 20 s; perMessageDeflate stays at socket.io's default (off).
"use strict";

const http = require("http");
const { Server } = require("socket.io");

const args = process.argv.slice(2);
const port = Number(args[args.indexOf("--port") + 1]);
const host = args.includes("--host") ? args[args.indexOf("--host") + 1] : "127.0.0.1";
const author = { id: 1, name: "Bench Sender", city: "Gwangju", country: "KR" };

const httpServer = http.createServer();
const io = new Server(httpServer, {
  cors: { origin: "*" },
  maxHttpBufferSize: 64 * 1024,
  pingInterval: 20000,
  pingTimeout: 20000,
});

const seqs = new Map();
let nextId = 1;

io.use((socket, next) => {
  const auth = socket.handshake.auth || {};
  if (auth.token) next();
  else next(new Error("unauthenticated"));
});

io.on("connection", (socket) => {
  socket.on("session:join", (data, ack) => {
    const sessionId = Number(data.session_id);
    socket.join(String(sessionId));
    if (typeof ack === "function") ack({ ok: true, seq: 0, chat: [], questions: [], missed: [] });
  });
  socket.on("chat:send", (data, ack) => {
    const sessionId = Number(data.session_id);
    const seq = (seqs.get(sessionId) || 0) + 1;
    seqs.set(sessionId, seq);
    const message = { id: nextId++, author, body: String(data.body), sent_at: new Date().toISOString() };
    io.to(String(sessionId)).emit("chat:message", { seq, session_id: sessionId, message });
    if (typeof ack === "function") ack({ ok: true, message });
  });
});

httpServer.listen(port, host, () => console.log(`node socket.io server on ${host}:${port}`));
