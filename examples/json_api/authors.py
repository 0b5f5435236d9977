"""/api/authors: list, create and read authors."""

from storage import authors, loader
from validation import validate

from expresspy import Router

router = Router()

AUTHOR = {"name": (str, True)}


router.param("author_id", loader(authors, "author"))


@router.get("/")
def list_authors(req, res):
    res.json(authors.all())


@router.post("/")
def create_author(req, res):
    author = authors.insert(validate(req.body, AUTHOR))
    res.status(201).location(f"{req.base_url}/{author['id']}").json(author)


@router.get("/:author_id")
def show_author(req, res):
    res.json(req.author)
