-- Session workload: keep the session cookie as a browser would. Each wrk thread remembers the
-- name=value part of the latest Set-Cookie it saw and sends it with every later request. For
-- server-side sessions (expresspy, express-session) that is the cookie of the first response;
-- signed-cookie sessions (Starlette, Flask) send a new value on every response.
local cookie = nil

function response(status, headers, body)
  local set = headers["Set-Cookie"] or headers["set-cookie"]
  if set then
    cookie = set:match("^[^;]+")
  end
end

function request()
  if cookie then
    return wrk.format(nil, nil, { Cookie = cookie })
  end
  return wrk.format()
end
