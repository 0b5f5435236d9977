const express = require('express');
const validate = require('./middleware/validate');

const app = express();
const PORT = process.env.PORT || 3000;

app.use(express.json());

const signups = [];

app.post(
  '/signup',
  validate({ email: ['required', 'email'], age: ['number'], name: ['required'] }),
  (req, res) => {
    const { name, email } = req.body;
    const age = req.body.age === undefined ? null : Number(req.body.age);
    signups.push({ name, email, age });
    res.status(201).json({ welcome: name, total: signups.length, age });
  }
);

app.listen(PORT, () => console.log(`Signups on ${PORT}`));
