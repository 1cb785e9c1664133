"""Finding 9: parsing ids out of query strings and posted values.

`str.isdigit()` is true for "²" or "①", which `int()` refuses (a 500); ASCII digits only, and
no more of them than a database id can hold.
"""

from __future__ import annotations

import re

_ID = re.compile(r"[0-9]{1,18}", re.ASCII)


def id_param(value) -> int | None:
    """The id in `value` ("12"), or None for anything else (empty, "²", "-1", "1e3", "9"*400)."""
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    return None
