"""The single point where personal numbers are masked in every report output.

Checks already mask what they report (privacy_leak gives `masked` only), but contexts, titles,
anchors and staff notes are free text and may carry an ID-card, mobile or bank-card number next
to the problem they illustrate. Every string a report writes passes through `mask` here, at the
construction of the listing (reports/listing.py); the rules live in `govaudit.core.masking`.
"""

from __future__ import annotations

from govaudit.core.masking import mask_personal_numbers


def mask(text: str) -> str:
    """`text` with every personal number replaced by its masked form (138****1234)."""
    if not text or not any(c.isdigit() for c in text):
        return text
    return mask_personal_numbers(text)
