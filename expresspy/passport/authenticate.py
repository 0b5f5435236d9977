"""``passport.authenticate(strategy, options, callback)``: the middleware (passport 0.7's).

The strategies named are tried in order: the first ``success``, ``redirect``, ``pass_`` or
``error`` decides; each ``fail`` moves on to the next, and when all failed the request fails:

* with a custom ``callback(err, user, info, status)`` that callback decides (it gets
  ``(None, False, challenge, status)``, or lists of them when several strategies were named);
* else ``failure_flash`` / ``failure_message`` record the message, ``failure_redirect``
  redirects, ``fail_with_error`` passes an :class:`AuthenticationError` to ``next``, and
  otherwise the answer is the first status given (else 401) with its reason phrase as the body
  and, for 401, the string challenges in ``WWW-Authenticate``.

On success (without a callback) ``success_flash`` / ``success_message`` record the message, the
user is logged in (``req.login``, which regenerates the session), the ``info`` goes through the
info transformers into ``req.auth_info``, and ``success_return_to_or_redirect``,
``success_redirect`` or ``next()`` follows. ``assign_property`` stores the user on the request
instead of logging in (``passport.authorize``).

The middleware may also be called directly, passport's custom-callback idiom, from an
``async def`` or a plain ``def`` handler: ``passport.authenticate("local", cb)(req, res, next)``.
It starts at once and returns an awaitable; the callback runs where the call was made.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Coroutine, Generator, Mapping, Sequence
from typing import Any

from expresspy.callbacks import CallbackSite, running_loop
from expresspy.errors import HTTPError
from expresspy.http.statuses import phrase
from expresspy.passport._calls import js_truthy, positional_arity, run_callable
from expresspy.passport.request import PassportRequest, attach, login_work
from expresspy.passport.strategy import Strategy
from expresspy.session.missing import session_of
from expresspy.session.operation import SessionOperation

__all__ = ["Authenticate", "AuthenticationError", "UnknownStrategy"]

Next = Callable[..., None]
# Tasks started by direct calls on the loop: held until done, so none is collected mid-flight.
_RUNNING: set[asyncio.Task[None]] = set()


class AuthenticationError(HTTPError):
    """passport's AuthenticationError: all strategies failed and ``fail_with_error`` was set.

    ``status`` is the failure's status (401 unless a strategy gave one), ``message`` its reason
    phrase, ``name`` is ``"AuthenticationError"``.
    """

    name = "AuthenticationError"

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(status or 401, message)


class UnknownStrategy(LookupError):
    """``passport.authenticate(name)`` named a strategy that was never ``use``d."""

    def __init__(self, name: str) -> None:
        super().__init__(f'Unknown authentication strategy "{name}"')
        self.strategy = name


class _Attempt:
    """One strategy's run for one request: the first action it calls, from any thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.outcome: asyncio.Future[tuple[str, tuple[Any, ...]]] = loop.create_future()

    def settle(self, kind: str, *args: Any) -> None:
        if running_loop() is self.loop:
            self._set(kind, args)
        else:
            self.loop.call_soon_threadsafe(self._set, kind, args)

    def _set(self, kind: str, args: tuple[Any, ...]) -> None:
        if not self.outcome.done():  # a second action is ignored; the first decided
            self.outcome.set_result((kind, args))


class Authenticate:
    """The middleware :meth:`Authenticator.authenticate` returns."""

    def __init__(
        self,
        passport: Any,
        names: str | Strategy | Sequence[str | Strategy],
        options: Mapping[str, Any],
        callback: Callable[..., Any] | None,
    ) -> None:
        self.passport = passport
        self.multi = isinstance(names, (list, tuple))
        self.names: list[str | Strategy] = (
            list(names) if isinstance(names, (list, tuple)) else [names]  # type: ignore[list-item]
        )
        self.options = dict(options)
        self.callback = callback
        self.callback_arity = positional_arity(callback) if callback is not None else 0
        self.__name__ = "authenticate"

    def __call__(self, req: Any, res: Any, next: Next) -> Any:
        """Start authenticating now; return an awaitable of the run (see the module doc)."""
        loop = running_loop()
        state: PassportRequest | None = getattr(req, "_passport", None)
        target = loop or (state.loop if state is not None else None)
        if target is None:
            # In a worker thread before passport.initialize()/session() recorded the loop:
            # the dispatcher awaits what a handler returns, so registered middleware runs.
            return _Deferred(self.run(req, res, next), next)
        site = CallbackSite.here(target)
        work = self.run(req, res, next, site)
        if loop is target:
            task = target.create_task(work)
            _RUNNING.add(task)
            task.add_done_callback(_RUNNING.discard)
            return task
        return SessionOperation(asyncio.run_coroutine_threadsafe(work, target), target)

    async def run(self, req: Any, res: Any, next: Next, site: CallbackSite | None = None) -> None:
        """Authenticate ``req``; every failure ends in ``next(err)`` or the callback."""
        if site is None:
            site = CallbackSite.here(asyncio.get_running_loop())
        try:
            await self._authenticate(req, res, next, site)
        except Exception as exc:
            next(exc)

    async def _authenticate(self, req: Any, res: Any, next: Next, site: CallbackSite) -> None:
        state = attach(req, self.passport)
        failures: list[tuple[Any, Any]] = []
        for layer in self.names:
            strategy = layer if isinstance(layer, Strategy) else self.passport.strategy(layer)
            if strategy is None:
                next(UnknownStrategy(str(layer)))
                return
            kind, args = await self._attempt(strategy, req)
            if kind == "fail":
                failures.append((args[0], args[1]))
                continue
            if kind == "success":
                await self._succeeded(req, res, next, site, state, *args)
            elif kind == "redirect":
                url, status = args
                res.status_code = status or 302
                res.set_header("Location", url)
                res.set_header("Content-Length", "0")
                res.end()
            elif kind == "pass":
                next()
            elif self.callback is not None:
                self._call_back(site, next, args[0])
            else:
                next(args[0])
            return
        self._all_failed(req, res, next, site, failures)

    async def _attempt(self, strategy: Strategy, req: Any) -> tuple[str, tuple[Any, ...]]:
        attempt = _Attempt(asyncio.get_running_loop())
        bound = strategy.bind(attempt)
        try:
            await run_callable(req, bound.authenticate, (req, self.options))
        except Exception as exc:  # passport-local's try/catch: a throw is strategy.error()
            attempt.settle("error", exc)
        return await attempt.outcome

    # -- success ----------------------------------------------------------------------------

    async def _succeeded(
        self,
        req: Any,
        res: Any,
        next: Next,
        site: CallbackSite,
        state: PassportRequest,
        user: Any,
        info: Any,
    ) -> None:
        if self.callback is not None:
            self._call_back(site, next, None, user, info)
            return
        options = self.options
        info = info if js_truthy(info) else {}
        _flash(req, options.get("success_flash"), info, "success")
        _remember(req, options.get("success_message"), info)
        if options.get("assign_property"):
            setattr(req, options["assign_property"], user)
            if options.get("auth_info") is not False:
                await self._transform(req, info)
            next()
            return
        await login_work(req, state, user, options)
        if options.get("auth_info") is not False:
            await self._transform(req, info)
        target = options.get("success_return_to_or_redirect")
        if target:
            session = session_of(req)
            if session is not None and session.get("returnTo"):
                target = session.pop("returnTo")
            res.redirect(target)
        elif options.get("success_redirect"):
            res.redirect(options["success_redirect"])
        else:
            next()

    async def _transform(self, req: Any, info: Any) -> None:
        transformed = await self.passport.transform(info, req)
        req.auth_info = req.authInfo = transformed

    # -- failure ----------------------------------------------------------------------------

    def _all_failed(
        self, req: Any, res: Any, next: Next, site: CallbackSite, failures: list[tuple[Any, Any]]
    ) -> None:
        if self.callback is not None:
            if self.multi:
                self._call_back(
                    site, next, None, False, [f[0] for f in failures], [f[1] for f in failures]
                )
            else:
                challenge, status = failures[0]
                self._call_back(site, next, None, False, challenge, status)
            return
        options = self.options
        first = failures[0] if failures else (None, None)
        challenge = first[0] if js_truthy(first[0]) else {}
        _flash(req, options.get("failure_flash"), challenge, "error")
        _remember(req, options.get("failure_message"), challenge)
        if options.get("failure_redirect"):
            res.redirect(options["failure_redirect"])
            return
        statuses = [status for _, status in failures if js_truthy(status)]
        status = statuses[0] if statuses else 401
        res.status_code = status
        challenges = [c for c, _ in failures if isinstance(c, str)]
        if status == 401 and challenges:
            res.set_header("WWW-Authenticate", challenges)
        if options.get("fail_with_error"):
            next(AuthenticationError(phrase(status), statuses[0] if statuses else None))
            return
        res.end(phrase(status))

    # -- the custom callback ----------------------------------------------------------------

    def _call_back(self, site: CallbackSite, next: Next, *args: Any) -> None:
        """Run the custom callback where the middleware was called, with as many of ``args``
        as it takes (missing ones as None: JavaScript passes ``undefined``); what it raises
        becomes ``next(err)``."""
        callback = self.callback
        assert callback is not None
        arity = min(self.callback_arity, 4)
        given = (*args, *(None,) * 4)[:arity]
        if inspect.iscoroutinefunction(callback):

            async def run_async() -> None:
                try:
                    await callback(*given)
                except Exception as exc:
                    next(exc)

            task = site.loop.create_task(run_async())
            _RUNNING.add(task)
            task.add_done_callback(_RUNNING.discard)
            return
        site.run(_guarded, callback, given, next)


class _Deferred:
    """A run that can only start when awaited (no event loop known to the calling thread).

    The dispatcher awaits what a registered middleware returns, so that case works. A direct
    call from a plain ``def`` handler discards it: then, when it is dropped unawaited, the
    request fails with an error that says how to fix it, instead of waiting forever.
    """

    def __init__(self, work: Coroutine[Any, Any, None], next: Next) -> None:
        self.work: Coroutine[Any, Any, None] | None = work
        self.next = next

    def __await__(self) -> Generator[Any, None, None]:
        work, self.work = self.work, None
        if work is None:
            raise RuntimeError("this passport.authenticate() run was already awaited")
        return work.__await__()

    def __del__(self) -> None:
        if self.work is not None:
            self.work.close()
            self.next(
                RuntimeError(
                    "passport.authenticate(...)(req, res, next) was called from a plain def "
                    "handler before the request's event loop was known: add "
                    "app.use(passport.initialize()) (or passport.session()) before this route, "
                    "or call it from an async def handler"
                )
            )


def _guarded(callback: Callable[..., Any], args: tuple[Any, ...], next: Next) -> None:
    try:
        callback(*args)
    except Exception as exc:
        next(exc)


def _message(option: Any, info: Any, default_type: str) -> tuple[str, str] | None:
    """passport's choice of a flash type and message from an option and the info/challenge."""
    if isinstance(option, str):
        return default_type, option
    if isinstance(option, Mapping):
        kind = option.get("type") or default_type
        message = option.get("message")
    else:  # True: the info says it
        kind = (info.get("type") if isinstance(info, Mapping) else None) or default_type
        message = None
    if not js_truthy(message):
        message = info.get("message") if isinstance(info, Mapping) else None
        if not js_truthy(message):
            message = info
    return (kind, message) if isinstance(message, str) else None


def _flash(req: Any, option: Any, info: Any, default_type: str) -> None:
    """``success_flash`` / ``failure_flash``: queue the message with ``req.flash``."""
    if not js_truthy(option):
        return
    chosen = _message(option, info, default_type)
    if chosen is None:
        return
    flash = getattr(req, "flash", None)
    if flash is None:
        raise RuntimeError(
            "the failure_flash/success_flash option needs req.flash: add "
            "app.use(flash()) (expresspy.middleware) after session()"
        )
    flash(*chosen)


def _remember(req: Any, option: Any, info: Any) -> None:
    """``success_message`` / ``failure_message``: append to ``req.session["messages"]``."""
    if not js_truthy(option):
        return
    message = option if isinstance(option, str) else None
    if option is True:
        message = info.get("message") if isinstance(info, Mapping) else None
        if not js_truthy(message):
            message = info
    if not isinstance(message, str):
        return
    session = session_of(req)
    if session is None:
        raise RuntimeError(
            "the failure_message/success_message option needs a session: add "
            "the session() middleware before passport"
        )
    messages = session.get("messages")
    if not isinstance(messages, list):
        messages = session["messages"] = []
    messages.append(message)
