"""`express.static(root, ...)`: serve files from a directory, as serve-static 2.2.

    app.use(express.static("public"))
    app.use("/assets", express.static("build", max_age=3600, immutable=True))
    app.use(express.static("public", {"maxAge": "1d", "extensions": ["html"]}))

Files are sent by `expresspy.send` (send 1.2's rules): ETag, Last-Modified, Cache-Control,
Range (one range → 206, unsatisfiable → 416), conditional requests (304, 412), HEAD, streamed
in constant memory (zero-copy when the server offers it). Paths are decoded once; a malformed
escape or NUL is 400, a `..` segment or a backslash is 403, dotfiles follow `dotfiles`.

Options (keywords, or one dict with serve-static's camelCase names):

- `index` ("index.html"; a list, or False): served for a directory path ending in `/`.
- `redirect` (True): a directory without the trailing slash answers 301 to `path/` (query
  kept, leading `//` collapsed, HTML body as serve-static's); False answers 404.
- `dotfiles` ("ignore" → 404, "deny" → 403, "allow"), for files and directories under root.
- `etag`, `last_modified`, `accept_ranges`, `cache_control` (all True), `immutable` (False).
- `max_age`: **seconds** (or a timedelta); the camelCase `maxAge` is milliseconds or an
  ms-string ("1d"), as in Express. Clamped to one year.
- `extensions` (e.g. ["html"]): tried when the file is missing and the path has none.
- `fallthrough` (True): non-GET/HEAD and 4xx errors call `next()`, so later middleware can
  answer; False answers 405 (`Allow: GET, HEAD`) to other methods and passes every error on.
- `set_headers(res, path, stat)`: called when a file is found, before the standard headers.
- `follow_symlinks` ("inside"): serve a symlink only when its target is inside root; True
  follows any symlink (serve-static's behaviour); False serves no file reached through one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from expresspy.http.text import encode_url, escape_html, html_page
from expresspy.middleware._options import Middleware, gather
from expresspy.router.router import url_pathname
from expresspy.send import IsDirectoryError, SendError, SendOptions, serve_path

__all__ = ["static"]


_DEFAULTS: Mapping[str, Any] = {
    "index": "index.html",
    "redirect": True,
    "dotfiles": "ignore",
    "etag": True,
    "last_modified": True,
    "accept_ranges": True,
    "cache_control": True,
    "immutable": False,
    "max_age": None,
    "max_age_ms": None,
    "extensions": False,
    "fallthrough": True,
    "set_headers": None,
    "follow_symlinks": "inside",
}
# Errors send raises only once the file was found (serve-static forwards those even when
# falling through, as its "file" event switches forwarding on).
_AFTER_FILE_FOUND = frozenset({412, 416})


def _split_original_url(url: str) -> tuple[str, str]:
    """Path and query as Node's parseurl reads them: `//users` is a path, not a host."""
    return url_pathname(url), url.partition("?")[2]


def _collapse_leading_slashes(path: str) -> str:
    stripped = path.lstrip("/")
    return "/" + stripped if len(path) - len(stripped) > 1 else path


def _redirect_to_directory(req: Any, res: Any) -> None:
    """301 to the same URL with a `/` appended to its path, as serve-static answers."""
    path, query = _split_original_url(req.original_url)
    location = _collapse_leading_slashes(path + "/")
    if query:
        location += "?" + query
    location = encode_url(location)
    doc = html_page("Redirecting", "Redirecting to " + escape_html(location)).encode()
    res.status_code = 301
    res.set_header("Content-Type", "text/html; charset=UTF-8")
    res.set_header("Content-Length", str(len(doc)))
    res.set_header("Content-Security-Policy", "default-src 'none'")
    res.set_header("X-Content-Type-Options", "nosniff")
    res.set_header("Location", location)
    res.end(doc)


def _send_options(root: str, settings: Mapping[str, Any]) -> SendOptions:
    given: dict[str, Any] = {
        key: settings[key]
        for key in (
            "index",
            "dotfiles",
            "etag",
            "last_modified",
            "accept_ranges",
            "cache_control",
            "immutable",
        )
    }
    given["extensions"] = settings["extensions"]
    if settings["max_age_ms"] is not None:
        given["maxAge"] = settings["max_age_ms"]
    elif settings["max_age"] is not None:
        given["max_age"] = settings["max_age"]
    given["root"] = root
    given["set_headers"] = settings["set_headers"]
    given["follow_symlinks"] = settings["follow_symlinks"]  # send.py applies the policy
    return SendOptions.from_mapping(given)


def static(
    root: str | os.PathLike[str], options: Mapping[str, Any] | None = None, /, **keywords: Any
) -> Middleware:
    """Middleware serving the files under `root`; see the module docstring for the options."""
    if not root:
        raise TypeError("root path required")
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError("root path must be a string")
    settings = gather("express.static()", options, keywords, _DEFAULTS)
    if settings["set_headers"] is not None and not callable(settings["set_headers"]):
        raise TypeError("option setHeaders must be function")
    send_options = _send_options(os.path.abspath(os.fspath(root)), settings)
    fallthrough = settings["fallthrough"] is not False
    redirect = settings["redirect"] is not False

    async def serveStatic(req: Any, res: Any, next: Callable[..., None]) -> None:
        if req.method not in ("GET", "HEAD"):
            if fallthrough:
                next()
                return
            res.status_code = 405
            res.set_header("Allow", "GET, HEAD")
            res.set_header("Content-Length", "0")
            res.end()
            return
        path = req.path
        # At a mount point ("/static" without its slash) serve the directory itself, so
        # that it redirects to "/static/" rather than serving index.html under a wrong base.
        if path == "/" and not _split_original_url(req.original_url)[0].endswith("/"):
            path = ""
        try:
            serve_path(res, path, send_options)
        except IsDirectoryError:
            if redirect and not path.endswith("/"):
                _redirect_to_directory(req, res)
            elif fallthrough:
                next()
            else:
                next(SendError(404))
        except SendError as err:
            forward = not fallthrough or err.status >= 500 or err.status in _AFTER_FILE_FOUND
            next(err if forward else None)

    return serveStatic
