"""examples/json_api: CRUD through a Router per resource, 400s with details, JSON errors."""

from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import Client, Test, request


@pytest.fixture
def api(load_example: Callable[[str], Any]) -> Client[Test]:
    return request(load_example("json_api/app.py"))


@pytest.fixture
def author(api: Client[Test]) -> Any:
    return api.post("/api/authors").send({"name": "Ursula K. Le Guin"}).expect(201).body


def test_authors__create_list_and_show(api: Client[Test]) -> None:
    created = (
        api.post("/api/authors")
        .send({"name": "Octavia Butler"})
        .expect(201)
        .expect("Location", "/api/authors/1")
    )
    assert created.body == {"id": 1, "name": "Octavia Butler"}
    api.get("/api/authors").expect(200, [{"id": 1, "name": "Octavia Butler"}])
    api.get("/api/authors/1").expect(200, {"id": 1, "name": "Octavia Butler"})


def test_books__full_lifecycle(api: Client[Test], author: Any) -> None:
    book = {"title": "The Dispossessed", "author_id": author["id"], "year": 1974}
    api.post("/api/books").send(book).expect(201, {"id": 1, **book}).expect(
        "Location", "/api/books/1"
    )
    api.patch("/api/books/1").send({"year": 1975}).expect(200, {"id": 1, **book, "year": 1975})
    api.get("/api/books?author_id=1").expect(200, [{"id": 1, **book, "year": 1975}])
    api.get("/api/books?author_id=2").expect(200, [])
    api.delete("/api/books/1").expect(204, "")
    api.get("/api/books/1").expect(404, {"error": "no book with id 1"})


def test_books__invalid_body__is_a_400_listing_every_problem(api: Client[Test]) -> None:
    (
        api.post("/api/books")
        .send({"title": "", "year": "1974", "isbn": "x"})
        .expect("Content-Type", "application/json; charset=utf-8")
        .expect(
            400,
            {
                "error": "invalid body",
                "details": {
                    "title": "must not be empty",
                    "author_id": "is required",
                    "year": "must be an integer",
                    "isbn": "is not allowed",
                },
            },
        )
    )


def test_books__true_is_not_an_integer(api: Client[Test], author: Any) -> None:
    (
        api.post("/api/books")
        .send({"title": "T", "author_id": True})
        .expect(400, {"error": "invalid body", "details": {"author_id": "must be an integer"}})
    )


def test_books__unknown_author__is_a_400(api: Client[Test]) -> None:
    (
        api.post("/api/books")
        .send({"title": "T", "author_id": 99})
        .expect(400, {"error": "invalid body", "details": {"author_id": "names no author"}})
    )


def test_books__body_that_is_not_an_object__is_a_400(api: Client[Test]) -> None:
    (
        api.post("/api/books")
        .send([1, 2])
        .expect(400, {"error": "invalid body", "details": {"body": "must be a JSON object"}})
    )


def test_books__malformed_json__is_a_400_from_the_parser(api: Client[Test]) -> None:
    r = api.post("/api/books").type("json").send('{"title": ').expect(400)
    assert set(r.body) == {"error"}


def test_books__patch_checks_types_but_not_required_fields(api: Client[Test], author: Any) -> None:
    api.post("/api/books").send({"title": "T", "author_id": author["id"]}).expect(201)
    api.patch("/api/books/1").send({"year": "soon"}).expect(
        400, {"error": "invalid body", "details": {"year": "must be an integer"}}
    )
    api.patch("/api/books/1").send({"title": "U"}).expect(200)


def test_unknown_ids_and_routes__are_json_404s(api: Client[Test]) -> None:
    api.get("/api/authors/7").expect(404, {"error": "no author with id 7"})
    api.get("/api/books/abc").expect(404, {"error": "no book with id abc"})
    api.get("/api/nothing").expect(404, {"error": "no route for GET /api/nothing"})


def test_no_body__is_a_400_not_a_crash(api: Client[Test]) -> None:
    (
        api.post("/api/authors").expect(
            400, {"error": "invalid body", "details": {"body": "must be a JSON object"}}
        )
    )
