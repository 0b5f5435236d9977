"""`expresspy port`: translate an Express app (JavaScript) and its EJS/Handlebars views.

    expresspy port app.js            # writes app.py beside it
    expresspy port . -o ported/      # a whole project (routes/, views/ ...)
    expresspy port . --check         # exit status 1 while any TODO(port) remains

One module per concept: :mod:`.project` (the walk, file names, writing), :mod:`.parse`
(tree-sitter, the optional `port` extra), :mod:`.module` (a file: imports, layout),
:mod:`.statements`, :mod:`.expressions` and :mod:`.calls` (the JavaScript rules),
:mod:`.functions` (functions, classes), :mod:`.packages` (npm packages and Node
built-ins), :mod:`.ejs` and :mod:`.handlebars` (views),
:mod:`.engines` (the run-time view engines translated apps use), :mod:`.require` (Node's
`require` of a computed path, at run time), :mod:`.node_fs` (Node's `fs` calls without a
one-line counterpart), :mod:`.marked` (the marked package), :mod:`.pbkdf2_password` (the
pbkdf2-password package), :mod:`.report` (the summary).
JavaScript semantics that Python's idioms do not keep are in :mod:`expresspy.js`.
"""

from __future__ import annotations

from .project import PortError, PortResult, port

__all__ = ["PortError", "PortResult", "port"]
