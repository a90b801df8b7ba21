"""Fictional personal numbers with valid check digits, and look-alikes that must not be flagged.

The privacy check validates what it finds (ID check digit, Luhn), so planted leaks must be valid and
the traps must be exactly the near misses a naive regex would take.
"""

from __future__ import annotations

import random
from datetime import date

# GB 11643-1999: ISO 7064 MOD 11-2 weights and check characters.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB 32100-2015 统一社会信用代码: alphabet (no I, O, S, V, Z) and weights, check = 31 - sum mod 31.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_number(region: str, birth: date, sequence: int) -> str:
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + _ID_CHECK[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def id_with_wrong_check(region: str, birth: date, sequence: int) -> str:
    good = id_number(region, birth, sequence)
    wrong = next(c for c in "0123456789" if c != good[-1])
    return good[:-1] + wrong


def masked_id(number: str) -> str:
    return number[:4] + "*" * 10 + number[-4:]


def luhn_complete(prefix: str) -> str:
    """`prefix` plus the Luhn check digit."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return prefix + str((10 - total % 10) % 10)


def credit_code(body17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return body17 + _USCC_CHARS[(31 - total % 31) % 31]


def mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "158", "187", "135", "151")) + "".join(
        rng.choice("0123456789") for _ in range(8)
    )
