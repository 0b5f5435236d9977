"""Static files' ETag and Last-Modified against Node's own `fs.stat` for sub-millisecond mtimes.

serve-static builds both from `stat.mtime`, a Date Node rounds to the nearest millisecond from
the nanosecond mtime (expresspy once truncated, and the ETag's last hex digit differed). Node
itself computes the expected headers here over the very same files.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from expresspy import express
from expresspy.http.etag import file_etag, node_mtime_ms
from expresspy.testing import request

from .harness import ensure_node_modules, node_tools_missing

# Nanosecond mtimes around the rounding edges: below, at and above half a millisecond, one that
# rounds into the next second, and one whose double sum reaches .5 although its exact value
# does not (0.499999 ms past 1.5e12 ms).
MTIMES_NS = [
    1_577_836_800_000_000_000,
    1_577_836_800_123_456_789,
    1_577_836_800_123_500_000,
    1_577_836_800_000_499_999,
    1_577_836_800_999_600_000,
    1_700_000_000_876_543_210,
    1_577_836_800_999_999_999,
    1_234_567_890_000_400_000,
]

NODE_SCRIPT = """
const fs = require('fs'); const etag = require('etag');
const out = process.argv.slice(1).map((file) => {
  const stat = fs.statSync(file);
  return [etag(stat, { weak: true }), stat.mtime.toUTCString()];
});
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("mtimes")
    made = []
    for index, ns in enumerate(MTIMES_NS):
        path = root / f"f{index}.txt"
        path.write_bytes(b"0123456789abcdef"[: index + 5])
        os.utime(path, ns=(ns, ns))
        made.append(path)
    return made


def node_headers(paths: list[Path]) -> list[list[str]]:
    reason = node_tools_missing()
    if reason is not None:
        pytest.skip(reason)
    env = {**os.environ, "NODE_PATH": str(ensure_node_modules())}
    done = subprocess.run(
        ["node", "-e", NODE_SCRIPT, *map(str, paths)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return list(json.loads(done.stdout))


def test_etag_and_last_modified_match_node_for_sub_millisecond_mtimes(files: list[Path]) -> None:
    expected = node_headers(files)
    app = express()
    app.use(express.static(str(files[0].parent)))
    client = request(app)
    seen = []
    for path in files:
        res = client.get("/" + path.name).expect(200)
        seen.append([res.headers["etag"], res.headers["last-modified"]])
    assert seen == expected


@pytest.mark.parametrize(
    ("mtime_ns", "node_ms"),
    [
        # stat.mtime.getTime() as Node 20 printed it for these mtimes
        (1_577_836_800_123_456_789, 1_577_836_800_123),
        (1_577_836_800_999_600_000, 1_577_836_801_000),
        (1_577_836_800_000_500_000, 1_577_836_800_001),
        (1_577_836_800_000_499_999, 1_577_836_800_001),
        (1_700_000_000_876_543_210, 1_700_000_000_877),
        (1_577_836_800_999_999_999, 1_577_836_801_000),
    ],
)
def test_node_mtime_ms_rounds_as_node_does(mtime_ns: int, node_ms: int) -> None:
    assert node_mtime_ms(mtime_ns) == node_ms
    assert file_etag(16, mtime_ns) == f'W/"10-{node_ms:x}"'


def test_file_etag_refuses_float_seconds() -> None:
    with pytest.raises(TypeError, match="st_mtime_ns"):
        file_etag(16, 1_577_836_800.5)  # type: ignore[arg-type]
