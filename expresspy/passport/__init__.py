"""passport for expresspy: logins with strategies, kept in the session (passport 0.7).

    from expresspy import passport                        # the shared Authenticator
    from expresspy.passport import LocalStrategy, Strategy

``passport`` is one shared :class:`Authenticator`, like ``require('passport')``;
``passport.Passport()`` / ``passport.Authenticator()`` make independent instances.
See docs/auth.md.
"""

from __future__ import annotations

from expresspy.passport.authenticate import Authenticate, AuthenticationError, UnknownStrategy
from expresspy.passport.authenticator import Authenticator, Passport
from expresspy.passport.local import LocalStrategy
from expresspy.passport.session_manager import SessionManager, SessionRequired
from expresspy.passport.session_strategy import SessionStrategy
from expresspy.passport.strategy import Strategy


class _Passport(Authenticator):
    """The shared instance's class: also carries passport's exported classes."""

    Passport = Authenticator
    Authenticator = Authenticator
    Strategy = Strategy
    AuthenticationError = AuthenticationError
    SessionStrategy = SessionStrategy
    LocalStrategy = LocalStrategy


#: The shared instance (``require('passport')``).
passport = _Passport()

__all__ = [
    "Authenticate",
    "AuthenticationError",
    "Authenticator",
    "LocalStrategy",
    "Passport",
    "SessionManager",
    "SessionRequired",
    "SessionStrategy",
    "Strategy",
    "UnknownStrategy",
    "passport",
]
