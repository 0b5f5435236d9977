"""bench/callgrind.py: the method-cache misses read from callgrind_annotate's caller tree."""

from __future__ import annotations

from bench import callgrind

# The shape `callgrind_annotate --tree=caller` prints: a function's line (`*`) after the lines
# of its callers (`<`), each with its inclusive cost and call count.
CALLERS = """\
 45,814,296 ( 2.10%)  < /b/Objects/typeobject.c:update_one_slot (99,400x) [libpy]
 12,925,100 ( 0.50%)  < /b/Objects/typeobject.c:_PyType_Lookup (28,478x) [libpy]
 11,148,098 ( 0.43%)  *  /b/Objects/typeobject.c:find_name_in_mro [libpy]

    221,088 ( 0.01%)  < /b/Objects/unicodeobject.c:PyUnicode_DecodeASCII (4,034x) [libpy]
     24,658 ( 0.00%)  < /b/Objects/typeobject.c:_PyType_Lookup (301x) [libpy]
 11,366,077 ( 0.44%)  *  /b/Objects/unicodeobject.c:ascii_decode [libpy]

  1,150,902 ( 0.04%)  *  /b/./Include/object.h:find_name_in_mro
"""


def test_misses_are_the_mro_walks_that_type_lookups_made() -> None:
    # Only _PyType_Lookup's calls of find_name_in_mro count: not update_one_slot's (class
    # creation), not _PyType_Lookup's calls of another function, not the inlined header part.
    assert callgrind.method_cache_misses(CALLERS) == (28_478, 12_925_100)


def test_no_misses_when_no_lookup_walked_the_mro() -> None:
    assert callgrind.method_cache_misses("") == (0, 0)
    assert callgrind.method_cache_misses(CALLERS.replace("_PyType_Lookup (28,478x)", "x (1x)")) == (
        0,
        0,
    )
