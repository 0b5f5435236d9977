// res.redirect: default 302, explicit status, relative and absolute URLs, URL encoding.
const express = require('express');

const app = express();

app.get('/default', (req, res) => res.redirect('/target'));
app.get('/moved', (req, res) => res.redirect(301, '/target'));
app.get('/see-other', (req, res) => res.redirect(303, '/target'));
app.get('/temporary', (req, res) => res.redirect(307, '/target'));
app.get('/a/b/relative', (req, res) => res.redirect('../up'));
app.get('/absolute', (req, res) => res.redirect('http://example.com/x?y=1'));
app.get('/encode', (req, res) => res.redirect('/dest?a=b c&d=\u00e9'));
app.get('/escape-html', (req, res) => res.redirect('/x?<b>&"q"'));
app.get('/already-encoded', (req, res) => res.redirect('/caf%C3%A9?q=%20'));
app.post('/after-post', (req, res) => res.redirect(303, '/target'));
app.get('/target', (req, res) => res.send('target'));

module.exports = app;
