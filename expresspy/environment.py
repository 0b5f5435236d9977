"""Which environment the process runs in (``development``, ``production``, ``test``...).

Express reads ``NODE_ENV``; expresspy reads ``EXPRESSPY_ENV`` first and ``NODE_ENV`` as the
fallback, everywhere the environment matters (the app's ``env`` setting and so its error
pages and view cache, the MemoryStore warning, the server's startup line). So a deployment
set up for the Node original (``NODE_ENV=production``) runs the port as production too.
A leaf module: the server reads it without importing the framework.
"""

from __future__ import annotations

import os

__all__ = ["DEFAULT_ENVIRONMENT", "ENVIRONMENT_VARIABLES", "environment", "in_production"]

#: Environment variables read, in order; the first that is set and not empty wins.
ENVIRONMENT_VARIABLES = ("EXPRESSPY_ENV", "NODE_ENV")
#: The environment when neither variable is set, as in Express.
DEFAULT_ENVIRONMENT = "development"


def environment() -> str:
    """The environment's name: ``EXPRESSPY_ENV``, else ``NODE_ENV``, else ``development``."""
    for variable in ENVIRONMENT_VARIABLES:
        value = os.environ.get(variable)
        if value:
            return value
    return DEFAULT_ENVIRONMENT


def in_production() -> bool:
    """True when the environment is ``production``."""
    return environment() == "production"
