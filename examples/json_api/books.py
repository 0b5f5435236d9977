"""/api/books: the full set of operations, with validation against the authors table."""

from storage import authors, books, loader
from validation import ValidationError, validate

from expresspy import Router

router = Router()

BOOK = {"title": (str, True), "author_id": (int, True), "year": (int, False)}


def check_author(fields):
    """An author_id must name an existing author: a 400, like any other invalid field."""
    if "author_id" in fields and authors.get(fields["author_id"]) is None:
        raise ValidationError({"author_id": "names no author"})
    return fields


router.param("book_id", loader(books, "book"))


@router.get("/")
def list_books(req, res):
    author_id = req.query.get("author_id")
    rows = books.all()
    if author_id is not None:
        rows = [book for book in rows if str(book["author_id"]) == author_id]
    res.json(rows)


@router.post("/")
def create_book(req, res):
    book = books.insert(check_author(validate(req.body, BOOK)))
    res.status(201).location(f"{req.base_url}/{book['id']}").json(book)


@router.get("/:book_id")
def show_book(req, res):
    res.json(req.book)


@router.patch("/:book_id")
def update_book(req, res):
    fields = check_author(validate(req.body, BOOK, partial=True))
    res.json(books.update(req.book["id"], fields))


@router.delete("/:book_id")
def delete_book(req, res):
    books.delete(req.book["id"])
    res.status(204).end()
