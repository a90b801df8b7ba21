"""Where in an attachment a piece of its text came from: `名单!C2`, `第3页`, `表1第2行第3列`.

The crawler stores an attachment's text with its *locations*: (offset into the text, label) pairs,
sorted by offset, each label holding from its offset to the next one. The checks, which find a
term or a number at an offset, turn it back into the label a person looks for in the file. This
module is the contract both sides share (stored as JSON in the page's `meta["locations"]`).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable

Locations = tuple[tuple[int, str], ...]


def location_at(locations: Iterable[tuple[int, str]], offset: int) -> str | None:
    """Label of the part of the text that holds `offset`, or None before the first label."""
    locs = list(locations)
    i = bisect.bisect_right([o for o, _ in locs], offset) - 1
    return locs[i][1] if i >= 0 else None


def dump_locations(locations: Iterable[tuple[int, str]]) -> str:
    """The JSON form kept in `PageRecord.meta["locations"]` (meta values are strings)."""
    return json.dumps([[o, label] for o, label in locations], ensure_ascii=False)


def load_locations(raw: str | None) -> Locations:
    """Inverse of `dump_locations`; a missing or damaged value gives no locations."""
    if not raw:
        return ()
    try:
        return tuple((int(o), str(label)) for o, label in json.loads(raw))
    except (ValueError, TypeError):
        return ()
