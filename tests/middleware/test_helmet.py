"""helmet(): helmet 8's headers, the option forms, and its configuration errors.

The header values themselves are compared with the real helmet 8.3.0 in tests/compat
(scripts/helmet.json); these tests cover the error paths, the Python spellings and the hooks.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from expresspy import express
from expresspy.middleware import helmet
from expresspy.middleware.helmet import content_security_policy
from expresspy.testing import request

DEFAULT_CSP = (
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action "
    "'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src "
    "'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';"
    "upgrade-insecure-requests"
)


def served(*middleware: Any) -> Any:
    app = express()
    app.use(*middleware)
    app.get("/", lambda req, res: res.send("ok"))

    def report(err: Any, req: Any, res: Any, next: Any) -> None:
        res.status(500).send(f"{type(err).__name__}: {err}")

    app.use(report)
    return app


def headers_of(*middleware: Any) -> dict[str, str]:
    res = request(served(*middleware)).get("/").expect(200, "ok")
    return {k.lower(): v for k, v in res.headers.items()}


def test_defaults_header_for_header_and_x_powered_by_removed() -> None:
    got = headers_of(helmet())
    assert got["content-security-policy"] == DEFAULT_CSP
    expected = {
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
        "origin-agent-cluster": "?1",
        "referrer-policy": "no-referrer",
        "strict-transport-security": "max-age=31536000; includeSubDomains",
        "x-content-type-options": "nosniff",
        "x-dns-prefetch-control": "off",
        "x-download-options": "noopen",
        "x-frame-options": "SAMEORIGIN",
        "x-permitted-cross-domain-policies": "none",
        "x-xss-protection": "0",
    }
    assert {k: got.get(k) for k in expected} == expected
    assert "x-powered-by" not in got
    assert "cross-origin-embedder-policy" not in got  # off by default in helmet 8


def test_without_helmet_x_powered_by_is_there() -> None:
    assert headers_of(lambda req, res, next: next())["x-powered-by"] == "Express"


def test_keyword_dict_and_camel_case_forms_agree() -> None:
    by_keyword = headers_of(helmet(x_frame_options={"action": "deny"}, referrer_policy=False))
    by_dict = headers_of(helmet({"xFrameOptions": {"action": "deny"}, "referrerPolicy": False}))
    assert by_keyword == by_dict
    assert by_keyword["x-frame-options"] == "DENY" and "referrer-policy" not in by_keyword


def test_hsts_max_age_is_seconds_in_both_spellings_and_takes_a_timedelta() -> None:
    for option in ({"maxAge": 120}, {"max_age": 120}, {"max_age": timedelta(minutes=2)}):
        got = headers_of(helmet(hsts=option))
        assert got["strict-transport-security"] == "max-age=120; includeSubDomains", option


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"strict_transport_security": {"max_age": -1}},
            "Strict-Transport-Security: -1 is not a valid value for maxAge. "
            "Please choose a positive integer.",
        ),
        (
            {"hsts": {"maxAge": float("inf")}},
            "Strict-Transport-Security: null is not a valid value for maxAge.",
        ),
        ({"hsts": {"maxAge": "1d"}}, 'Strict-Transport-Security: "1d" is not a valid value'),
        ({"hsts": {"maxage": 5}}, "unsupported property, `maxage`. Did you mean to pass `maxAge`?"),
        ({"hsts": {"includeSubdomains": True}}, "should use `includeSubDomains` instead of"),
        (
            {"hsts": True, "strict_transport_security": True},
            "Strict-Transport-Security option was specified twice. Remove the `hsts` option",
        ),
        (
            {"frameguard": False, "xFrameOptions": False},
            "X-Frame-Options option was specified twice. Remove the `frameguard` option",
        ),
        (
            {"x_frame_options": {"action": "allow-from"}},
            'X-Frame-Options received an invalid action "allow-from"',
        ),
        ({"referrer_policy": {"policy": []}}, "Referrer-Policy received no policy tokens"),
        (
            {"referrer_policy": {"policy": ["origin", "nope"]}},
            'Referrer-Policy received an unexpected policy token "nope"',
        ),
        (
            {"referrer_policy": {"policy": ["origin", "origin"]}},
            'Referrer-Policy received a duplicate policy token "origin"',
        ),
        (
            {"cross_origin_embedder_policy": {"policy": "x"}},
            'Cross-Origin-Embedder-Policy does not support the "x" policy',
        ),
        (
            {"cross_origin_opener_policy": {"policy": "x"}},
            'Cross-Origin-Opener-Policy does not support the "x" policy',
        ),
        (
            {"cross_origin_resource_policy": {"policy": "x"}},
            'Cross-Origin-Resource-Policy does not support the "x" policy',
        ),
        (
            {"permitted_cross_domain_policies": {"permittedPolicies": "some"}},
            'X-Permitted-Cross-Domain-Policies does not support "some"',
        ),
    ],
)
def test_bad_options_raise_helmets_error_at_configuration(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        helmet(**options)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("directives", "message"),
    [
        (
            {"default-src": None},
            "Content-Security-Policy needs a default-src but it was set to "
            "`null`. If you really want to disable it, set it to "
            "`contentSecurityPolicy.dangerouslyDisableDefaultSrc`.",
        ),
        (
            {"scriptSrc": "'self'", "script-src": "'self'"},
            'Content-Security-Policy received a duplicate directive "script-src"',
        ),
        ({"script src": "'self'"}, 'received an invalid directive name "script src"'),
        ({"Script-src": "'self'"}, 'received an invalid directive name "Script-src"'),
        (
            {"script-src": "self"},
            'invalid directive value for "script-src". "self" should be quoted',
        ),
        ({"script-src": ["'self'", "nonce-abc"]}, '"nonce-abc" should be quoted'),
        ({"script-src": "a;b"}, 'received an invalid directive value for "script-src"'),
        ({"script-src": False}, 'received an invalid directive value for "script-src"'),
        (
            {"script-src": content_security_policy.dangerously_disable_default_src},
            'tried to disable "script-src" as if it were default-src; simply omit the key',
        ),
    ],
)
def test_bad_directives_raise_helmets_error(directives: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        helmet(content_security_policy={"directives": directives})
    assert message in str(caught.value)


def test_csp_without_default_src_or_without_directives() -> None:
    with pytest.raises(ValueError, match="needs a default-src but none was provided"):
        helmet.content_security_policy(use_defaults=False, directives={"img-src": "'self'"})
    with pytest.raises(ValueError, match=r"has no directives\. Either set some or disable"):
        helmet.content_security_policy(use_defaults=False)


def test_unknown_options_fail_loudly() -> None:
    with pytest.raises(TypeError, match="unknown option 'contentSecurityPolicyy'"):
        helmet({"contentSecurityPolicyy": False})
    with pytest.raises(TypeError, match="unknown option 'acton'"):
        helmet(frameguard={"acton": "deny"})
    with pytest.raises(TypeError, match="must be True, False or a dict"):
        helmet(referrer_policy="no-referrer")


def test_directive_spellings_and_override_keeps_default_position() -> None:
    got = headers_of(
        helmet(
            content_security_policy={
                "directives": {"script_src": ["'self'", "https://cdn.example"], "reportTo": "group"}
            }
        )
    )
    policy = got["content-security-policy"]
    assert "script-src 'self' https://cdn.example;script-src-attr" in policy
    assert policy.endswith(";upgrade-insecure-requests;report-to group")


def test_get_default_directives_is_a_fresh_copy_in_both_spellings() -> None:
    first = helmet.content_security_policy.get_default_directives()
    first["default-src"].append("https:")
    assert helmet.contentSecurityPolicy.getDefaultDirectives()["default-src"] == ["'self'"]
    assert list(first)[:2] == ["default-src", "base-uri"] and len(first) == 11


def test_nonce_function_sync_and_async_get_req_and_res() -> None:
    async def later(req: Any, res: Any) -> str:
        return f"'nonce-{res.locals['nonce']}-async'"

    def nonce(req: Any, res: Any, next: Any) -> None:
        res.locals["nonce"] = req.query.get("n", "x")
        next()

    csp = helmet.content_security_policy(
        use_defaults=False,
        directives={
            "default-src": ["'self'", lambda req, res: f"'nonce-{res.locals['nonce']}'", later]
        },
    )
    app = served(nonce, csp)
    res = request(app).get("/?n=abc").expect(200)
    assert res.headers["content-security-policy"] == (
        "default-src 'self' 'nonce-abc' 'nonce-abc-async'"
    )


def test_function_directive_errors_go_to_next() -> None:
    def broken(req: Any, res: Any) -> str:
        raise RuntimeError("no nonce")

    raising = helmet.content_security_policy(directives={"script-src": [broken]})
    request(served(raising)).get("/").expect(500, "RuntimeError: no nonce")
    unquoted = helmet.content_security_policy(directives={"script-src": [lambda r, s: "self"]})
    request(served(unquoted)).get("/").expect(
        500,
        "ValueError: Content-Security-Policy received an invalid directive value for "
        '"script-src". "self" should be quoted',
    )


def test_report_only_and_dangerously_disable_default_src() -> None:
    got = headers_of(
        helmet.content_security_policy(
            {
                "reportOnly": True,
                "useDefaults": False,
                "directives": {
                    "defaultSrc": helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc,
                    "img-src": ["'self'"],
                },
            }
        )
    )
    assert got["content-security-policy-report-only"] == "img-src 'self'"
    assert "content-security-policy" not in got


def test_standalone_middlewares_in_every_spelling() -> None:
    for name in ("x_frame_options", "xFrameOptions", "frameguard"):
        assert headers_of(getattr(helmet, name)(action="deny"))["x-frame-options"] == "DENY"
    assert headers_of(helmet.hsts())["strict-transport-security"] == (
        "max-age=31536000; includeSubDomains"
    )
    assert headers_of(helmet.dnsPrefetchControl({"allow": True}))["x-dns-prefetch-control"] == "on"
    assert "x-powered-by" not in headers_of(helmet.hide_powered_by())
    with pytest.raises(AttributeError, match="helmet has no middleware named 'nope'"):
        helmet.nope  # noqa: B018


def test_options_on_headers_without_options_warn_and_keep_the_header(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="expresspy.middleware.helmet"):
        got = headers_of(helmet(origin_agent_cluster={"x": 1}, xss_filter={"setOnOldIE": True}))
    assert got["origin-agent-cluster"] == "?1" and got["x-xss-protection"] == "0"
    assert [r.getMessage() for r in caplog.records] == [
        "Origin-Agent-Cluster does not take options. Remove the property to silence this warning.",
        "X-XSS-Protection does not take options. Remove the property to silence this warning.",
    ]


def test_app_use_helmet_without_calling_it_is_a_clear_error() -> None:
    app = served(helmet)
    res = request(app).get("/").expect(500)
    assert (
        "It appears you have done something like `app.use(helmet)`, but it should be "
        "`app.use(helmet())`." in res.text
    )


@pytest.mark.parametrize(
    ("alias", "header"),
    [
        ("hsts", "strict-transport-security"),
        ("no_sniff", "x-content-type-options"),
        ("dns_prefetch_control", "x-dns-prefetch-control"),
        ("ie_no_open", "x-download-options"),
        ("frameguard", "x-frame-options"),
        ("permitted_cross_domain_policies", "x-permitted-cross-domain-policies"),
        ("xss_filter", "x-xss-protection"),
    ],
)
def test_each_legacy_name_turns_its_header_off(alias: str, header: str) -> None:
    assert header in headers_of(helmet())
    assert header not in headers_of(helmet(**{alias: False}))
    assert header not in headers_of(
        helmet(
            {
                "".join(
                    part if i == 0 else part.title() for i, part in enumerate(alias.split("_"))
                ): False
            }
        )
    )


def test_hide_powered_by_false_keeps_x_powered_by() -> None:
    assert headers_of(helmet(hide_powered_by=False))["x-powered-by"] == "Express"
