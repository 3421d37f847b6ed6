/* The room page: stream language switch, chat and live count over Socket.IO.
 *
 * Every room event carries the session's seq. The page keeps `lastSeq`, the highest seq up
 * to which it has everything, and rejoins with it after any reconnect (since_seq), so the
 * server replays what was missed; events seen twice are dropped by seq. Message text is
 * only ever set with textContent: chat is plain text, never HTML.
 */
(function () {
  "use strict";

  var root = document.getElementById("room");
  if (!root || typeof io !== "function") { return; }
  var sessionId = Number(root.dataset.sessionId);
  var streams = JSON.parse(root.dataset.streams || "{}");
  var list = document.getElementById("chat-list");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-body");
  var statusLine = document.getElementById("chat-status");
  var onlineCount = document.getElementById("online-count");

  var lastSeq = null;      // everything up to here is applied (or in the snapshot)
  var seen = {};           // seq -> true, for events above lastSeq already applied
  var myId = null;
  var gapTimer = null;
  var early = [];          // events that came before the first join's snapshot

  /* Stream: one iframe, one URL per interpretation language. */
  var frame = document.getElementById("stream");
  Array.prototype.forEach.call(document.querySelectorAll(".lang-switch button"), function (button) {
    button.addEventListener("click", function () {
      var url = streams[button.dataset.lang];
      if (!frame || !url) { return; }
      frame.src = url;
      Array.prototype.forEach.call(document.querySelectorAll(".lang-switch button"), function (b) {
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
    });
  });

  function setStatus(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("error", Boolean(isError));
  }

  function messageItem(message) {
    var item = document.createElement("li");
    item.dataset.messageId = String(message.id);
    item.dataset.seq = String(message.seq);
    if (message.author && message.author.id === myId) { item.classList.add("mine"); }
    var author = document.createElement("span");
    author.className = "author";
    author.textContent = message.author ? message.author.name : "";
    var where = document.createElement("span");
    where.className = "where";
    if (message.author && (message.author.city || message.author.country)) {
      where.textContent = [message.author.city, message.author.country].filter(Boolean).join(", ");
    }
    var body = document.createElement("div");
    body.className = "body";
    body.textContent = message.body;
    item.appendChild(author);
    item.appendChild(where);
    item.appendChild(body);
    if (message.deleted) { markDeleted(item); }
    return item;
  }

  function markDeleted(item) {
    item.classList.add("deleted");
    item.querySelector(".body").textContent = "Message removed by a moderator";
  }

  function showMessage(message) {
    if (list.querySelector('li[data-message-id="' + message.id + '"]')) { return; }
    var item = messageItem(message);
    var stick = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    // Keep seq order even when events arrive out of order (handlers run concurrently).
    var after = null;
    Array.prototype.some.call(list.children, function (child) {
      if (Number(child.dataset.seq) > message.seq) { after = child; return true; }
      return false;
    });
    list.insertBefore(item, after);
    if (stick) { list.scrollTop = list.scrollHeight; }
  }

  var handlers = {
    "chat:message": function (p) { showMessage(p.message); },
    "chat:deleted": function (p) {
      var item = list.querySelector('li[data-message-id="' + p.message_id + '"]');
      if (item) { markDeleted(item); }
    },
    "attendance": function (p) { if (p.session_id === sessionId) { onlineCount.textContent = String(p.online); } },
    "qa:question": function (p) { upsertQuestion(p.question); },
    "qa:updated": function (p) { upsertQuestion(p.question); },
    "poll:opened": function (p) { upsertPoll(p.poll); },
    "poll:closed": function (p) { upsertPoll(p.poll); },
    "poll:results": function (p) { if (polls[p.poll_id]) { polls[p.poll_id].results = p; renderPolls(); } }
  };

  /* Polls: open ones take a vote (changeable while open); closed ones show final results. */
  var polls = {};
  var myChoices = {};
  var pollArea = document.getElementById("polls");

  function upsertPoll(p) { if (p && p.status !== "draft") { polls[p.id] = p; renderPolls(); } }

  function renderPolls() {
    if (!pollArea) { return; }
    pollArea.textContent = "";
    var shown = Object.keys(polls).map(function (id) { return polls[id]; })
      .sort(function (a, b) { return b.id - a.id; }).slice(0, 3);
    pollArea.hidden = shown.length === 0;
    shown.forEach(function (p) {
      var box = document.createElement("section");
      box.className = "poll " + p.status;
      box.dataset.pollId = String(p.id);
      var title = document.createElement("p");
      title.className = "prompt";
      title.textContent = p.prompt + (p.status === "closed" ? " (closed)" : "");
      box.appendChild(title);
      var total = Math.max(1, p.results.counts.reduce(function (a, b) { return a + b; }, 0));
      p.options.forEach(function (o, i) {
        var row = document.createElement("label");
        row.className = "option";
        var pick = document.createElement("input");
        pick.type = p.kind === "single" ? "radio" : "checkbox";
        pick.name = "poll-" + p.id;
        pick.value = String(o.id);
        pick.disabled = p.status !== "open";
        pick.checked = (myChoices[p.id] || []).indexOf(o.id) >= 0;
        var label = document.createElement("span");
        label.textContent = o.label;
        var count = document.createElement("span");
        count.className = "muted";
        count.textContent = Math.round(100 * p.results.counts[i] / total) + "% (" + p.results.counts[i] + ")";
        row.appendChild(pick);
        row.appendChild(label);
        row.appendChild(count);
        box.appendChild(row);
      });
      if (p.status === "open") {
        var send = document.createElement("button");
        send.type = "button";
        send.textContent = myChoices[p.id] ? "Change vote" : "Vote";
        send.addEventListener("click", function () {
          var ids = Array.prototype.map.call(box.querySelectorAll("input:checked"), function (i) { return Number(i.value); });
          if (!ids.length) { return; }
          socket.emit("poll:vote", { session_id: sessionId, poll_id: p.id, option_ids: ids }, function (ack) {
            if (ack && ack.ok) { myChoices[p.id] = ack.option_ids; renderPolls(); }
          });
        });
        box.appendChild(send);
      }
      pollArea.appendChild(box);
    });
  }

  function loadPolls() {
    fetch("/api/v1/sessions/" + sessionId + "/polls", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { polls: [] }; })
      .then(function (body) { body.polls.forEach(upsertPoll); })
      .catch(function () {});
  }

  /* Q&A: questions by id; attendees see visible and answered ones, pinned first. */
  var questions = {};
  var myVotes = {};
  var qaSort = "top";
  var qaList = document.getElementById("qa-list");

  function upsertQuestion(q) { if (q) { questions[q.id] = q; renderQuestions(); } }

  function renderQuestions() {
    if (!qaList) { return; }
    var shown = Object.keys(questions).map(function (id) { return questions[id]; })
      .filter(function (q) { return q.status === "visible" || q.status === "answered"; });
    shown.sort(function (a, b) {
      if (a.pinned !== b.pinned) { return a.pinned ? -1 : 1; }
      if ((a.status === "answered") !== (b.status === "answered")) { return a.status === "answered" ? 1 : -1; }
      if (qaSort === "top" && a.votes !== b.votes) { return b.votes - a.votes; }
      return qaSort === "top" ? (a.asked_at < b.asked_at ? -1 : 1) : (a.asked_at < b.asked_at ? 1 : -1);
    });
    qaList.textContent = "";
    shown.forEach(function (q) {
      var item = document.createElement("li");
      item.className = "question" + (q.pinned ? " pinned" : "") + (q.status === "answered" ? " answered" : "");
      item.dataset.questionId = String(q.id);
      var vote = document.createElement("button");
      vote.type = "button";
      vote.className = "vote";
      vote.setAttribute("aria-pressed", myVotes[q.id] ? "true" : "false");
      vote.disabled = q.status !== "visible";
      vote.textContent = "▲ " + q.votes;
      vote.title = myVotes[q.id] ? "Withdraw your vote" : "Vote for this question";
      vote.addEventListener("click", function () { castVote(q.id, !myVotes[q.id]); });
      var body = document.createElement("p");
      body.className = "body";
      body.textContent = q.body;
      var meta = document.createElement("p");
      meta.className = "meta muted";
      meta.textContent = (q.author ? q.author.name : "Anonymous") +
        (q.pinned ? " · pinned" : "") + (q.status === "answered" ? " · answered" : "");
      item.appendChild(vote);
      item.appendChild(body);
      item.appendChild(meta);
      qaList.appendChild(item);
    });
  }

  function castVote(questionId, up) {
    socket.emit("qa:vote", { session_id: sessionId, question_id: questionId, up: up }, function (ack) {
      if (ack && ack.ok) {
        myVotes[questionId] = up;
        if (questions[questionId]) { questions[questionId].votes = ack.votes; }
        renderQuestions();
      } else if (ack && ack.error && ack.error.code === "conflict") {
        myVotes[questionId] = up;
        renderQuestions();
      }
    });
  }

  /* One room event, applied once: duplicates (live + missed overlap) are dropped by seq. */
  function apply(event, payload) {
    if (!payload || payload.session_id !== sessionId) { return; }
    var seq = payload.seq;
    if (lastSeq === null && typeof seq === "number") { early.push([event, payload]); return; }
    if (typeof seq === "number") {
      if (seen[seq]) { return; }
      if (seq <= lastSeq) {
        // Already covered by the snapshot, or a lower seq that committed after a higher one
        // (two writers): the handlers are idempotent by id, so applying again is safe.
        if (handlers[event]) { handlers[event](payload); }
        return;
      }
      seen[seq] = true;
    }
    if (handlers[event]) { handlers[event](payload); }
    if (typeof seq === "number") { advance(); }
  }

  function advance() {
    if (lastSeq === null) { return; }
    while (seen[lastSeq + 1]) { delete seen[lastSeq + 1]; lastSeq += 1; }
    var pending = Object.keys(seen).length > 0;
    if (pending && !gapTimer) {
      // A gap: give the missing event a moment to arrive, then ask the server for it.
      gapTimer = setTimeout(function () { gapTimer = null; if (Object.keys(seen).length) { join(); } }, 2000);
    }
  }

  function onJoin(ack) {
    if (!ack || !ack.ok) {
      setStatus(ack && ack.error ? ack.error.message : "Could not enter the room", true);
      return;
    }
    if (lastSeq === null || ack.resync) {
      list.textContent = "";
      seen = {};
      lastSeq = null;
      ack.chat.forEach(showMessage);
      questions = {};
      (ack.questions || []).forEach(function (q) { questions[q.id] = q; });
      renderQuestions();
      loadPolls();
    } else {
      ack.missed.forEach(function (pair) { apply(pair[0], pair[1]); });
    }
    lastSeq = Math.max(lastSeq === null ? 0 : lastSeq, ack.seq);
    Object.keys(seen).forEach(function (s) { if (Number(s) <= lastSeq) { delete seen[s]; } });
    early.splice(0).forEach(function (pair) { apply(pair[0], pair[1]); });
    handlers.attendance(ack.attendance);
    setStatus(ack.session.chat_enabled && ack.session.status !== "ended" ? "" : "Chat is closed.");
    list.scrollTop = list.scrollHeight;
  }

  function join() {
    var payload = { session_id: sessionId };
    if (lastSeq !== null) { payload.since_seq = lastSeq; }
    socket.emit("session:join", payload, onJoin);
  }

  function clientId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  var socket = io({ transports: ["websocket", "polling"], withCredentials: true });
  socket.on("connect", function () { setStatus(""); join(); });
  socket.on("disconnect", function () { setStatus("Reconnecting…"); });
  socket.on("connect_error", function (err) {
    setStatus(err && err.message === "unauthenticated" ? "Open your join link to chat." : "Reconnecting…", true);
  });
  Object.keys(handlers).forEach(function (event) {
    socket.on(event, function (payload) { apply(event, payload); });
  });
  // Several room events in one frame, in seq order: each handled as if it came alone.
  socket.on("room:batch", function (batch) {
    if (!batch || !Array.isArray(batch.events)) { return; }
    batch.events.forEach(function (pair) { apply(pair[0], pair[1]); });
  });

  fetch("/api/v1/me", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (me) { if (me) { myId = me.user.id; } })
    .catch(function () {});

  function send(body, id, attempt) {
    socket.timeout(5000).emit("chat:send", { session_id: sessionId, body: body, client_id: id }, function (err, ack) {
      if (err) {
        // No answer: send again with the same client_id, which the server stores only once.
        if (attempt < 3) { send(body, id, attempt + 1); } else { setStatus("Not sent: no answer from the server.", true); }
        return;
      }
      if (ack.ok) {
        apply("chat:message", { seq: ack.message.seq, session_id: sessionId, message: ack.message });
        setStatus("");
        return;
      }
      var error = ack.error || {};
      var text = error.message || "Not sent.";
      if (error.code === "rate_limited" && error.retry_after) { text = "Slow down: try again in " + error.retry_after + " s."; }
      input.value = input.value || body;
      setStatus(text, true);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = input.value.trim();
    if (!body) { return; }
    input.value = "";
    send(body, clientId(), 1);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  /* Asking: anonymity is the asker's choice; a moderated session holds the question first. */
  var qaForm = document.getElementById("qa-form");
  var qaStatus = document.getElementById("qa-status");
  if (qaForm) {
    qaForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = document.getElementById("qa-body");
      var body = box.value.trim();
      if (!body) { return; }
      var anonymous = document.getElementById("qa-anonymous").checked;
      socket.emit("qa:ask", { session_id: sessionId, body: body, anonymous: anonymous, client_id: clientId() }, function (ack) {
        if (ack && ack.ok) {
          box.value = "";
          if (ack.question.status === "pending") {
            qaStatus.textContent = "Thanks: your question will appear once a moderator approves it.";
          } else {
            qaStatus.textContent = "";
            upsertQuestion(ack.question);
          }
        } else {
          qaStatus.textContent = ack && ack.error ? ack.error.message : "Could not send the question.";
        }
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".qa-sort button"), function (button) {
      button.addEventListener("click", function () {
        qaSort = button.dataset.sort;
        Array.prototype.forEach.call(document.querySelectorAll(".qa-sort button"), function (b) {
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
        renderQuestions();
      });
    });
  }
})();
