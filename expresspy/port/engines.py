"""View engines for templates translated by `expresspy port`: Jinja2 that prints like EJS or
like Handlebars (express-handlebars), so a translated view renders the same bytes.

What differs from expresspy's built-in Jinja2 engine: a value prints as JavaScript prints it
(`45.0` → `45`, a list → `a,b`, None → nothing), it is escaped with the original engine's
table (EJS: `&#34;`/`&#39;`; Handlebars: `&quot;`, `&#x27;`, `&#x60;`, `&#x3D;`), a final
newline is kept, and `{{ x|raw }}` writes a value unescaped (`<%- x %>`, `{{{x}}}`). The
Handlebars engine also wraps each view in its layout (`views/layouts/main.html` unless the
render's `layout` says otherwise or is false), as express-handlebars does.

    app.engine("html", ejs_engine())
    app.set("view engine", "html")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from expresspy import js
from expresspy.jstypes import call_loosely

__all__ = ["Helper", "each", "ejs_engine", "handlebars_engine", "set_view_engine"]

RenderCallback = Callable[[BaseException | None, str | None], Any]
Engine = Callable[[str, dict[str, Any], RenderCallback], Any]

EJS_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
HANDLEBARS_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#x27;",
    "`": "&#x60;",
    "=": "&#x3D;",
}


# String.prototype.trim's whitespace: WhiteSpace and LineTerminator code points.
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def _escaper(table: dict[str, str]) -> Callable[[str], str]:
    translation = str.maketrans(table)
    return lambda text: text.translate(translation)


def _printed(value: Any) -> str:
    """What the template engines print for a value: nothing for None, else String(value)."""
    import jinja2

    if isinstance(value, Helper):
        value = value()  # `{{year}}` names a helper alone: Handlebars calls it
    if value is None or isinstance(value, jinja2.Undefined) or value is js.undefined:
        return ""
    return js.string(value)


class Helper:
    """A Handlebars helper (express-handlebars' `helpers: {...}`) in translated templates.

    `{{shout title}}` becomes `{{ shout(title) }}`: the helper gets the tag's arguments, as
    many as it takes (Handlebars adds an `options` object JavaScript helpers usually ignore;
    block helpers and hash arguments are not supported). A tag naming it alone prints what it
    returns when called with none.
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn

    def __call__(self, *args: Any) -> Any:
        return call_loosely(self.fn, *args)


def each(value: Any) -> Iterator[tuple[Any, Any]]:
    """`{{#each x}}`'s pairs: (index, item) over a list, (key, value) over a mapping."""
    if isinstance(value, Mapping):
        yield from value.items()
    elif value is not None and not isinstance(value, str):
        try:
            yield from enumerate(value)
        except TypeError:
            return


def _environment(
    roots: tuple[str, ...],
    escape: Callable[[str], str],
    cache: bool,
    helpers: Mapping[str, Callable[..., Any]],
) -> Any:
    try:
        import jinja2
        import markupsafe
    except ImportError as exc:
        raise RuntimeError(
            "translated views render with Jinja2: pip install 'expresspy[jinja2]'"
        ) from exc

    def finalize(value: Any) -> str:
        if isinstance(value, markupsafe.Markup):
            return str(value)
        return escape(_printed(value))

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(roots)),
        autoescape=False,
        finalize=finalize,
        keep_trailing_newline=True,
        auto_reload=not cache,
    )
    env.filters["raw"] = lambda value: markupsafe.Markup(_printed(value))
    env.globals["js"] = js
    env.globals["each"] = each
    env.globals.update({name: Helper(fn) for name, fn in helpers.items()})
    return env


def _roots(path: str, options: Mapping[str, Any]) -> tuple[str, ...]:
    settings = options.get("settings") or {}
    views = settings.get("views") if isinstance(settings, Mapping) else None
    listed = views if isinstance(views, (list, tuple)) else ([views] if views else [])
    return tuple(dict.fromkeys([*(os.path.abspath(str(v)) for v in listed), os.path.dirname(path)]))


def _template_name(path: str, roots: tuple[str, ...]) -> str:
    for root in roots:
        if os.path.abspath(path).startswith(root + os.sep):
            return os.path.relpath(path, root).replace(os.sep, "/")
    return os.path.basename(path)


class _Engine:
    """One engine object: `engine(path, options, callback)` with its Jinja2 environments."""

    def __init__(
        self,
        escapes: dict[str, str],
        layout: str | None = None,
        layouts_dir: str | None = None,
        trim: bool = False,
        helpers: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        self.escape = _escaper(escapes)
        self.helpers = dict(helpers or {})
        self.trim = trim
        self.layout = layout
        self.layouts_dir = layouts_dir
        self.environments: dict[tuple[tuple[str, ...], bool], Any] = {}

    def environment(self, roots: tuple[str, ...], cache: bool) -> Any:
        key = (roots, cache)
        if key not in self.environments:
            self.environments[key] = _environment(roots, self.escape, cache, self.helpers)
        return self.environments[key]

    def __call__(self, path: str, options: dict[str, Any], callback: RenderCallback) -> None:
        roots = _roots(path, options)
        env = self.environment(roots, bool(options.get("cache")))
        context = {k: v for k, v in options.items() if k != "_locals"}
        html = self.finish(env.get_template(_template_name(path, roots)).render(context))
        layout = options.get("layout", self.layout)
        if layout and self.layout is not None:
            import markupsafe

            folder = self.layouts_dir or os.path.join(roots[0], "layouts")
            name = os.path.splitext(str(layout))[0] + ".html"
            layout_path = os.path.join(os.path.abspath(folder), name)
            template = env.get_template(_template_name(layout_path, roots))
            html = self.finish(template.render({**context, "body": markupsafe.Markup(html)}))
        callback(None, html)

    def finish(self, html: str) -> str:
        """express-handlebars trims what each view and layout renders."""
        return html.strip(_JS_WHITESPACE) if self.trim else html


def ejs_engine(options: Mapping[str, Any] | None = None) -> Engine:
    """An engine for views translated from EJS (escaping and printing as EJS does)."""
    return _Engine(EJS_ESCAPES)


def handlebars_engine(options: Mapping[str, Any] | None = None) -> Engine:
    """An engine for views translated from Handlebars, with express-handlebars' layouts.

    Options as express-handlebars names them: ``defaultLayout`` (default ``"main"``; False for
    none), ``layoutsDir`` (default ``views/layouts``) and ``helpers`` (name → function; see
    :class:`Helper`). ``extname`` and ``partialsDir`` were used at translation time and are
    accepted and ignored here.
    """
    opts = dict(options or {})
    default = opts.get("defaultLayout", opts.get("default_layout", "main"))
    layouts = opts.get("layoutsDir", opts.get("layouts_dir"))
    helpers = opts.get("helpers") or {}
    return _Engine(
        HANDLEBARS_ESCAPES, default if default else "", layouts, trim=True, helpers=helpers
    )


#: The engine of translated views for each engine name Express apps give `view engine`.
_ENGINE_FACTORIES: dict[str, Callable[[], Engine]] = {
    "ejs": ejs_engine,
    # The name alone loads the `hbs` package, which has no express-handlebars default layout.
    "hbs": lambda: handlebars_engine({"defaultLayout": False}),
    "handlebars": lambda: handlebars_engine({"defaultLayout": False}),
}


def set_view_engine(app: Any, name: Any) -> None:
    """`app.set('view engine', name)` with a name known only at run time.

    EJS and Handlebars views were translated to `.html`: for 'ejs', 'hbs' and 'handlebars'
    the app gets the matching engine for `.html` and `html` as its view engine. The `hbs`
    package's optional `views/layout.hbs` is not applied (no layout). Any other name is set
    as it is.
    """
    factory = _ENGINE_FACTORIES.get(str(name).lstrip("."))
    if factory is None:
        app.set("view engine", name)
        return
    app.engine("html", factory())
    app.set("view engine", "html")
