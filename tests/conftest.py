"""Fixtures for the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from expresspy.listen import FROM_CLI_VARIABLE


@pytest.fixture(autouse=True)
def _cli_marker_restored() -> Iterator[None]:
    """Undo what an in-process ``expresspy`` command (click's CliRunner) leaves behind.

    The CLI marks the process as serving the app itself (``FROM_CLI_VARIABLE``, so that a
    module-level ``app.listen()`` is ignored), and that mark outlives the command: a later
    test's child process inherited it and its ``app.listen()`` returned at once.
    """
    before = os.environ.get(FROM_CLI_VARIABLE)
    yield
    if before is None:
        os.environ.pop(FROM_CLI_VARIABLE, None)
    else:
        os.environ[FROM_CLI_VARIABLE] = before
