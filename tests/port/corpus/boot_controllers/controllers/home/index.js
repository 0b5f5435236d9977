// No `name` export: mounted under its folder's name.
exports.list = function (req, res) {
  res.redirect('/notes');
};
