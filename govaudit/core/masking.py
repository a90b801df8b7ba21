"""Personal numbers (身份证号, 手机号, 银行卡号): their check rules and their masked forms.

Lives on the floor because two rooms need it: the privacy check validates numbers with it, and
every check or report that quotes page text masks that text with `mask_personal_numbers` first,
so that a raw number never reaches a finding, a log line or a report.

Rules (see /work/shared/research/text-checks.md §5):
- 公民身份号码, GB 11643-1999: 6-digit region, 8-digit birth date, 3-digit sequence, a check
  character by ISO 7064:1983 MOD 11-2. Since 2023-12-01 the 外国人永久居留身份证 has the same
  length and check and starts with 9.
- Bank card numbers pass the Luhn check (ISO/IEC 7812).
"""

from __future__ import annotations

import re
from datetime import date

# ISO 7064 MOD 11-2 weights and check characters (GB 11643-1999 §7).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# First two digits of GB/T 2260 region codes: provinces, plus 71 台湾, 81 香港, 82 澳门, 83 (港澳台居民
# 居住证, GB 11643 extension of 2018).
PROVINCE_CODES = frozenset(
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46]
    + [50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
)

# No digit, letter or * next to a number: it is then part of a longer code or already masked.
_EDGE_L = r"(?<![0-9A-Za-z*])"
_EDGE_R = r"(?![0-9A-Za-z*])"
ID_CANDIDATE = re.compile(_EDGE_L + r"\d{17}[\dXx]" + _EDGE_R)
MOBILE_CANDIDATE = re.compile(
    _EDGE_L + r"(?:(?:\+|00)?86[- ]?)?(1[3-9]\d(?:-?\d{4}){2}|1[3-9]\d(?: \d{4}){2})" + _EDGE_R
)
# The 15-digit ID numbers issued before 1999 have no check digit: masked, never reported alone.
OLD_ID_CANDIDATE = re.compile(_EDGE_L + r"\d{15}" + _EDGE_R)
# 16–19 digits, contiguous or in groups of four (6222 0212 3456 7890 123).
CARD_CANDIDATE = re.compile(
    _EDGE_L + r"(\d{16,19}|\d{4}([ -])\d{4}\2\d{4}\2\d{4}(?:\2\d{1,3})?)" + _EDGE_R
)


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def birth_date(number: str) -> date | None:
    """The birth date written in positions 7–14 of an 18-character ID number, if it is a date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_id_number(number: str, as_of: date) -> bool:
    """A plausible 18-character resident or foreign-permanent-resident ID number.

    Checksum alone passes 1 in 11 random numbers, so the region and a birth date between
    1900-01-01 and `as_of` are required too (research §5.1)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    # 外国人永久居留身份证 (2023 edition): 9, then the province code of the issuing office.
    region = number[1:3] if number[0] == "9" else number[:2]
    if int(region) not in PROVINCE_CODES:
        return False
    born = birth_date(number)
    if born is None or not date(1900, 1, 1) <= born <= as_of:
        return False
    return id_check_char(number[:17]) == number[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def mask_id(number: str) -> str:
    """3415**********1234: region's first four and the last four stay, enough to find the row."""
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


def mask_mobile(digits: str) -> str:
    return f"{digits[:3]}****{digits[-4:]}"


def mask_card(digits: str) -> str:
    return f"{digits[:4]} **** **** {digits[-4:]}"


def only_digits(text: str) -> str:
    return re.sub(r"\D", "", text)


# Every candidate above holds 11 digits with at most one space or hyphen between two, so
# it starts where a digit is followed by ten digits, spaces or hyphens.
_NUMBER_HINT = re.compile(r"\d[\d -]{10}")
# The characters a candidate and its edge tests read (`\d` is any decimal digit, as in the
# candidates): outside a run of them no candidate matches and none looks, so masking each run
# alone masks the text as masking all of it would.
_RUN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz*+ -")
_RUN_TAIL = re.compile(r"[\dA-Za-z*+ -]*")


def mask_personal_numbers(text: str) -> str:
    """`text` with anything that may be an ID, mobile or bank card number masked.

    Deliberately broader than the privacy check: masking an order number in a quoted snippet
    costs nothing, printing a real ID number is the one thing that must never happen.

    Only the runs around 11 digits are masked: the candidates' look-behinds cost the regex engine
    a try at every position, ~0.2 ms on a 4 KB page that holds no number at all."""
    hint = _NUMBER_HINT.search(text)
    if hint is None:
        return text
    out, done = [], 0
    while hint is not None:
        start = hint.start()
        while start > done and (text[start - 1] in _RUN_CHARS or text[start - 1].isdecimal()):
            start -= 1
        end = _RUN_TAIL.match(text, hint.end()).end()
        out += (text[done:start], _mask_run(text[start:end]))
        done = end
        hint = _NUMBER_HINT.search(text, done)
    out.append(text[done:])
    return "".join(out)


def _mask_run(text: str) -> str:
    text = ID_CANDIDATE.sub(lambda m: mask_id(m.group(0)), text)
    text = OLD_ID_CANDIDATE.sub(lambda m: mask_id(m.group(0)), text)
    text = CARD_CANDIDATE.sub(lambda m: mask_card(only_digits(m.group(0))), text)
    return MOBILE_CANDIDATE.sub(
        lambda m: m.group(0).replace(m.group(1), mask_mobile(only_digits(m.group(1)))), text
    )


# Digits a page's markup splits between elements (`<span>1101011990</span><span>03074514</span>`):
# a browser shows them as one number (inline elements: a block ends it), so an HTML copy masks
# them as one.
_INLINE_TAG = (
    r"</?(?:span|font|b|i|u|s|em|strong|small|big|a|label|ins|del|mark|sub|sup)\b[^<>]{0,300}>"
)
_SPLIT_DIGITS = re.compile(rf"\d(?:[\d\s-]|{_INLINE_TAG})*\d", re.I)
_MIN_HIDDEN_DIGITS = 11  # a mobile number's length, the shortest personal number


def mask_html_numbers(html: str) -> str:
    """An HTML page with its personal numbers masked, those split across tags too: wherever inline
    tags alone separate 11 or more digits, every digit after the first three is masked (broader than
    need be, as for `mask_personal_numbers`: a copy is evidence for people, not data)."""

    def hide(match: re.Match[str]) -> str:
        run = match.group(0)
        if "<" not in run or sum(c.isdigit() for c in run) < _MIN_HIDDEN_DIGITS:
            return run
        seen, out = 0, []
        for part in re.split(r"(<[^<>]*>)", run):
            if part.startswith("<"):
                out.append(part)
                continue
            chars = []
            for c in part:
                if c.isdigit():
                    seen += 1
                    c = c if seen <= 3 else "*"
                chars.append(c)
            out.append("".join(chars))
        return "".join(out)

    return _SPLIT_DIGITS.sub(hide, mask_personal_numbers(html))


def mask_in_place(text: str) -> str:
    """`text` with the digits `mask_personal_numbers` hides turned into `*`, every other character
    where it was: the same numbers, the same digits kept (an ID's first and last four, a mobile's
    first three and last four, a card's first and last four), the same length. A browser's text
    nodes (crawler/screenshots.py) can then take their masked text back one by one."""
    chars = list(text)

    def hide(start: int, end: int, keep_first: int, keep_last: int) -> None:
        at = [i for i in range(start, end) if chars[i].isdigit()]
        if chars[end - 1] in "Xx" and end - 1 not in at:  # an ID's check character
            at.append(end - 1)
        for i in at[keep_first : len(at) - keep_last]:
            chars[i] = "*"

    for pattern in (ID_CANDIDATE, OLD_ID_CANDIDATE):
        for m in pattern.finditer("".join(chars)):
            hide(m.start(), m.end(), 4, 4)
    for m in CARD_CANDIDATE.finditer("".join(chars)):
        hide(m.start(), m.end(), 4, 4)
    for m in MOBILE_CANDIDATE.finditer("".join(chars)):
        hide(m.start(1), m.end(1), 3, 4)
    return "".join(chars)


_RUN_DIGITS = re.compile(r"\d[\d\s-]*\d")


def mask_text_runs(run: list[str]) -> list[str]:
    """The texts of one inline run (text nodes a browser shows as one line of text, in order),
    masked as one: `mask_in_place` over their joined text, and, as `mask_html_numbers` does for
    markup, every digit after the first three of 11 or more that a node boundary splits."""
    joined = "".join(run)
    if sum(c.isdigit() for c in joined) < _MIN_HIDDEN_DIGITS:
        return list(run)
    masked = mask_in_place(joined)
    chars = list(masked)
    cuts, at = set(), 0
    for text in run[:-1]:
        at += len(text)
        cuts.add(at)
    for m in _RUN_DIGITS.finditer(masked):
        digits = [i for i in range(m.start(), m.end()) if masked[i].isdigit()]
        split = any(m.start() < cut < m.end() for cut in cuts)
        if split and len(digits) >= _MIN_HIDDEN_DIGITS:
            for i in digits[3:]:
                chars[i] = "*"
    out, at = [], 0
    for text in run:
        out.append("".join(chars[at : at + len(text)]))
        at += len(text)
    return out


def masked_window(text: str, start: int, end: int, chars: int = 20) -> str:
    """`text[start:end]` with `chars` characters either side, personal numbers masked.

    The cut points move off any number first: a number cut in half would escape the mask."""
    lo, hi = max(0, start - chars), min(len(text), end + chars)
    while lo > 0 and (
        _numberish(text[lo - 1]) or (text[lo - 1] in " -" and _digit_at(text, lo - 2))
    ):
        lo -= 1
    while hi < len(text) and (
        _numberish(text[hi]) or (text[hi] in " -" and _digit_at(text, hi + 1))
    ):
        hi += 1
    out = ("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else "")
    return mask_personal_numbers(" ".join(out.split()))


def _numberish(ch: str) -> bool:
    return ch.isdigit() or ch in "Xx*"


def _digit_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isdigit()


def mask(text: str) -> str:
    """`text` with every personal number masked (138****1234): what every report writes passes
    here (reports/listing.py), as crawled free text may carry a number beside its problem."""
    if not text or not any(c.isdigit() for c in text):
        return text
    return mask_personal_numbers(text)
