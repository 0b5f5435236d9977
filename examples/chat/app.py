"""A chat room: sign in with a name (kept in the session), then talk over a WebSocket.

    expresspy run examples/chat/app.py        # then open http://127.0.0.1:3000/ in two tabs

The WebSocket route runs behind the same middleware as the pages (express-ws's model), so the
handler reads the signed-in name from `req.session`, and a visitor who is not signed in gets a
401 instead of a socket. Browsers send cookies with cross-site WebSocket upgrades too, so the
upgrade is also refused unless it comes from this site's own pages (an Origin check).

One process keeps the room in memory (`clients`): run it with one worker. Set SESSION_SECRET in
production; the default is for trying it out.
"""

import json
import os
from html import escape

from expresspy import express, session

app = express()
app.use(express.urlencoded())
app.use(
    session(
        secret=os.environ.get("SESSION_SECRET", "change-me: a dev-only secret"),
        resave=False,
        save_uninitialized=False,
        cookie={"http_only": True, "same_site": "lax"},
    )
)

clients = set()  # the open sockets of the room


def page(title, body):
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        "<link rel='stylesheet' href='/chat.css'></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )


@app.get("/")
def home(req, res):
    if not req.session.user:
        return res.redirect("/login")
    res.send(
        page(
            "Chat",
            f"""
<p>Signed in as <b id="me">{escape(req.session.user)}</b>.
   <span id="status">connecting...</span> <a id="logout" href="/logout">Sign out</a></p>
<ul id="messages"></ul>
<form id="say"><input id="text" autocomplete="off" maxlength="500" autofocus>
<button id="send">Send</button></form>
<script src="/chat.js"></script>""",
        )
    )


@app.get("/login")
def login_form(req, res):
    res.send(
        page(
            "Sign in",
            """
<form method="post" action="/login"><label>Name <input id="name" name="name" maxlength="40"
required></label> <button id="enter">Enter the room</button></form>""",
        )
    )


@app.post("/login")
async def login(req, res):
    name = (req.body.get("name") or "").strip()[:40]
    if not name:
        return res.status(400).send(page("Sign in", "<p>A name, please.</p>"))
    await req.session.regenerate()  # a fresh session id at sign-in (no session fixation)
    req.session.user = name
    res.redirect("/")


@app.get("/logout")
async def logout(req, res):
    await req.session.destroy()
    res.redirect("/login")


@app.get("/chat.js")
def script(req, res):
    res.type("js").send(CLIENT_JS)


@app.get("/chat.css")
def style(req, res):
    res.type("css").send(
        "body{font-family:sans-serif;max-width:40em;margin:2em auto}"
        "#messages{list-style:none;padding:0}.system{color:#777}"
    )


def same_site_signed_in(req, res, next):
    """Refuse the upgrade (as HTTP, before the handshake) unless it is ours and signed in."""
    origin = req.get("origin")
    if origin is not None and origin != f"{req.protocol}://{req.get('host')}":
        return res.status(403).send("cross-site WebSocket refused")
    if not req.session.user:
        return res.status(401).send("sign in first")
    next()


app.use("/live", same_site_signed_in)  # the upgrade to /live walks the chain as a GET


@app.ws("/live")
async def live(ws, req):
    user = req.session.user
    clients.add(ws)
    await broadcast({"system": f"{user} joined"})
    try:
        async for text in ws:
            if isinstance(text, str) and text.strip():
                await broadcast({"user": user, "text": text[:500]})
    finally:
        clients.discard(ws)
        await broadcast({"system": f"{user} left"})


async def broadcast(message):
    data = json.dumps(message)
    for client in list(clients):
        client.send(data)  # queued per socket; a slow reader does not hold up the others


CLIENT_JS = """
const messages = document.getElementById('messages');
const status = document.getElementById('status');
const socket = new WebSocket(location.origin.replace(/^http/, 'ws') + '/live');
socket.addEventListener('open', () => { status.textContent = 'connected'; });
socket.addEventListener('close', () => { status.textContent = 'disconnected'; });
socket.addEventListener('message', (event) => {
  const message = JSON.parse(event.data);
  const item = document.createElement('li');
  if (message.system) {
    item.className = 'system';
    item.textContent = message.system;
  } else {
    item.textContent = message.user + ': ' + message.text;
  }
  messages.appendChild(item);
});
document.getElementById('say').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('text');
  if (input.value) socket.send(input.value);
  input.value = '';
});
"""
