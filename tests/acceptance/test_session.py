"""examples/express/session (index.py and redis_app.py).

Express has no acceptance test for this example; these follow its page: a first visit says
so and counts 1, each later visit with the same cookie counts one more, another browser
starts again at 1. The Redis variant runs the same checks against a real Redis.
"""

import re
from collections.abc import Callable
from typing import Any

from expresspy.testing import agent, request

FIRST_VISIT = re.compile("First time visiting")


def check_counts_views_per_browser(app: Any) -> None:
    browser = agent(app)
    browser.get("/").expect(200, FIRST_VISIT).expect(re.compile("viewed <strong>1</strong>"))
    r = browser.get("/").expect(200, re.compile("viewed <strong>2</strong> times"))
    assert not FIRST_VISIT.search(r.text)
    browser.get("/").expect(re.compile("viewed <strong>3</strong>"))
    # Another browser (no cookie) has its own count.
    request(app).get("/").expect(FIRST_VISIT).expect(re.compile("viewed <strong>1</strong>"))


def test_session__get__counts_views_per_browser(load_example: Callable[[str], Any]) -> None:
    check_counts_views_per_browser(load_example("express/session/index.py"))


def test_session__get__sets_no_cookie_until_something_is_stored(
    load_example: Callable[[str], Any],
) -> None:
    # save_uninitialized=False: the first response sets the cookie because `views` was set.
    app = load_example("express/session/index.py")
    request(app).get("/").expect("Set-Cookie", re.compile(r"^connect\.sid=s%3A"))


def test_session_redis__get__counts_views_per_browser(load_example: Callable[[str], Any]) -> None:
    check_counts_views_per_browser(load_example("express/session/redis_app.py"))
