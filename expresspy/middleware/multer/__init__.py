"""multer 2.x for expresspy: multipart/form-data uploads with multer's API and behaviour.

    from expresspy.middleware import multer

    upload = multer(dest="uploads/")            # or multer({"dest": "uploads/"})

    def profile(req, res):
        res.json({"file": req.file, "body": req.body})   # req.file["originalname"], ...

    app.post("/profile", upload.single("avatar"), profile)

`.single(name)` puts one file in `req.file`; `.array(name, max_count)` a list in `req.files`;
`.fields([{"name": ..., "maxCount": ...}])` a dict of lists in `req.files`; `.none()` accepts
text fields only; `.any()` accepts every file. Text fields go to `req.body` as multer's
append-field puts them (`a[b]` nests). Errors are `MulterError`s with multer's codes, or
busboy's plain errors ("Unexpected end of form"), passed to `next(err)`; like multer's, they
carry no HTTP status, so the default error handler answers 500. Files stored for a failed
request are removed first. multer's defaults apply: no limit on file size or count unless
`limits` sets one (set `fileSize` with `memory_storage()`!). Parsing runs on python-multipart
(`pip install 'expresspy[multipart]'`); see docs/middleware.md for the differences that remain.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from expresspy.middleware._options import Middleware, gather
from expresspy.middleware.multer._middleware import (
    LIMIT_NAMES,
    MulterFile,
    Settings,
    make_middleware,
    normalise_limits,
)
from expresspy.middleware.multer.errors import MulterError
from expresspy.middleware.multer.storage import (
    Buffer,
    DiskStorage,
    MemoryStorage,
    StorageEngine,
    disk_storage,
    diskStorage,
    memory_storage,
    memoryStorage,
)

__all__ = [
    "LIMIT_NAMES",
    "Buffer",
    "DiskStorage",
    "MemoryStorage",
    "Multer",
    "MulterError",
    "MulterFile",
    "StorageEngine",
    "diskStorage",
    "disk_storage",
    "memoryStorage",
    "memory_storage",
    "multer",
]

_DEFAULTS: Mapping[str, Any] = {
    "dest": None,
    "storage": None,
    "limits": None,
    "file_filter": None,
    "preserve_path": False,
    "def_param_charset": "latin1",
    "def_charset": "utf8",
}


def _allow_all(req: Any, file: Any, cb: Callable[..., None]) -> None:
    cb(None, True)


def _load_parser() -> None:
    try:
        import python_multipart  # noqa: F401
    except ImportError:
        raise ImportError(
            "multer() needs python-multipart: pip install 'expresspy[multipart]'"
        ) from None


class Multer:
    """A configured multer: build one route middleware per form with its methods."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        storage = options["storage"]
        if storage is None:
            dest = options["dest"]
            storage = disk_storage(destination=os.fspath(dest)) if dest else memory_storage()
        if not all(callable(getattr(storage, name, None)) for name in ("open", "remove")):
            raise TypeError(
                "multer(): storage must be multer.disk_storage(), multer.memory_storage() or an "
                "engine with async open(req, file) and remove(req, file) (multer's JavaScript "
                "_handleFile/_removeFile engines do not carry over); see docs/middleware.md"
            )
        self.storage: StorageEngine = storage
        limits = options["limits"]
        self.limits = limits if callable(limits) else normalise_limits(limits)
        self.file_filter = options["file_filter"] or _allow_all
        if not callable(self.file_filter):
            raise TypeError("multer(): file_filter must be a function (req, file, cb)")
        self.preserve_path = bool(options["preserve_path"])
        self.def_param_charset = options["def_param_charset"] or "latin1"
        self.def_charset = options["def_charset"] or "utf8"

    def _middleware(self, strategy: str, counts: Mapping[str, float] | None) -> Middleware:
        return make_middleware(
            Settings(
                storage=self.storage,
                limits=self.limits,
                file_filter=self.file_filter,
                preserve_path=self.preserve_path,
                param_charset=self.def_param_charset,
                charset=self.def_charset,
                strategy=strategy,
                max_counts=counts,
            )
        )

    def single(self, name: str) -> Middleware:
        """Accept one file in the field `name`, into `req.file` (a second is
        LIMIT_UNEXPECTED_FILE, as is a file in any other field)."""
        return self._middleware("VALUE", {name: 1})

    def array(self, name: str, max_count: int | None = None) -> Middleware:
        """Accept up to `max_count` files (no limit when None) in the field `name`, into the
        list `req.files`. Files the file_filter skips do not count."""
        return self._middleware("ARRAY", {name: _count(max_count)})

    def fields(self, fields: Iterable[Mapping[str, Any]]) -> Middleware:
        """Accept files in the named fields (`[{"name": "a", "maxCount": 1}, ...]`; also
        `max_count`), into `req.files`, a dict of lists by field name."""
        counts: dict[str, float] = {}
        for spec in fields:
            if not isinstance(spec, Mapping) or not isinstance(spec.get("name"), str):
                raise TypeError(
                    'multer().fields(): each field is {"name": str, "maxCount": '
                    f"int}}, not {spec!r}"
                )
            counts[spec["name"]] = _count(spec.get("maxCount", spec.get("max_count")))
        return self._middleware("OBJECT", counts)

    def none(self) -> Middleware:
        """Accept text fields only; any file is LIMIT_UNEXPECTED_FILE."""
        return self._middleware("NONE", {})

    def any(self) -> Middleware:
        """Accept every file of every field, into the list `req.files`."""
        return self._middleware("ARRAY", None)


def _count(value: Any) -> float:
    # multer: a maxCount that is not a number means no limit
    return (
        value if isinstance(value, (int, float)) and not isinstance(value, bool) else float("inf")
    )


class _MulterExport:
    """`multer(options)` plus multer's module properties (`multer.disk_storage`, ...)."""

    disk_storage = staticmethod(disk_storage)
    diskStorage = staticmethod(diskStorage)
    memory_storage = staticmethod(memory_storage)
    memoryStorage = staticmethod(memoryStorage)
    MulterError = MulterError

    def __call__(self, options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Multer:
        """Create a multer: `multer(dest=..., storage=..., limits=..., file_filter=...,
        preserve_path=...)`, or one dict with multer's camelCase keys (`fileFilter`,
        `preservePath`, `limits: {"fileSize": ...}`; also `defParamCharset`, `defCharset`).

        `storage` wins over `dest`; with neither, files are kept in memory. `limits` may be a
        function of the request returning the limits. Raises TypeError for an unknown option
        or limit and for a limit that is not a non-negative int or `math.inf`.
        """
        if options is not None and not isinstance(options, Mapping):
            raise TypeError("Expected object for argument options")
        _load_parser()
        return Multer(gather("multer()", options, keywords, _DEFAULTS))

    def __repr__(self) -> str:
        return "<multer>"


#: multer itself: call it for a `Multer`; `multer.disk_storage`, `multer.memory_storage`
#: and `multer.MulterError` (and the camelCase aliases) are here too, as on the npm module.
multer = _MulterExport()
