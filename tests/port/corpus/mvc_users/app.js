// MVC layout: routes call controllers, controllers use the model.
const express = require('express');
const userRoutes = require('./routes/users');

const app = express();
const PORT = process.env.PORT || 3000;

app.use(express.json());
app.use('/users', userRoutes);

app.get('/', (req, res) => {
  res.send('<h1>User directory</h1><a href="/users">All users</a>');
});

app.listen(PORT, () => console.log(`MVC example on port ${PORT}`));
