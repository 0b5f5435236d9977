"""A MemoryStore that counts the set, touch and destroy calls the session middleware makes,
as counting_store.js wraps Node's; shared by the session_* compat apps (not an app itself)."""

from expresspy.session import MemoryStore


class CountingStore(MemoryStore):
    """A MemoryStore that counts the calls the middleware makes, as the JS twin wraps them."""

    def __init__(self):
        super().__init__()
        self.calls = {"set": 0, "touch": 0, "destroy": 0}

    async def set(self, sid, sess):
        self.calls["set"] += 1
        await super().set(sid, sess)

    async def touch(self, sid, sess):
        self.calls["touch"] += 1
        await super().touch(sid, sess)

    async def destroy(self, sid):
        self.calls["destroy"] += 1
        await super().destroy(sid)

    merge = None  # express-session has no merge: saves are whole-record sets, as in Node
