/* The moderator console: question queue, chat moderation and polls over Socket.IO.
 *
 * Questions are kept by id from the join snapshot (moderators get every status), then
 * updated by qa:pending (moderators only), qa:question and qa:updated. Keyboard: j/k move,
 * a approve, d dismiss, p pin/unpin, r answered, o reopen. Text is set with textContent only.
 */
(function () {
  "use strict";

  var root = document.getElementById("console");
  if (!root || typeof io !== "function") { return; }
  var sessionId = Number(root.dataset.sessionId);
  var queue = document.getElementById("queue");
  var statusLine = document.getElementById("console-status");
  var chatList = document.getElementById("chat-list");
  var pollList = document.getElementById("polls");
  var questions = {};
  var polls = {};
  var order = [];
  var current = null;
  var RANK = { pending: 0, visible: 1, answered: 2, dismissed: 3 };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function say(text) { statusLine.textContent = text; }

  function act(questionId, action) {
    socket.emit("qa:moderate", { session_id: sessionId, question_id: questionId, action: action }, function (ack) {
      if (ack && ack.ok) { upsert(ack.question); say(""); } else { say(ack && ack.error ? ack.error.message : "Failed"); }
    });
  }

  function button(label, key, onClick) {
    var b = el("button", "", label);
    b.type = "button";
    b.title = "Shortcut: " + key;
    b.addEventListener("click", onClick);
    return b;
  }

  function upsert(q) { if (q) { questions[q.id] = q; render(); } }

  function render() {
    var all = Object.keys(questions).map(function (id) { return questions[id]; });
    all.sort(function (a, b) {
      if (RANK[a.status] !== RANK[b.status]) { return RANK[a.status] - RANK[b.status]; }
      if (a.pinned !== b.pinned) { return a.pinned ? -1 : 1; }
      if (a.votes !== b.votes) { return b.votes - a.votes; }
      return a.asked_at < b.asked_at ? -1 : 1;
    });
    var counts = { pending: 0, visible: 0, answered: 0, dismissed: 0 };
    all.forEach(function (q) { counts[q.status] += 1; });
    document.getElementById("count-pending").textContent = String(counts.pending);
    document.getElementById("count-visible").textContent = String(counts.visible);
    document.getElementById("count-answered").textContent = String(counts.answered);
    order = all.map(function (q) { return q.id; });
    if (current === null || order.indexOf(current) < 0) { current = order.length ? order[0] : null; }
    queue.textContent = "";
    all.forEach(function (q) {
      var item = el("li", q.status + (q.id === current ? " current" : ""));
      item.dataset.questionId = String(q.id);
      var text = el("div");
      text.appendChild(el("p", "body", q.body));
      text.appendChild(el("p", "meta muted", (q.author ? q.author.name : "Anonymous") + " · ▲ " + q.votes +
        (q.pinned ? " · pinned" : "")));
      var actions = el("div", "actions");
      actions.appendChild(el("span", "status", q.status));
      if (q.status === "pending") {
        actions.appendChild(button("Approve", "a", function () { act(q.id, "approve"); }));
      }
      if (q.status === "visible") {
        actions.appendChild(button("Answered", "r", function () { act(q.id, "answer"); }));
      }
      if (q.status === "visible" || q.status === "answered") {
        actions.appendChild(button(q.pinned ? "Unpin" : "Pin", "p", function () { act(q.id, q.pinned ? "unpin" : "pin"); }));
      }
      if (q.status === "answered" || q.status === "dismissed") {
        actions.appendChild(button("Reopen", "o", function () { act(q.id, "reopen"); }));
      }
      if (q.status !== "dismissed") {
        actions.appendChild(button("Dismiss", "d", function () { act(q.id, "dismiss"); }));
      }
      item.addEventListener("click", function () { current = q.id; render(); });
      item.appendChild(text);
      item.appendChild(actions);
      queue.appendChild(item);
    });
  }

  document.addEventListener("keydown", function (event) {
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var index = order.indexOf(current);
    var q = current !== null ? questions[current] : null;
    if (event.key === "j" && index < order.length - 1) { current = order[index + 1]; render(); }
    else if (event.key === "k" && index > 0) { current = order[index - 1]; render(); }
    else if (!q) { return; }
    else if (event.key === "a" && q.status === "pending") { act(q.id, "approve"); }
    else if (event.key === "d" && q.status !== "dismissed") { act(q.id, "dismiss"); }
    else if (event.key === "p" && (q.status === "visible" || q.status === "answered")) { act(q.id, q.pinned ? "unpin" : "pin"); }
    else if (event.key === "r" && q.status === "visible") { act(q.id, "answer"); }
    else if (event.key === "o" && (q.status === "answered" || q.status === "dismissed")) { act(q.id, "reopen"); }
    else { return; }
    event.preventDefault();
  });

  /* Chat moderation: delete a message, mute its author for 10 minutes. */
  function showMessage(m) {
    if (chatList.querySelector('li[data-message-id="' + m.id + '"]')) { return; }
    var item = el("li");
    item.dataset.messageId = String(m.id);
    var text = el("div");
    text.appendChild(el("p", "meta muted", m.author.name + " · " + (m.author.city || "")));
    text.appendChild(el("p", "body", m.body));
    var actions = el("div", "actions");
    actions.appendChild(button("Delete", "-", function () {
      socket.emit("chat:delete", { session_id: sessionId, message_id: m.id }, function (ack) { if (!ack.ok) { say(ack.error.message); } });
    }));
    actions.appendChild(button("Mute 10 min", "-", function () {
      socket.emit("chat:mute", { session_id: sessionId, user_id: m.author.id, minutes: 10 }, function (ack) {
        say(ack.ok ? m.author.name + " is muted until " + ack.until : ack.error.message);
      });
    }));
    item.appendChild(text);
    item.appendChild(actions);
    chatList.appendChild(item);
    chatList.scrollTop = chatList.scrollHeight;
  }

  /* Polls: create (draft), open, close; results live. */
  function upsertPoll(p) { polls[p.id] = Object.assign(polls[p.id] || {}, p); renderPolls(); }

  function renderPolls() {
    pollList.textContent = "";
    Object.keys(polls).map(function (id) { return polls[id]; }).sort(function (a, b) { return b.id - a.id; }).forEach(function (p) {
      var item = el("li");
      item.appendChild(el("strong", "", p.prompt));
      var meta = el("p", "meta muted", (p.kind === "single" ? "single choice" : "multiple choice") + " · " +
        p.status + " · " + p.results.voters + " voted ");
      if (p.status !== "closed") {
        var next = p.status === "draft" ? "open" : "close";
        meta.appendChild(button(next === "open" ? "Open" : "Close", "-", function () {
          socket.emit("poll:set", { session_id: sessionId, poll_id: p.id, action: next }, function (ack) {
            if (ack.ok) { upsertPoll(ack.poll); } else { say(ack.error.message); }
          });
        }));
      }
      item.appendChild(meta);
      var most = Math.max.apply(null, p.results.counts.concat([1]));
      p.options.forEach(function (o, i) {
        var row = el("div", "option");
        row.appendChild(el("span", "", o.label));
        var bar = el("div", "bar");
        bar.style.width = (100 * p.results.counts[i] / most) + "%";
        row.appendChild(bar);
        row.appendChild(el("span", "", String(p.results.counts[i])));
        item.appendChild(row);
      });
      pollList.appendChild(item);
    });
  }

  document.getElementById("poll-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var options = document.getElementById("poll-options").value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
    socket.emit("poll:create", { session_id: sessionId, prompt: document.getElementById("poll-prompt").value,
      kind: document.getElementById("poll-kind").value, options: options }, function (ack) {
      if (ack.ok) { upsertPoll(ack.poll); event.target.reset(); say(""); } else { say(ack.error.message); }
    });
  });

  var socket = io({ transports: ["websocket", "polling"], withCredentials: true });
  socket.on("connect", function () {
    socket.emit("session:join", { session_id: sessionId }, function (ack) {
      if (!ack || !ack.ok) { say(ack && ack.error ? ack.error.message : "Could not join"); return; }
      questions = {};
      ack.questions.forEach(function (q) { questions[q.id] = q; });
      chatList.textContent = "";
      ack.chat.forEach(showMessage);
      document.getElementById("online-count").textContent = String(ack.attendance.online);
      render();
      say("");
      fetch("/api/v1/sessions/" + sessionId + "/polls", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { polls: [] }; })
        .then(function (body) { body.polls.forEach(upsertPoll); });
    });
  });
  socket.on("disconnect", function () { say("Reconnecting…"); });
  var handlers = {
    "qa:pending": function (p) { upsert(p.question); },
    "qa:question": function (p) { upsert(p.question); },
    "qa:updated": function (p) { upsert(p.question); },
    "chat:message": function (p) { showMessage(p.message); },
    "chat:deleted": function (p) {
      var item = chatList.querySelector('li[data-message-id="' + p.message_id + '"]');
      if (item) { item.remove(); }
    },
    "poll:draft": function (p) { upsertPoll(p.poll); },
    "poll:opened": function (p) { upsertPoll(p.poll); },
    "poll:closed": function (p) { upsertPoll(p.poll); },
    "poll:results": function (p) { if (polls[p.poll_id]) { upsertPoll({ id: p.poll_id, results: p }); } },
    "attendance": function (p) { document.getElementById("online-count").textContent = String(p.online); }
  };
  function apply(event, payload) {
    if (payload && payload.session_id === sessionId && handlers[event]) { handlers[event](payload); }
  }
  Object.keys(handlers).forEach(function (event) { socket.on(event, function (p) { apply(event, p); }); });
  socket.on("room:batch", function (batch) { batch.events.forEach(function (pair) { apply(pair[0], pair[1]); }); });
})();
