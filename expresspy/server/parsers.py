"""Which request parser reads a connection's bytes: the one module that knows every back-end.

``protocol`` defines the parser interface, the shared base and the two h11 parsers;
``httptools_parser`` defines the llhttp one on the same base. Choosing between them here, not in
``protocol``, keeps the imports one-way (this module -> both; ``httptools_parser`` ->
``protocol``), so ``protocol`` never imports a module that subclasses it.
"""

from __future__ import annotations

from .protocol import H11_READERS, H11ConnectionParser, H11Parser, HeadFramingParser

__all__ = ["parser_class"]


def parser_class(http: str) -> type[HeadFramingParser]:
    """The back-end for ``ServerConfig.http``: ``"h11"``, ``"httptools"``, or ``"auto"``
    (httptools when it is installed, else h11).

    ``"h11"`` is ``H11Parser`` (h11's reading functions, without ``h11.Connection``) when they
    passed the import-time probe (``protocol.H11_READERS``), else ``H11ConnectionParser`` (h11's
    public API). Raises ImportError for ``"httptools"`` when the package is missing
    (``ServerConfig`` reports that earlier, with the extra to install)."""
    h11_parser = H11Parser if H11_READERS else H11ConnectionParser
    if http == "h11":
        return h11_parser
    try:
        from .httptools_parser import HttptoolsParser
    except ImportError:
        if http == "httptools":
            raise
        return h11_parser
    return HttptoolsParser
