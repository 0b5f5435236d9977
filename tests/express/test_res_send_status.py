"""Port of Express 5 test/res.sendStatus.js."""

from __future__ import annotations

import re
from typing import Any

from expresspy import express
from expresspy.testing import request


def sending_status(code: Any) -> Any:
    app = express()
    app.use(lambda req, res: res.sendStatus(code))
    return app


def test_res__send_status_status_code__should_send_the_status_code_and_message_as_body() -> None:
    request(sending_status(201)).get("/").expect(201, "Created")


def test_res__send_status_status_code__should_work_with_unknown_code() -> None:
    request(sending_status(599)).get("/").expect(599, "599")


def test_res__send_status_status_code__should_raise_error_for_invalid_status_code() -> None:
    request(sending_status(None)).get("/").expect(500, re.compile("TypeError: Invalid status code"))
