"""Port of Express 5 test/res.clearCookie.js."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from expresspy.testing import request

from .support import app_with

EPOCH = "Expires=Thu, 01 Jan 1970 00:00:00 GMT"


def clearing(*args: Any) -> Any:
    return request(app_with(lambda req, res: res.clear_cookie("sid", *args).end())).get("/")


def test_res__clearcookie_name__should_set_a_cookie_passed_expiry() -> None:
    clearing().expect("Set-Cookie", f"sid=; Path=/; {EPOCH}").expect(200)


def test_res__clearcookie_name_options__should_set_the_given_params() -> None:
    clearing({"path": "/admin"}).expect("Set-Cookie", f"sid=; Path=/admin; {EPOCH}").expect(200)


def test_res__clearcookie_name_options__should_ignore_maxage() -> None:
    clearing({"path": "/admin", "maxAge": 1000}).expect(
        "Set-Cookie", f"sid=; Path=/admin; {EPOCH}"
    ).expect(200)


def test_res__clearcookie_name_options__should_ignore_user_supplied_expires_param() -> None:
    clearing({"path": "/admin", "expires": datetime.now(timezone.utc)}).expect(
        "Set-Cookie", f"sid=; Path=/admin; {EPOCH}"
    ).expect(200)
