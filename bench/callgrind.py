"""Reading callgrind's output: what `bench/server_ir.py --callgrind` takes from it besides the
total (kept apart from that script so it can be tested without its server and apps)."""

from __future__ import annotations

import re

# In `callgrind_annotate --tree=caller`, the line of CPython's MRO walk, and a caller's line
# naming the type-attribute lookup (inclusive instructions, then the number of calls).
_MRO_WALK = re.compile(r"\*\s+\S*typeobject\.c:find_name_in_mro ")
_FROM_LOOKUP = re.compile(r"^\s*([\d,]+) .*<\s+\S*typeobject\.c:_PyType_Lookup \(([\d,]+)x\)")


def method_cache_misses(callers: str) -> tuple[int, int]:
    """The calls of ``find_name_in_mro`` made by ``_PyType_Lookup`` and their inclusive
    instructions, read from ``callgrind_annotate --tree=caller``: each function's line
    (``*``) follows the lines of its callers (``<``)."""
    lines = callers.splitlines()
    calls = cost = 0
    for index, line in enumerate(lines):
        if not _MRO_WALK.search(line):
            continue
        for caller in reversed(lines[:index]):
            if "<" not in caller:
                break
            found = _FROM_LOOKUP.search(caller)
            if found:
                calls += int(found.group(2).replace(",", ""))
                cost += int(found.group(1).replace(",", ""))
    return calls, cost
