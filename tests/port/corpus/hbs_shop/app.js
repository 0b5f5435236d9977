// A shop with express-handlebars: a main layout, partials and session-backed messages.
const express = require('express');
const { engine } = require('express-handlebars');
const session = require('express-session');

const app = express();
const PORT = process.env.PORT || 3000;

app.engine('handlebars', engine({ defaultLayout: 'main' }));
app.set('view engine', 'handlebars');
app.set('views', './views');

app.use(express.urlencoded({ extended: false }));
app.use(session({ secret: 'shop-secret', resave: false, saveUninitialized: true }));

// Messages shown once, on the next page (what connect-flash does, by hand).
app.use((req, res, next) => {
  res.locals.message = req.session.message;
  delete req.session.message;
  next();
});

const products = [
  { name: 'Teapot', price: 24.5, stock: 3 },
  { name: 'Mug "Classic"', price: 8.0, stock: 0 },
  { name: 'Kettle & Lid', price: 39.99, stock: 12 },
];

app.get('/', (req, res) => {
  res.render('home', {
    title: 'Our Shop',
    products: products.map((p) => ({ ...p, inStock: p.stock > 0 })),
    cart: req.session.cart || [],
  });
});

app.post('/cart', (req, res) => {
  const product = products.find((p) => p.name === req.body.name);
  if (!product) {
    req.session.message = { type: 'error', text: `No product called ${req.body.name}` };
    return res.redirect('/');
  }
  req.session.cart = req.session.cart || [];
  req.session.cart.push(product.name);
  req.session.message = { type: 'success', text: `${product.name} added to your cart` };
  res.redirect('/');
});

app.get('/about', (req, res) => {
  res.render('about', { title: 'About', layout: false, year: 2024 });
});

app.listen(PORT, () => console.log(`Shop open on port ${PORT}`));
