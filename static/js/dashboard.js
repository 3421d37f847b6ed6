/* The organizers' live dashboard (/organize/<slug>).
 *
 * Figures arrive through two update functions, whatever carries them: the Socket.IO
 * `attendance` event (after `event:join`) pushes each session's figures as they change, and
 * a poll of the REST endpoints (every 2 s without a socket, every 5 s with one) refreshes
 * the totals and the charts. Exposed as window.PlenaryDashboard.
 */
(function () {
  "use strict";

  var POLL_MS = 2000;
  var POLL_WITH_SOCKET_MS = 5000;
  var socketLive = false;
  var root = document.getElementById("dashboard");
  if (!root) return;
  var slug = root.dataset.event;
  var zone = root.dataset.timezone || "UTC";
  var selected = root.dataset.selected;
  var table = document.getElementById("attendance-table");
  var picker = document.getElementById("series-session");
  var updated = document.getElementById("updated");
  var timeFormat = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit" });
  var clockFormat = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit" });
  var regionNames = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(["en"], { type: "region" }) : null;

  var accent = "#0b6e4f";
  var seriesChart = new Chart(document.getElementById("series-chart"), {
    type: "line",
    data: { labels: [], datasets: [{ label: "online", data: [], borderColor: accent, backgroundColor: "rgba(11,110,79,.12)", fill: true, pointRadius: 0, tension: 0 }] },
    options: {
      animation: false, maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 12, autoSkip: true } } }
    }
  });
  var countryChart = new Chart(document.getElementById("country-chart"), {
    type: "bar",
    data: { labels: [], datasets: [{ label: "participants", data: [], backgroundColor: "#4b3aa8" }] },
    options: {
      indexAxis: "y", animation: false, maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });

  function setCell(row, field, value) {
    var cell = row.querySelector('[data-field="' + field + '"]');
    if (cell && cell.textContent !== String(value)) cell.textContent = String(value);
  }

  /* One session's figures: {session_id, online, peak, peak_at, unique, onsite}. */
  function applySessionFigures(figures) {
    var row = table.querySelector('tr[data-session-id="' + figures.session_id + '"]');
    if (!row) return;
    var before = row.querySelector('[data-field="online"]').textContent;
    setCell(row, "online", figures.online);
    setCell(row, "peak", figures.peak);
    setCell(row, "unique", figures.unique);
    setCell(row, "onsite", figures.onsite);
    var peakCell = row.querySelector('[data-field="peak"]');
    peakCell.title = figures.peak_at ? "at " + timeFormat.format(new Date(figures.peak_at)) : "";
    if (before !== String(figures.online)) {
      row.classList.add("flash");
      setTimeout(function () { row.classList.remove("flash"); }, 800);
    }
  }

  function countryLabel(code) {
    try { return regionNames ? regionNames.of(code) : code; } catch (e) { return code; }
  }

  /* The event's figures: {sessions: [...], totals: {...}, by_country: [...]}. */
  function applyEventFigures(data) {
    data.sessions.forEach(applySessionFigures);
    Object.keys(data.totals).forEach(function (name) {
      var el = root.querySelector('[data-total="' + name + '"]');
      if (el) el.textContent = String(data.totals[name]);
    });
    var top = (data.by_country || []).slice(0, 12);
    countryChart.data.labels = top.map(function (c) { return countryLabel(c.country); });
    countryChart.data.datasets[0].data = top.map(function (c) { return c.people; });
    countryChart.update("none");
  }

  /* One session's per-minute series: [{minute, online}]. */
  function applySeries(series) {
    seriesChart.data.labels = series.map(function (p) { return timeFormat.format(new Date(p.minute)); });
    seriesChart.data.datasets[0].data = series.map(function (p) { return p.online; });
    seriesChart.update("none");
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(url + " answered " + response.status);
        return response.json();
      });
  }

  function poll() {
    var requests = [getJSON("/api/v1/events/" + encodeURIComponent(slug) + "/attendance").then(applyEventFigures)];
    if (selected) {
      requests.push(getJSON("/api/v1/sessions/" + encodeURIComponent(selected) + "/attendance")
        .then(function (data) { applySeries(data.series); }));
    }
    Promise.all(requests)
      .then(function () { updated.textContent = "updated " + clockFormat.format(new Date()); })
      .catch(function (error) { updated.textContent = "not updated: " + error.message; })
      .then(function () { setTimeout(poll, socketLive ? POLL_WITH_SOCKET_MS : POLL_MS); });
  }

  picker.addEventListener("change", function () {
    selected = picker.value;
    getJSON("/api/v1/sessions/" + encodeURIComponent(selected) + "/attendance")
      .then(function (data) { applySeries(data.series); });
  });

  window.PlenaryDashboard = { applySessionFigures: applySessionFigures, applyEventFigures: applyEventFigures, applySeries: applySeries };
  function subscribe() {
    if (typeof window.io !== "function") return;
    var socket = window.io({ transports: ["websocket", "polling"], withCredentials: true });
    socket.on("connect", function () {
      socket.emit("event:join", { event: slug }, function (ack) {
        if (ack && ack.ok) {
          socketLive = true;
          applyEventFigures(ack.attendance);
        }
      });
    });
    socket.on("disconnect", function () { socketLive = false; });
    socket.on("attendance", function (figures) {
      applySessionFigures(figures);
      updated.textContent = "updated " + clockFormat.format(new Date());
    });
  }

  subscribe();
  poll();
})();
