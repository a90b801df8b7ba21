"""Dates written in pages and URLs: 2024-03-05, 2024年3月5日, /202403/t20240305_… (scrapy.md §4:
labelled patterns first, never htmldate, never the footer's copyright year).
"""

from __future__ import annotations

import functools
import re
from datetime import date
from urllib.parse import urlsplit

from govaudit.core.vocabulary import CN_DIGITS

TEXT_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:"
    r"年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日?"
    r"|(?P<sep>[-/.])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<d2>\d{1,2})"
    r")(?!\d)"
)
# Day-precise URL forms only: a /202108/ month folder alone is not a date.
_URL_DATES = (
    re.compile(r"[/_]t(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})_\d+"),  # TRS: /t20210812_123456.html
    re.compile(r"/art/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),  # Hanweb: /art/2021/8/12/art_
    re.compile(r"/(?P<y>\d{4})-(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),  # /2021-08/12/content_...
    re.compile(r"/(?P<y>\d{4})(?P<m>\d{2})/(?P<d>\d{2})/"),  # /202108/12/
    re.compile(r"/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),  # /2021/08/12/
    re.compile(r"(?<![\d])(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?![\d])"),  # 20210812
)


def valid_date(y: str, m: str, d: str) -> date | None:
    try:
        found = date(int(y), int(m), int(d))
    except ValueError:
        return None
    return found if 1949 <= found.year <= 2100 else None


def find_dates(text: str) -> list[date]:
    """Every valid date written in the text, in order (2021-08-12, 2021年8月12日, 2021/8/12 ...)."""
    out = []
    for found in TEXT_DATE.finditer(text or ""):
        g = found.groupdict()
        parsed = valid_date(g["y"], g["m1"] or g["m2"], g["d1"] or g["d2"])
        if parsed:
            out.append(parsed)
    return out


def parse_date(text: str) -> date | None:
    """The first valid date in the text, or None."""
    found = TEXT_DATE.search(text or "")
    while found:
        g = found.groupdict()
        parsed = valid_date(g["y"], g["m1"] or g["m2"], g["d1"] or g["d2"])
        if parsed:
            return parsed
        found = TEXT_DATE.search(text, found.end())
    return None


@functools.lru_cache(maxsize=4096)
def url_date(url: str) -> date | None:
    """The publication day a CMS wrote into the URL path (TRS `t20210812_`, Hanweb `/art/2021/8/12/`).

    Memoised across pages (a pure function): a list's item URLs are asked for on every page
    that lists them."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in _URL_DATES:
        for found in pattern.finditer(path):
            parsed = valid_date(found["y"], found["m"], found["d"])
            if parsed:
                return parsed
    return None


CJK = re.compile(r"[\u4e00-\u9fff]")
_CN_DATE = re.compile(
    r"([〇○零O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)


def _cn_number(text: str) -> int:
    """十二 → 12, 二十一 → 21, 三十 → 30 (the 落款 dates of official documents)."""
    if "十" not in text:
        return CN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)


def any_date(text: str) -> date | None:
    """A date in Arabic digits, else one in Chinese numerals (二〇二一年八月十日)."""
    found = parse_date(text)
    if found:
        return found
    cn = _CN_DATE.search(text or "")
    if cn:
        year = "".join(str(CN_DIGITS[c]) for c in cn.group(1))
        return valid_date(year, str(_cn_number(cn.group(2))), str(_cn_number(cn.group(3))))
    return None
