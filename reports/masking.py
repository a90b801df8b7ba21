"""The single point where personal numbers are masked in every report output.

Checks already mask what they report (privacy_leak gives `masked` only), but contexts, titles and
anchors are page text and may carry an ID-card, mobile or bank-card number next to the problem
they illustrate. Every string a report writes passes through `mask` exactly once, here.
"""

from __future__ import annotations

import re

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CARD = re.compile(r"(?<![0-9])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")
_BANK_CARD = re.compile(r"(?<![0-9])\d{16,19}(?![0-9])")


def mask(text: str) -> str:
    """`text` with every personal number replaced by its masked form (138****1234)."""
    if not text or not any(c.isdigit() for c in text):
        return text
    try:
        from govaudit.core.masking import mask_personal_numbers
    except ImportError:
        return _mask_locally(text)
    return mask_personal_numbers(text)


def _mask_locally(text: str) -> str:
    # Order matters: an 18-digit ID would otherwise look like a bank card.
    text = _ID_CARD.sub(
        lambda m: _keep_ends(m.group()) if _id_valid(m.group()) else m.group(), text
    )
    text = _BANK_CARD.sub(lambda m: _keep_ends(m.group()) if _luhn(m.group()) else m.group(), text)
    return _MOBILE.sub(lambda m: m.group()[:3] + "****" + m.group()[-4:], text)


def _keep_ends(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def _id_valid(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def _luhn(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0
