"""Views: finding a template file and rendering it, as Express's lib/view.js and app.render.

An engine is `fn(path, options, callback)` that calls `callback(err, html)` (Express's
signature); returning the HTML as a string instead of calling the callback works too. Register
one with `app.engine("ext", fn)`. Without a registered engine, the extensions in
`BUILTIN_ENGINES` ("html", "jinja", "jinja2", "j2") render with Jinja2 (the optional `jinja2`
extra), with autoescaping on and the `views` folder(s) as the template search path.

`render(app, name, options, callback)` merges `app.locals`, `options["_locals"]`
(`res.locals`) and `options`, in that order of precedence (later wins), adds `cache` from the
`view cache` setting, finds the file, and calls `callback(err, html)` exactly once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from expresspy.application import Application

__all__ = ["BUILTIN_ENGINES", "View", "jinja2_engine", "register_engine", "render"]

RenderCallback = Callable[[BaseException | None, str | None], Any]
Engine = Callable[[str, dict[str, Any], RenderCallback], Any]


def register_engine(engines: dict[str, Engine], ext: str, fn: Engine) -> None:
    """Store `fn` as the engine for `ext` ("pug" or ".pug"); what `app.engine` does."""
    if not callable(fn):
        raise TypeError("callback function required")
    engines[ext if ext.startswith(".") else "." + ext] = fn


# Jinja2 environments by (search path, autoescape, cache): building one per render would
# throw away its template cache.
_ENVIRONMENTS: dict[tuple[tuple[str, ...], bool], Any] = {}


def _environment(search_path: tuple[str, ...], cache: bool) -> Any:
    try:
        import jinja2
    except ImportError as exc:  # the optional extra
        raise RuntimeError(
            "rendering templates with Jinja2 needs the jinja2 package: "
            "pip install 'expresspy[jinja2]'"
        ) from exc
    key = (search_path, cache)
    env = _ENVIRONMENTS.get(key)
    if env is None:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(list(search_path)),
            autoescape=True,
            auto_reload=not cache,  # without `view cache`, edits show on the next request
        )
        _ENVIRONMENTS[key] = env
    return env


def jinja2_engine(path: str, options: dict[str, Any], callback: RenderCallback) -> None:
    """The built-in engine: render the Jinja2 template at `path` with `options` as context.

    Templates can extend or include others relative to the template's own folder and to
    `options["settings"]["views"]`.
    """
    settings = options.get("settings") or {}
    views = settings.get("views") if isinstance(settings, Mapping) else None
    roots = [os.path.dirname(path)] + [str(v) for v in _as_list(views)]
    env = _environment(tuple(dict.fromkeys(roots)), bool(options.get("cache")))
    template = env.get_template(os.path.basename(path))
    callback(None, template.render(options))


BUILTIN_ENGINES: dict[str, Engine] = {
    ".html": jinja2_engine,
    ".jinja": jinja2_engine,
    ".jinja2": jinja2_engine,
    ".j2": jinja2_engine,
}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


class View:
    """A view name resolved to a file: `View(name, default_engine, root, engines)`.

    `path` is None when no file was found. The lookup tries, under each root in order,
    `name` (with the default engine's extension when it has none) and then `name/index.ext`.
    """

    def __init__(
        self,
        name: str,
        default_engine: str | None = None,
        root: str | Sequence[str] | None = None,
        engines: dict[str, Engine] | None = None,
    ) -> None:
        engines = engines if engines is not None else {}
        self.name = name
        self.root = root
        self.default_engine = default_engine
        self.ext = os.path.splitext(name)[1]
        if not self.ext and not default_engine:
            raise ValueError("No default engine was specified and no extension was provided.")
        file_name = name
        if not self.ext:
            assert default_engine is not None
            self.ext = default_engine if default_engine.startswith(".") else "." + default_engine
            file_name += self.ext
        engine = engines.get(self.ext) or BUILTIN_ENGINES.get(self.ext)
        if engine is None:
            raise ValueError(f'Module "{self.ext[1:]}" does not provide a view engine.')
        engines.setdefault(self.ext, engine)
        self.engine: Engine = engine
        self.path = self.lookup(file_name)

    def lookup(self, name: str) -> str | None:
        """The first existing file for `name` under the roots, or None."""
        for root in _as_list(self.root):
            location = os.path.join(os.path.abspath(str(root)), name)
            found = self.resolve(os.path.dirname(location), os.path.basename(location))
            if found is not None:
                return found
        return None

    def resolve(self, folder: str, file: str) -> str | None:
        """`folder/file` if it is a file, else `folder/<file without ext>/index<ext>`."""
        candidate = os.path.join(folder, file)
        if os.path.isfile(candidate):
            return candidate
        stem = file[: -len(self.ext)] if file.endswith(self.ext) else file
        candidate = os.path.join(folder, stem, "index" + self.ext)
        return candidate if os.path.isfile(candidate) else None

    def render(self, options: dict[str, Any], callback: RenderCallback) -> None:
        """Run the engine; a string it returns counts as `callback(None, html)`."""
        assert self.path is not None
        called = False

        def once(err: BaseException | None, html: str | None = None) -> None:
            nonlocal called
            if not called:
                called = True
                callback(err, html)

        result = self.engine(self.path, options, once)
        if isinstance(result, str):
            once(None, result)


def _lookup_error(view: View) -> LookupError:
    roots = [str(r) for r in _as_list(view.root)]
    where = (
        f'directories "{", ".join(roots[:-1])}" or "{roots[-1]}"'
        if len(roots) > 1
        else f'directory "{roots[0] if roots else view.root}"'
    )
    err = LookupError(f'Failed to lookup view "{view.name}" in views {where}')
    err.view = view  # type: ignore[attr-defined]
    return err


def _view_cache(app: Application) -> dict[str, View]:
    """`app.cache` (Express's name): resolved views by name, used when `view cache` is on."""
    cache: dict[str, View] = app.__dict__.setdefault("cache", {})
    return cache


def render(
    app: Application, name: str, options: Mapping[str, Any] | None, callback: RenderCallback
) -> None:
    """Express's app.render: resolve `name` and call `callback(err, html)` exactly once.

    Lookup and engine errors reach the callback, never the caller; an exception raised by
    the callback itself propagates.
    """
    opts = dict(options or {})
    merged: dict[str, Any] = {**app.locals, **(opts.pop("_locals", None) or {}), **opts}
    if merged.get("cache") is None:
        merged["cache"] = app.enabled("view cache")
    called = False

    def done(err: BaseException | None, html: str | None) -> None:
        nonlocal called
        called = True
        callback(err, html)

    try:
        view = _find_view(app, name, bool(merged["cache"]))
        if view.path is None:
            done(_lookup_error(view), None)
            return
        view.render(merged, done)
    except Exception as exc:
        if called:
            raise
        done(exc, None)


def _find_view(app: Application, name: str, use_cache: bool) -> View:
    cache = _view_cache(app)
    view = cache.get(name) if use_cache else None
    if view is None:
        view_class = app.get("view") or View
        view = view_class(name, app.get("view engine"), app.get("views"), app.engines)
        if use_cache and view.path is not None:
            cache[name] = view
    return view
