"""Attendance: live presence in Redis, minutes and figures, check-ins, and the SQL record.

How the live rooms use it (the socket handlers stay thin):
- `session:join` → `presence.enter(r, node_id=NODE, sid=request.sid, person_id=..,
  session_id=.., now=clock.now())`; the ack's `attendance` is `figures.session_figures(...)`.
- `session:leave` and `disconnect` (for every session room the sid was in) → `presence.leave`.
- one greenlet per web node, every `presence.REFRESH_SECONDS`: `presence.refresh_node(r,
  node_id=NODE, sids=[(sid, person_id, session_id), ...], now=...)`; NODE must be unique per
  process start (e.g. hostname:pid:random), so a restarted node never inherits a dead one's.
- after a change, `if presence.should_broadcast(r, session_id, now)`: emit `attendance` with
  `session_figures(...)` to the session's room and the organizers' event room; the refresh
  greenlet re-broadcasts sessions whose figures changed, so a throttled change still shows.
- the beat runs `plenary.attendance.flush` (Redis → SQL) every 30 s.
"""
