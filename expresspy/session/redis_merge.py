"""RedisStore's merge as one server-side Lua script: read, merge and write in one atomic step.

Optimistic locking (``WATCH``/``MULTI``) starves under load: with hundreds of requests
writing one session, most attempts find the key changed and start again. A script runs
atomically inside Redis, so every merge succeeds at its first attempt, one after another.

The script never re-encodes a stored value. Redis's ``cjson`` would change what it encodes
(``[]`` becomes ``{}``, numbers get 14 digits, ``/`` is escaped, key order is lost), so it is
used only to check that the stored text is a JSON object; the script then splits the object's
top level into member texts and rebuilds it from those and from the patch's own JSON (made
by the store's serializer in Python). The result is byte for byte what
``JSON.dumps(apply_patch(stored, patch))`` gives for a record written by ``JSON.stringify``
or this store: cookie first, stored members in place, new ones appended, metadata in place
or last.
"""

from __future__ import annotations

from .patch import META_KEY, SessionPatch
from .store import Serializer

__all__ = [
    "CORRUPT",
    "CORRUPT_EXPIRY",
    "KEEPS_META",
    "MERGE_SCRIPT",
    "WRITE_SCRIPT",
    "merge_arguments",
]

#: What the script returns when the stored value is not a JSON object.
CORRUPT = -1
#: What it returns when the stored ``cookie.expires`` is a string but not an ISO date.
CORRUPT_EXPIRY = -2

#: What WRITE_SCRIPT returns when the stored record's metadata must be kept (its caller then
#: merges instead): the record written has none, and the stored one has.
KEEPS_META = -3

#: The checks both scripts make of a stored record (``raw``): CORRUPT, CORRUPT_EXPIRY or nil.
_CHECK_STORED = r"""
local function check_stored(raw)
  local ok, decoded = pcall(cjson.decode, raw)
  if not ok or type(decoded) ~= 'table' or not string.find(raw, '^%s*{') then return -1 end
  local cookie = decoded['cookie']
  if type(cookie) == 'table' and type(cookie['expires']) == 'string'
      and not string.find(cookie['expires'], '^%d%d%d%d%-%d%d%-%d%d') then return -2 end
  return nil, decoded
end
"""

#: How both scripts store ``record`` under KEYS[1] with ARGV[2]'s TTL ("" for no expiry).
_STORE = r"""
local function store(record)
  if ARGV[2] == '' then
    redis.call('SET', KEYS[1], record)
  else
    local ttl = tonumber(ARGV[2])
    if ttl > 0 then redis.call('SET', KEYS[1], record, 'EX', ttl)
    else redis.call('DEL', KEYS[1]) end
  end
  return 1
end
"""

#: KEYS[1] the session key. ARGV: flags ("c" may create), the TTL (as MERGE_SCRIPT's), the
#: whole record's JSON (cookie first, metadata last), "m" when it has metadata ("" when not).
#: A merge of the whole record (``SessionPatch.whole``) without taking it apart: returns what
#: MERGE_SCRIPT would, or KEEPS_META when the stored metadata would have to be spliced in.
WRITE_SCRIPT = (
    _CHECK_STORED
    + _STORE
    + r"""
local raw = redis.call('GET', KEYS[1])
if not raw and not string.find(ARGV[1], 'c', 1, true) then return 0 end
if raw then
  local corrupt, decoded = check_stored(raw)
  if corrupt then return corrupt end
  if ARGV[4] == '' and decoded['__META__'] ~= nil then return -3 end
end
return store(ARGV[3])
""".replace("__META__", META_KEY)
)

#: KEYS[1] the session key. ARGV: flags ("c" may create, "r" replaces the data), the TTL in
#: seconds ("" for no expiry; zero or less deletes the key), the cookie's JSON, the metadata's
#: JSON ("" keeps the stored one), the number N of members to set, then N triples (name,
#: name as a JSON string, value's JSON), then the names to remove. Returns 1 when written
#: (or deleted for a TTL <= 0), 0 when the key is missing and the patch may not create it,
#: CORRUPT or CORRUPT_EXPIRY when the stored record is unreadable (nothing is written then).
MERGE_SCRIPT = (
    _CHECK_STORED
    + _STORE
    + r"""
local META = '__META__'
local raw = redis.call('GET', KEYS[1])
local create = string.find(ARGV[1], 'c', 1, true) ~= nil
local replace = string.find(ARGV[1], 'r', 1, true) ~= nil
if not raw and not create then return 0 end

-- The end of the JSON string starting at position i (the index of its closing quote).
local function string_end(s, i)
  local j = i + 1
  while true do
    local k = string.find(s, '["\\]', j)
    if not k then return nil end
    if string.sub(s, k, k) == '"' then return k end
    j = k + 2
  end
end

-- The end of the JSON value starting at position i (valid JSON assumed).
local function value_end(s, i)
  local c = string.sub(s, i, i)
  if c == '"' then return string_end(s, i) end
  if c == '{' or c == '[' then
    local depth, j = 0, i
    while true do
      local k = string.find(s, '[%[%]{}"]', j)
      if not k then return nil end
      local d = string.sub(s, k, k)
      if d == '"' then
        k = string_end(s, k)
        if not k then return nil end
      elseif d == '{' or d == '[' then depth = depth + 1
      else
        depth = depth - 1
        if depth == 0 then return k end
      end
      j = k + 1
    end
  end
  local k = string.find(s, '[,}%]%s]', i)
  return (k or (#s + 1)) - 1
end

local names, texts, index = {}, {}, {}
local function put(name, key, value)
  local at = index[name]
  if at then texts[at] = key .. ':' .. value return end
  names[#names + 1] = name
  texts[#texts + 1] = key .. ':' .. value
  index[name] = #names
end

local stored_meta = nil
if raw then
  local corrupt = check_stored(raw)
  if corrupt then return corrupt end
  local i = string.find(raw, '{', 1, true) + 1
  while true do
    i = string.find(raw, '[^%s]', i)
    if not i or string.sub(raw, i, i) == '}' then break end
    local key_end = string_end(raw, i)
    if not key_end then return -1 end
    local key = string.sub(raw, i, key_end)
    local name = string.sub(key, 2, -2)
    if string.find(name, '\\', 1, true) then name = cjson.decode(key) end
    local v = string.find(raw, '[^%s:]', key_end + 1)
    local v_end = v and value_end(raw, v)
    if not v_end then return -1 end
    local value = string.sub(raw, v, v_end)
    if name == META then stored_meta = key .. ':' .. value end
    if name ~= 'cookie' and not replace then put(name, key, value) end
    i = string.find(raw, '[,}]', v_end + 1)
    if not i or string.sub(raw, i, i) == '}' then break end
    i = i + 1
  end
end

local count = tonumber(ARGV[5])
for n = 0, count - 1 do
  put(ARGV[6 + 3 * n], ARGV[7 + 3 * n], ARGV[8 + 3 * n])
end
put('cookie', '"cookie"', ARGV[3])  -- after the data: a data key can never replace it
local removed = {}
for n = 6 + 3 * count, #ARGV do removed[ARGV[n]] = true end
if ARGV[4] ~= '' then
  put(META, cjson.encode(META), ARGV[4])
elseif stored_meta and not index[META] then
  names[#names + 1] = META
  texts[#texts + 1] = stored_meta
  index[META] = #names
end

local out = {texts[index['cookie']]}
for n = 1, #names do
  if names[n] ~= 'cookie' and not removed[names[n]] then out[#out + 1] = texts[n] end
end
return store('{' .. table.concat(out, ',') .. '}')
""".replace("__META__", META_KEY)
)


def merge_arguments(patch: SessionPatch, ttl: int | None, serializer: Serializer) -> list[str]:
    """The script's ARGV for ``patch``; ``ttl`` in seconds, ``None`` for no expiry.

    ``serializer`` must produce JSON (the script splices its output into the stored object).
    """
    flags = ("c" if patch.create else "") + ("r" if patch.replace else "")
    meta = "" if patch.meta is None else serializer.dumps(dict(patch.meta))
    args = [flags, "" if ttl is None else str(ttl), serializer.dumps(dict(patch.cookie)), meta,
            str(len(patch.set))]  # fmt: skip
    for name, value in patch.set.items():
        args += [name, serializer.dumps(name), serializer.dumps(value)]
    args += list(patch.unset)
    return args
