"""Run JavaScript in real Node for the port tests: evaluate expressions, run scripts."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from typing import Any

import pytest

from expresspy import js

#: Seconds one `node -e` run may take.
NODE_TIMEOUT = 30.0

_EVALUATE = """
const exprs = JSON.parse(process.argv[1]);
const out = exprs.map((src) => {
  let value;
  try { value = eval('(' + src + ')'); } catch (e) { return ['throws', e.constructor.name]; }
  return describe(value);
});
function describe(value) {
  if (value === undefined) return ['undefined', ''];
  if (value === null) return ['null', ''];
  if (typeof value === 'object') return ['object', JSON.stringify(value)];
  return [typeof value, String(value)];
}
process.stdout.write(JSON.stringify(out));
"""


def require_node() -> str:
    """The node executable, or skip: these tests compare with Node and need it on PATH."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not found: the port tests compare with Node.js (apt-get install nodejs)")
    return node


def evaluate(expressions: list[str]) -> list[tuple[str, str]]:
    """Evaluate each JavaScript expression in one Node process: (typeof, String(value))."""
    done = subprocess.run(
        [require_node(), "-e", _EVALUATE, json.dumps(expressions)],
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT,
        check=True,
    )
    return [tuple(pair) for pair in json.loads(done.stdout)]


def describe(value: Any) -> tuple[str, str]:
    """A Python result in the shape :func:`evaluate` gives for a JavaScript one."""
    if value is js.undefined:
        return ("undefined", "")
    if value is None:
        return ("null", "")
    if isinstance(value, bool):
        return ("boolean", "true" if value else "false")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return ("number", "NaN")
        return ("number", js.number_string(value))
    if isinstance(value, str):
        return ("string", value)
    return ("object", js.stringify(value) or "")
