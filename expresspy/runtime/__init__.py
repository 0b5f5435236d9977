"""How handlers run: the driver of router walks, ``next``, handler calling conventions and the
thread pool of plain ``def`` handlers. Knows nothing of paths or routes (expresspy.router)."""

from expresspy.runtime.dispatch import (
    DONE,
    DispatchedRequest,
    DispatchedResponse,
    RunningApp,
    Step,
    Walk,
    drive,
    step_for,
)
from expresspy.runtime.executor import SYNC_HANDLER_THREADS, SyncHandlers
from expresspy.runtime.handler import Handler, flatten_handlers
from expresspy.runtime.next import NEXT_STACK_ATTRIBUTE, Exchange, Next, new_next

__all__ = [
    "DONE",
    "NEXT_STACK_ATTRIBUTE",
    "SYNC_HANDLER_THREADS",
    "DispatchedRequest",
    "DispatchedResponse",
    "Exchange",
    "Handler",
    "Next",
    "RunningApp",
    "Step",
    "SyncHandlers",
    "Walk",
    "drive",
    "flatten_handlers",
    "new_next",
    "step_for",
]
