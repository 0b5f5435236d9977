// A service class in the style of "clean architecture" tutorials.
class NotFoundError extends Error {
  constructor(message) {
    super(message);
    this.status = 404;
  }
}

class ProductService {
  constructor(products) {
    this.products = products;
    this.lookups = 0;
  }

  get count() {
    return this.products.length;
  }

  static priceWithVat(price) {
    return Math.round(price * 1.25 * 100) / 100;
  }

  async findById(id) {
    this.lookups += 1;
    const product = this.products.find((p) => p.id === id);
    if (!product) {
      throw new NotFoundError(`Product ${id} does not exist`);
    }
    return { ...product, gross: ProductService.priceWithVat(product.price) };
  }
}

module.exports = { ProductService, NotFoundError };
