"""Chat pacing in Redis: a per-person rate limit and the session's slow mode, in one call.

Both are checked and counted in one Lua script (one round trip per message); times come from
the caller's clock, so tests move a clock instead of sleeping.
"""

from __future__ import annotations

import math
from datetime import datetime

import redis

from plenary.errors import RateLimited

RATE_WINDOW_SECONDS = 10
RATE_MAX_MESSAGES = 8  # per person per window, across all rooms (OWASP: ~100/min)

# KEYS: rate counter of this window, slow-mode stamp. ARGV: now, window, max, window end, slow.
# Returns nil when the message may go, else {reason, seconds to wait}.
_GATE = """
local now = tonumber(ARGV[1])
local slow = tonumber(ARGV[5])
if slow > 0 then
  local last = redis.call('GET', KEYS[2])
  if last and now - tonumber(last) < slow then
    return {'slow_mode', tostring(slow - (now - tonumber(last)))}
  end
end
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]) * 2) end
if count > tonumber(ARGV[3]) then return {'rate', tostring(tonumber(ARGV[4]) - now)} end
if slow > 0 then redis.call('SET', KEYS[2], ARGV[1], 'EX', math.ceil(slow) + 1) end
return nil
"""
_scripts: dict[int, object] = {}


def check_chat_pace(
    client: redis.Redis, person_id: int, session_id: int, slow_mode_seconds: int, *, now: datetime
) -> None:
    """Counts one message, or raises RateLimited with `retry_after` (whole seconds)."""
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_GATE)
    stamp = now.timestamp()
    window = int(stamp // RATE_WINDOW_SECONDS)
    keys = [
        f"plenary:rate:chat:{person_id}:{window}",
        f"plenary:room:{session_id}:slow:{person_id}",
    ]
    args = [stamp, RATE_WINDOW_SECONDS, RATE_MAX_MESSAGES,
            (window + 1) * RATE_WINDOW_SECONDS, slow_mode_seconds]  # fmt: skip
    verdict = script(keys=keys, args=args)
    if verdict is None:
        return
    reason, wait = verdict
    retry_after = max(1, math.ceil(float(wait)))
    if reason == "slow_mode":
        message = f"slow mode: one message every {slow_mode_seconds} s"
    else:
        message = f"too many messages: at most {RATE_MAX_MESSAGES} in {RATE_WINDOW_SECONDS} s"
    raise RateLimited(f"{message}; wait {retry_after} s", retry_after=retry_after)
