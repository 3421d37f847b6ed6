"""The Lua scripts behind presence: each join, leave, refresh or expiry is one atomic call.

Keys (built by `keys.py`, the same names in Python and here):
  {p}node:{node}        HASH "<session>|<sid>" -> person: the connections a web node holds
  {p}nodes              ZSET node -> last heartbeat (ms, from the caller's clock)
  {p}s:{s}:online       HASH person -> open connections in the session (HLEN = online now)
  {p}s:{s}:people       HASH m:<p> minutes, l:<p> last minute counted, f:<p> first seen ms,
                        s:<p> last seen ms
  {p}s:{s}:uniq         SET people ever online in the session (exact; 3,000 fit easily)
  {p}s:{s}:stat         HASH peak, peak_at (ms)
  {p}s:{s}:series       HASH epoch minute -> highest online count seen in that minute
  {p}active             SET sessions with presence data not yet retired by the flush

Minutes are counted per person, never per connection: `l:<p>` is the last minute already
counted, so a second tab, a reconnect or a repeated refresh in the same minute adds nothing,
and a person seen online at minute m after minute l while continuously online gets m - l.
"""

from __future__ import annotations

HELPERS = r"""
local function touch(people, p, now, minute, was_online)
  local got = redis.call('HMGET', people, 'l:' .. p, 's:' .. p)
  local last = tonumber(got[1] or '-1')
  local seen = tonumber(got[2] or '0')
  if not got[2] then redis.call('HSET', people, 'f:' .. p, now) end
  local seen_now = now
  if seen > tonumber(now) then seen_now = got[2] end
  if minute > last then
    local add = 1
    if was_online and last >= 0 then add = minute - last end
    redis.call('HINCRBY', people, 'm:' .. p, add)
    redis.call('HSET', people, 'l:' .. p, minute, 's:' .. p, seen_now)
  else
    redis.call('HSET', people, 's:' .. p, seen_now)
  end
end

-- Peak and the per-minute series. `seen` is the highest count during this change, `after` the
-- count it leaves; minutes in which nothing happened (no join, leave or refresh) are filled
-- with the count that held through them (at most a day, and only after a silence).
local function bump(stat, series, seen, after, now, minute)
  local got = redis.call('HMGET', stat, 'peak', 'lm', 'lo')
  if seen > tonumber(got[1] or '0') then
    redis.call('HSET', stat, 'peak', seen, 'peak_at', now)
  end
  local lm = tonumber(got[2] or '-1')
  local lo = tonumber(got[3] or '0')
  if lm >= 0 and lo > 0 and minute > lm + 1 then
    for m = math.max(lm + 1, minute - 1440), minute - 1 do
      if lo > tonumber(redis.call('HGET', series, m) or '0') then
        redis.call('HSET', series, m, lo)
      end
    end
  end
  local cur = redis.call('HGET', series, minute)
  if seen > tonumber(cur or '0') then redis.call('HSET', series, minute, seen) end
  if minute >= lm then redis.call('HSET', stat, 'lm', minute, 'lo', after) end
end

local function arrive(online, people, uniq, p, now, minute)
  local conns = redis.call('HINCRBY', online, p, 1)
  if conns == 1 then
    touch(people, p, now, minute, false)
    redis.call('SADD', uniq, p)
  else
    touch(people, p, now, minute, true)
  end
end

local function depart(online, people, stat, series, p, now, minute)
  local before = redis.call('HLEN', online)
  touch(people, p, now, minute, true)
  if redis.call('HINCRBY', online, p, -1) <= 0 then redis.call('HDEL', online, p) end
  bump(stat, series, before, redis.call('HLEN', online), now, minute)
end

local function figures(online, uniq, stat)
  local got = redis.call('HMGET', stat, 'peak', 'peak_at')
  return {redis.call('HLEN', online), got[1] or '0', got[2] or '', redis.call('SCARD', uniq)}
end
"""

# KEYS: node conns, nodes, online, people, uniq, stat, series, active
# ARGV: node, "<session>|<sid>", person, now ms, minute, session id
ENTER = (
    HELPERS
    + r"""
local minute = tonumber(ARGV[5])
if redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]) == 1 then
  arrive(KEYS[3], KEYS[4], KEYS[5], ARGV[3], ARGV[4], minute)
  local online = redis.call('HLEN', KEYS[3])
  bump(KEYS[6], KEYS[7], online, online, ARGV[4], minute)
  redis.call('SADD', KEYS[8], ARGV[6])
end
redis.call('ZADD', KEYS[2], 'GT', ARGV[4], ARGV[1])
return figures(KEYS[3], KEYS[5], KEYS[6])
"""
)

# KEYS: node conns, online, people, uniq, stat, series
# ARGV: "<session>|<sid>", now ms, minute
LEAVE = (
    HELPERS
    + r"""
local p = redis.call('HGET', KEYS[1], ARGV[1])
if p then
  redis.call('HDEL', KEYS[1], ARGV[1])
  depart(KEYS[2], KEYS[3], KEYS[5], KEYS[6], p, ARGV[2], tonumber(ARGV[3]))
end
return figures(KEYS[2], KEYS[4], KEYS[5])
"""
)

# One session's connections on one node, refreshed. A connection Redis does not know (a
# flush, a restart, or the node declared dead during a stall) is restored as a fresh arrival.
# KEYS: node conns, online, people, uniq, stat, series, active
# ARGV: session id, now ms, minute, then sid, person pairs
REFRESH = (
    HELPERS
    + r"""
local minute = tonumber(ARGV[3])
local restored = false
for i = 4, #ARGV, 2 do
  local p = ARGV[i + 1]
  if redis.call('HSETNX', KEYS[1], ARGV[1] .. '|' .. ARGV[i], p) == 1 then
    arrive(KEYS[2], KEYS[3], KEYS[4], p, ARGV[2], minute)
    restored = true
  else
    touch(KEYS[3], p, ARGV[2], minute, true)
  end
end
local online = redis.call('HLEN', KEYS[2])
bump(KEYS[5], KEYS[6], online, online, ARGV[2], minute)
if restored then redis.call('SADD', KEYS[7], ARGV[1]) end
return 0
"""
)

# Drops the connections of nodes whose heartbeat is older than the stale bound, as if each
# had left at the node's last heartbeat. At most ARGV[4] connections per call (HSCAN in
# steps), so that a node that held thousands never blocks Redis for long: the caller calls
# again while dead nodes remain. Session keys are built here from the prefix, so this script
# is for a single Redis (not a cluster), which is what Plenary runs.
# KEYS: nodes; ARGV: prefix, now ms, stale ms, budget (connections per call)
EXPIRE = (
    HELPERS
    + r"""
local prefix = ARGV[1]
local cutoff = tonumber(ARGV[2]) - tonumber(ARGV[3])
local budget = tonumber(ARGV[4])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. cutoff, 'WITHSCORES',
  'LIMIT', 0, 20)
local dropped = 0
for i = 1, #dead, 2 do
  local node, seen = dead[i], dead[i + 1]
  local minute = math.floor(tonumber(seen) / 60000)
  local key = prefix .. 'node:' .. node
  local cursor = '0'
  repeat
    local page = redis.call('HSCAN', key, cursor, 'COUNT', 200)
    cursor = page[1]
    local conns = page[2]
    for j = 1, #conns, 2 do
      local s = string.match(conns[j], '^([^|]+)|')
      local base = prefix .. 's:' .. s .. ':'
      depart(base .. 'online', base .. 'people', base .. 'stat', base .. 'series',
        conns[j + 1], seen, minute)
      redis.call('HDEL', key, conns[j])
      dropped = dropped + 1
    end
  until cursor == '0' or dropped >= budget
  if redis.call('EXISTS', key) == 0 then redis.call('ZREM', KEYS[1], node) end
  if dropped >= budget then break end
end
return dropped
"""
)

# A broadcast gate on the caller's clock: true at most once per interval per session.
# KEYS: gate; ARGV: now ms, interval ms
THROTTLE = r"""
local next_at = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
if now < next_at then return 0 end
redis.call('SET', KEYS[1], string.format('%d', now + tonumber(ARGV[2])), 'PX', 60000)
return 1
"""

# The dashboard's live read of many sessions in one call and one reply (parsing one array
# costs the client far less than parsing three replies per session).
# KEYS: online, uniq, stat of each session in turn. Returns online, unique, peak, peak_at each.
READ = r"""
local out = {}
for i = 1, #KEYS, 3 do
  local got = redis.call('HMGET', KEYS[i + 2], 'peak', 'peak_at')
  out[#out + 1] = redis.call('HLEN', KEYS[i])
  out[#out + 1] = redis.call('SCARD', KEYS[i + 1])
  out[#out + 1] = got[1] or false
  out[#out + 1] = got[2] or false
end
return out
"""
