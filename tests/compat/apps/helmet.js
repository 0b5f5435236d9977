// helmet 8: the default headers, each header switched off, CSP variants (custom directives,
// useDefaults false, reportOnly, a nonce function), HSTS, frameguard, referrer policy lists,
// the legacy option names, and the standalone middlewares.
const express = require('express');
const helmet = require('helmet');

const app = express();

function ok(req, res) {
  res.send('ok');
}

app.get('/defaults', helmet(), ok);
app.get('/defaults-empty', helmet({}), ok);
app.get('/all-off', helmet({
  contentSecurityPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  strictTransportSecurity: false,
  xContentTypeOptions: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: false,
  xPermittedCrossDomainPolicies: false,
  xPoweredBy: false,
  xXssProtection: false,
}), ok);
app.get('/legacy-off', helmet({
  hsts: false, noSniff: false, dnsPrefetchControl: false, ieNoOpen: false, frameguard: false,
  permittedCrossDomainPolicies: false, hidePoweredBy: false, xssFilter: false,
}), ok);
app.get('/csp-custom', helmet({
  contentSecurityPolicy: {
    directives: {
      scriptSrc: ["'self'", 'https://cdn.example'],
      'img-src': "'self'",
      upgradeInsecureRequests: null,
      reportUri: '/csp-report',
    },
  },
}), ok);
app.get('/csp-no-defaults', helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: [], sandbox: ['allow-forms'] },
  },
}), ok);
app.get('/csp-report-only', helmet({
  contentSecurityPolicy: { reportOnly: true, directives: { reportUri: ['/r'] } },
}), ok);
app.get('/csp-no-default-src', helmet({
  contentSecurityPolicy: {
    directives: { defaultSrc: helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc },
  },
}), ok);
app.get('/csp-nonce', (req, res, next) => {
  res.locals.nonce = 'abc123';
  next();
}, helmet({
  contentSecurityPolicy: {
    directives: { scriptSrc: ["'self'", (req, res) => `'nonce-${res.locals.nonce}'`] },
  },
}), ok);
app.get('/csp-bad-nonce', helmet({
  contentSecurityPolicy: { directives: { scriptSrc: [() => 'nonce-unquoted'] } },
}), ok);
app.get('/hsts', helmet({
  strictTransportSecurity: { maxAge: 63072000.9, includeSubDomains: false, preload: true },
}), ok);
app.get('/hsts-legacy', helmet({ hsts: { maxAge: 0 } }), ok);
app.get('/frame-deny', helmet({ frameguard: { action: 'deny' } }), ok);
app.get('/frame-same-origin', helmet({ xFrameOptions: { action: 'same-origin' } }), ok);
app.get('/referrer-list', helmet({
  referrerPolicy: { policy: ['origin', 'unsafe-url'] },
}), ok);
app.get('/referrer-string', helmet({ referrerPolicy: { policy: 'same-origin' } }), ok);
app.get('/coep', helmet({
  crossOriginEmbedderPolicy: true,
  crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
  crossOriginResourcePolicy: { policy: 'cross-origin' },
}), ok);
app.get('/coep-credentialless', helmet({
  crossOriginEmbedderPolicy: { policy: 'credentialless' },
}), ok);
app.get('/dns-allow', helmet({ xDnsPrefetchControl: { allow: true } }), ok);
app.get('/cross-domain', helmet({
  xPermittedCrossDomainPolicies: { permittedPolicies: 'by-content-type' },
}), ok);
app.get('/standalone', helmet.frameguard({ action: 'deny' }), helmet.hsts({ maxAge: 10 }),
  helmet.contentSecurityPolicy({ useDefaults: false, directives: { defaultSrc: "'self'" } }),
  helmet.xPoweredBy(), helmet.referrerPolicy(), ok);
app.get('/error-page', helmet(), (req, res, next) => next(new Error('boom')));
app.get('/from-defaults', helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      ...helmet.contentSecurityPolicy.getDefaultDirectives(),
      'script-src': ["'self'", 'https://cdn.example'],
    },
  },
}), ok);
const guarded = express.Router();
guarded.use(helmet());
app.use('/guarded', guarded);

module.exports = app;
