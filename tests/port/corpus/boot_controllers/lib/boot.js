// Mount each folder of controllers/ as a sub-app: its exports name the routes.
const express = require('express');
const fs = require('fs');
const path = require('path');

module.exports = function (parent) {
  const dir = path.join(__dirname, '..', 'controllers');
  fs.readdirSync(dir).forEach(function (name) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isDirectory()) return;
    const obj = require(file);
    const base = obj.name || name;
    const app = express();
    if (obj.engine) app.set('view engine', obj.engine);
    app.set('views', path.join(dir, name, 'views'));
    for (const key in obj) {
      if (key === 'name' || key === 'engine') continue;
      const method = key === 'add' ? 'post' : 'get';
      app[method]('/' + base, obj[key]);
    }
    parent.use(app);
  });
};
