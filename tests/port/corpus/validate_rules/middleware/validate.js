// A middleware factory: validate(rules) checks req.body against simple rules.
const checks = {
  required: (value) => value !== undefined && value !== null && value !== '',
  email: (value) => /^\S+@\S+\.\S+$/.test(value),
  number: (value) => !isNaN(parseFloat(value)) && isFinite(value),
};

module.exports = function validate(rules) {
  return function (req, res, next) {
    const errors = [];
    for (const [field, names] of Object.entries(rules)) {
      for (const name of names) {
        const value = req.body[field];
        if (name !== 'required' && (value === undefined || value === '')) continue;
        if (!checks[name](value)) {
          errors.push({ field, rule: name, value: value ?? null });
        }
      }
    }
    if (errors.length) {
      return res.status(422).json({ errors });
    }
    next();
  };
};
