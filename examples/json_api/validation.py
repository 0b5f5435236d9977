"""Checking JSON bodies against a small schema; failures become 400s listing every problem."""

from expresspy import HTTPError

# A schema maps a field to (the Python type it must have, whether it is required).
Schema = dict[str, tuple[type, bool]]

JSON_NAMES = {str: "a string", int: "an integer", bool: "a boolean", list: "an array"}


class ValidationError(HTTPError):
    """A 400 whose `details` say, field by field, what is wrong with the body."""

    def __init__(self, details: dict[str, str]) -> None:
        super().__init__(400, "invalid body", type="validation.failed")
        self.details = details


def problems(body: object, schema: Schema, *, partial: bool = False) -> dict[str, str]:
    """Field -> message for each way `body` breaks `schema` (empty when it is valid).

    With `partial` (a PATCH), required fields may be missing.
    """
    if not isinstance(body, dict):
        return {"body": "must be a JSON object"}
    found = {field: "is not allowed" for field in body if field not in schema}
    for field, (kind, required) in schema.items():
        if field not in body:
            if required and not partial:
                found[field] = "is required"
        elif not _has_type(body[field], kind):
            found[field] = f"must be {JSON_NAMES[kind]}"
        elif kind is str and not body[field].strip():
            found[field] = "must not be empty"
    return found


def _has_type(value: object, kind: type) -> bool:
    # JSON true/false are bools, and bool is a subclass of int in Python: keep them apart.
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def validate(body: object, schema: Schema, *, partial: bool = False) -> dict:
    """`body` itself when it is valid; raises ValidationError (a 400) otherwise."""
    found = problems(body, schema, partial=partial)
    if found:
        raise ValidationError(found)
    assert isinstance(body, dict)
    return body
