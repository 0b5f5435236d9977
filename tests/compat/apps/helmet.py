"""helmet 8: the default headers, each header switched off, CSP variants (custom directives,
useDefaults false, reportOnly, a nonce function), HSTS, frameguard, referrer policy lists, the
legacy option names, and the standalone middlewares; twin of helmet.js."""

from expresspy import express
from expresspy.middleware import helmet

app = express()


def ok(req, res):
    res.send("ok")


def boom(req, res, next):
    next(Exception("boom"))


def set_nonce(req, res, next):
    res.locals["nonce"] = "abc123"
    next()


app.get("/defaults", helmet(), ok)
app.get("/defaults-empty", helmet({}), ok)
app.get(
    "/all-off",
    helmet(
        content_security_policy=False,
        cross_origin_opener_policy=False,
        cross_origin_resource_policy=False,
        origin_agent_cluster=False,
        referrer_policy=False,
        strict_transport_security=False,
        x_content_type_options=False,
        x_dns_prefetch_control=False,
        x_download_options=False,
        x_frame_options=False,
        x_permitted_cross_domain_policies=False,
        x_powered_by=False,
        x_xss_protection=False,
    ),
    ok,
)
app.get(
    "/legacy-off",
    helmet(
        {
            "hsts": False,
            "noSniff": False,
            "dnsPrefetchControl": False,
            "ieNoOpen": False,
            "frameguard": False,
            "permittedCrossDomainPolicies": False,
            "hidePoweredBy": False,
            "xssFilter": False,
        }
    ),
    ok,
)
app.get(
    "/csp-custom",
    helmet(
        content_security_policy={
            "directives": {
                "scriptSrc": ["'self'", "https://cdn.example"],
                "img-src": "'self'",
                "upgrade_insecure_requests": None,
                "reportUri": "/csp-report",
            },
        }
    ),
    ok,
)
app.get(
    "/csp-no-defaults",
    helmet(
        {
            "contentSecurityPolicy": {
                "useDefaults": False,
                "directives": {
                    "defaultSrc": ["'none'"],
                    "frameAncestors": [],
                    "sandbox": ["allow-forms"],
                },
            },
        }
    ),
    ok,
)
app.get(
    "/csp-report-only",
    helmet(
        content_security_policy={
            "report_only": True,
            "directives": {"report-uri": ["/r"]},
        }
    ),
    ok,
)
app.get(
    "/csp-no-default-src",
    helmet(
        content_security_policy={
            "directives": {
                "default-src": helmet.content_security_policy.dangerously_disable_default_src
            },
        }
    ),
    ok,
)
app.get(
    "/csp-nonce",
    set_nonce,
    helmet(
        content_security_policy={
            "directives": {
                "script-src": ["'self'", lambda req, res: f"'nonce-{res.locals['nonce']}'"]
            },
        }
    ),
    ok,
)
app.get(
    "/csp-bad-nonce",
    helmet(
        content_security_policy={
            "directives": {"scriptSrc": [lambda req, res: "nonce-unquoted"]},
        }
    ),
    ok,
)
app.get(
    "/hsts",
    helmet(
        strict_transport_security={
            "max_age": 63072000.9,
            "include_sub_domains": False,
            "preload": True,
        }
    ),
    ok,
)
app.get("/hsts-legacy", helmet(hsts={"maxAge": 0}), ok)
app.get("/frame-deny", helmet(frameguard={"action": "deny"}), ok)
app.get("/frame-same-origin", helmet(x_frame_options={"action": "same-origin"}), ok)
app.get("/referrer-list", helmet(referrer_policy={"policy": ["origin", "unsafe-url"]}), ok)
app.get("/referrer-string", helmet({"referrerPolicy": {"policy": "same-origin"}}), ok)
app.get(
    "/coep",
    helmet(
        cross_origin_embedder_policy=True,
        cross_origin_opener_policy={"policy": "same-origin-allow-popups"},
        cross_origin_resource_policy={"policy": "cross-origin"},
    ),
    ok,
)
app.get(
    "/coep-credentialless", helmet(cross_origin_embedder_policy={"policy": "credentialless"}), ok
)
app.get("/dns-allow", helmet(x_dns_prefetch_control={"allow": True}), ok)
app.get(
    "/cross-domain",
    helmet(x_permitted_cross_domain_policies={"permitted_policies": "by-content-type"}),
    ok,
)
app.get(
    "/standalone",
    helmet.frameguard(action="deny"),
    helmet.hsts({"maxAge": 10}),
    helmet.contentSecurityPolicy(use_defaults=False, directives={"defaultSrc": "'self'"}),
    helmet.x_powered_by(),
    helmet.referrer_policy(),
    ok,
)
app.get("/error-page", helmet(), boom)
app.get(
    "/from-defaults",
    helmet(
        content_security_policy={
            "use_defaults": False,
            "directives": {
                **helmet.content_security_policy.get_default_directives(),
                "script-src": ["'self'", "https://cdn.example"],
            },
        }
    ),
    ok,
)
guarded = express.Router()
guarded.use(helmet())
app.use("/guarded", guarded)
