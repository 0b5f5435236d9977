const notes = ['first'];

exports.name = 'notes';
exports.engine = 'ejs';

exports.list = function (req, res) {
  res.render('list', { notes: notes });
};

exports.add = function (req, res) {
  const count = notes.push(req.body.text || 'empty');
  res.message('Added note ' + count);
  res.redirect('/notes');
};
