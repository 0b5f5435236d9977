"""MIME types by file extension, and which types carry a charset.

The table is the answer of the npm package mime-types 3 (the one Express 5 uses) for the
extensions web apps serve; an extension missing here falls back to Python's `mimetypes`.
Kept as data so that `res.type("js")` and `express.static` agree with Express byte for byte.
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache

TYPES_BY_EXTENSION: dict[str, str] = {
    "html": "text/html",
    "htm": "text/html",
    "txt": "text/plain",
    "text": "text/plain",
    "css": "text/css",
    "csv": "text/csv",
    "js": "text/javascript",
    "mjs": "text/javascript",
    "json": "application/json",
    "map": "application/json",
    "xml": "application/xml",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "ico": "image/vnd.microsoft.icon",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "gz": "application/gzip",
    "tar": "application/x-tar",
    "bz2": "application/x-bzip2",
    "7z": "application/x-7z-compressed",
    "rar": "application/vnd.rar",
    "wasm": "application/wasm",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "mp3": "audio/mpeg",
    "mp4": "video/mp4",
    "m4a": "audio/mp4",
    "webm": "video/webm",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "ogv": "video/ogg",
    "wav": "audio/wav",
    "flac": "audio/x-flac",
    "aac": "audio/aac",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "mkv": "video/x-matroska",
    "mpeg": "video/mpeg",
    "mpg": "video/mpeg",
    "md": "text/markdown",
    "markdown": "text/markdown",
    "yaml": "text/yaml",
    "yml": "text/yaml",
    "toml": "application/toml",
    "ini": "text/plain",
    "sh": "application/x-sh",
    "php": "application/x-httpd-php",
    "java": "text/x-java-source",
    "c": "text/x-c",
    "h": "text/x-c",
    "cpp": "text/x-c",
    "rs": "application/rls-services+xml",
    "ts": "video/mp2t",
    "jsx": "text/jsx",
    "swf": "application/x-shockwave-flash",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "rtf": "application/rtf",
    "epub": "application/epub+zip",
    "jsonld": "application/ld+json",
    "webmanifest": "application/manifest+json",
    "appcache": "text/cache-manifest",
    "ics": "text/calendar",
    "vcf": "text/x-vcard",
    "eml": "message/rfc822",
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "xhtml": "application/xhtml+xml",
    "xsl": "application/xml",
    "dtd": "application/xml-dtd",
    "bin": "application/octet-stream",
    "exe": "application/x-msdos-program",
    "dll": "application/x-msdownload",
    "so": "application/octet-stream",
    "deb": "application/x-debian-package",
    "rpm": "application/x-redhat-package-manager",
    "dmg": "application/x-apple-diskimage",
    "iso": "application/x-iso9660-image",
    "apk": "application/vnd.android.package-archive",
    "jar": "application/java-archive",
    "msi": "application/x-msdownload",
    "psd": "image/vnd.adobe.photoshop",
    "ai": "application/postscript",
    "eps": "application/postscript",
    "ps": "application/postscript",
    "heic": "image/heic",
    "jxl": "image/jxl",
    "jp2": "image/jp2",
    "3gp": "video/3gpp",
    "3g2": "video/3gpp2",
    "mid": "audio/midi",
    "midi": "audio/midi",
    "opus": "audio/ogg",
    "weba": "audio/webm",
    "log": "text/plain",
    "cjs": "application/node",
    "less": "text/less",
    "sass": "text/x-sass",
    "scss": "text/x-scss",
    "coffee": "text/coffeescript",
    "manifest": "text/cache-manifest",
    "geojson": "application/geo+json",
    "pem": "application/x-x509-ca-cert",
    "crt": "application/x-x509-ca-cert",
    "cer": "application/pkix-cert",
    "der": "application/x-x509-ca-cert",
    "key": "application/vnd.apple.keynote",
    "p12": "application/x-pkcs12",
    "pfx": "application/x-pkcs12",
}

# mime-types gives UTF-8 to every text/* type and to these others (from mime-db's charset field).
_UTF8_NON_TEXT_TYPES = frozenset(
    {"application/json", "application/javascript", "application/manifest+json"}
)


def lookup(name: str) -> str | None:
    """Return the MIME type for an extension or file name (`"json"`, `".html"`, `"a/b.css"`).

    Returns None when the extension is unknown, as mime-types' `lookup` returns false.
    """
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else name.lower()
    ext = ext.rsplit("/", 1)[-1]
    found = TYPES_BY_EXTENSION.get(ext)
    if found is not None:
        return found
    guessed, _ = mimetypes.guess_type("f." + ext, strict=False)
    return guessed


def charset(mime_type: str) -> str | None:
    """Return the default charset of a MIME type ("UTF-8" or None), as mime-types' `charset`."""
    base = mime_type.split(";", 1)[0].strip().lower()
    if base.startswith("text/") or base in _UTF8_NON_TEXT_TYPES:
        return "UTF-8"
    return None


def content_type(type_or_ext: str) -> str | None:
    """Return a full Content-Type for a MIME type or an extension, with its default charset.

    `content_type("json")` is `"application/json; charset=utf-8"`; a value that already names a
    charset is returned unchanged; an unknown extension gives None. Mirrors mime-types'
    `contentType`.
    """
    mime = type_or_ext if "/" in type_or_ext else lookup(type_or_ext)
    return None if mime is None else _with_default_charset(mime)


@lru_cache(maxsize=256)  # every res.set("Content-Type", ...) and res.type(...) comes here
def _with_default_charset(mime: str) -> str:
    """`mime` with `; charset=utf-8` added when its type has a default charset and it names
    none (a pure function of the string, so a small cache serves repeated types)."""
    if "charset" not in mime.lower():
        cs = charset(mime)
        if cs is not None:
            return f"{mime}; charset={cs.lower()}"
    return mime
