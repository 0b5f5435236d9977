"""Posts: a fake database and the list page."""

# Fake posts database

posts = [
    {"title": "Foo", "body": "some foo bar"},
    {"title": "Foo bar", "body": "more foo bar"},
    {"title": "Foo bar baz", "body": "more foo bar baz"},
]


def list_posts(req, res):
    """`exports.list` (`list` would hide Python's built-in)."""
    res.render("posts", {"title": "Posts", "posts": posts})
