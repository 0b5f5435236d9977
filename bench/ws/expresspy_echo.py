"""expresspy: an echo WebSocket route (bench/ws_echo.py)."""

from expresspy import express

app = express()


@app.ws("/echo")
async def echo(ws, req):
    async for message in ws:
        await ws.send(message)
