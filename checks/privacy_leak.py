"""Personal data published by mistake (privacy_leak): 身份证号, 手机号, 银行卡号 in page text
and in the text of the site's attachments (公示 lists as xls, policy texts as pdf: the leak
inspectors find most; checks/site_texts.py).

《政府信息公开条例》 art. 15 bars disclosure that harms personal privacy; inspectors flag 公示 lists
that were not de-identified (去标识化). Number rules and masks are in govaudit/core/masking.py;
this module decides what counts as a leak (research text-checks.md §5):

- ID numbers: check digit, region, birth date (1900-01-01 … as_of). An 18-character string that is
  also a valid 统一社会信用代码 (GB 32100-2015, mod-31 check) is taken as the code unless an ID label
  (身份证, 证件号码 …) stands just before it.
- Mobiles: 1[3-9] + 9 digits with no digit, letter or * next to them. A number labelled as the
  office's contact (联系电话：, 咨询电话：…) is published on purpose and not reported, unless an ID
  number stands on the same line or close by: then it is an applicant's row in a 公示 table.
- Bank cards: 16–19 digits passing Luhn, with the UnionPay prefix 62 or a card word before them
  (Luhn alone passes 1 in 10 random numbers). A 单位 account (户名 of a bureau + 开户行) is not a
  personal card. Spans claimed as ID numbers are never cards.
- Never: masked numbers (3415**********1234), numbers inside URLs or file names, fixed lines
  (0571-87654321), hotlines (12345, 12333), 文号.

One finding per (page, kind), so a 公示 list of 200 people is one rectification item: `count` is the
number of distinct numbers, `masked` the first one masked, `examples` up to five masked values.
An attachment's finding is one per (file, kind) whichever pages link to it, with
`attachment_url`, `attachment_name`, `source_pages` and `locations` (one per example: the sheet
and cell, page or paragraph, e.g. 公示名单!C3).
The raw number never leaves this module: not in a finding, a log line or an exception, nor in
the store. The roof hands `scan` to the crawl, which runs it on every record as it is written:
the store keeps the title and text with personal numbers masked, and in the record's meta
(`PRIVACY_SCAN`) what this check needs of them (kind, masked value, context, offset). A record
written without it (a store of an older govaudit) is scanned here as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from govaudit.checks.site_texts import (
    Attachment,
    PageCheck,
    attachments,
    checked_pages,
    text_url,
)
from govaudit.core.config import compile_pattern
from govaudit.core.masking import (
    CARD_CANDIDATE,
    ID_CANDIDATE,
    MOBILE_CANDIDATE,
    is_id_number,
    luhn_ok,
    mask_card,
    mask_id,
    mask_mobile,
    mask_personal_numbers,
    masked_window,
    only_digits,
)
from govaudit.core.model import PRIVACY_SCAN, Finding, PageRecord, fingerprint
from govaudit.core.store import AuditView

# The check scans the text of every page and attachment, so its cost grows with the site's text:
# the roof runs it in its helper process, beside the other checks (govaudit/helper.py).
SCANS_TEXT = True
SECTION = "privacy_leak"
DEFAULTS: dict[str, Any] = {
    "whitelist_pages": [],
    # Labels of an office's published contact line (research §5.2).
    "contact_labels": "咨询|联系|服务|举报|投诉|监督|值班|办公|热线|传真|受理|报名",
    "report_contact_mobiles": False,
}
SEVERITY = {"id_card": "critical", "bank_card": "critical", "mobile": "major"}
_TITLE = {"id_card": "公民身份号码", "mobile": "个人手机号码", "bank_card": "银行卡号"}
EXAMPLES = 5

# Every personal number holds 4 digits, maybe a separator, and 4 more: pages without are skipped.
_MAYBE_NUMBER = re.compile(r"\d{4}[ -]?\d{4}")
# The run of URL characters around a candidate number, and what makes that run a URL or file name.
_URL_CHARS = re.compile(r"[A-Za-z0-9_.~:/?#\[\]@!$&'()*+,;=%-]*")
# (13812345678/13912345678 is two phone numbers; /art/2024/t20241030_123.html is a path.)
_URLISH = re.compile(
    r"://|^www\.|/.*[A-Za-z]|[A-Za-z].*/"
    r"|\.(?:s?html?|jsp|php|aspx?|pdf|docx?|xlsx?|et|wps|zip|rar|jpe?g|png|gif)\b",
    re.IGNORECASE,
)
_ID_LABEL = re.compile(r"(?:身份证|证件号|公民身份号码|身份号码|证号)[^\d\n]{0,12}$")
_CARD_LABEL = re.compile(r"(?:卡号|账号|帐号|银行卡|开户|账户|帐户|银行)[^\d\n]{0,12}$")
# 户名：XX市财政局 … 开户行: an account of a public body, published for payments.
_BODY_ACCOUNT = re.compile(
    r"户名[：:\s]*[^，。；\n]{0,30}?(?:局|委员会|政府|中心|公司|财政|学校|医院|办公室|院|所|站|队|专户|协会)"
)

# 统一社会信用代码 (GB 32100-2015): 31 characters without I, O, S, V, Z; weights 3^i mod 31.
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def is_credit_code(code: str) -> bool:
    code = code.upper()
    if len(code) != 18 or any(c not in _CREDIT_CHARS for c in code):
        return False
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(code, _CREDIT_WEIGHTS, strict=False))
    return _CREDIT_CHARS[(31 - total % 31) % 31] == code[17]


@dataclass(frozen=True)
class Leak:
    kind: str  # id_card, mobile, bank_card
    masked: str
    key: int  # which distinct number: they are counted without keeping them
    start: int  # offsets in the text the check reads (an attachment's own offsets locate it)
    end: int
    context: str  # the sentence around it, every personal number masked


def run(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterator[Finding]:
    yield from checked_pages(view, page_check(rules, as_of))
    yield from file_findings(view, rules, as_of)


def page_check(rules: dict[str, Any], as_of: date) -> PageCheck:
    """One page's findings (run as the page is written, govaudit/text_checks.py)."""
    skip_pages, contact = _regexes("whitelist_pages", rules["whitelist_pages"]), _contact(rules)

    def check(view: AuditView, page: PageRecord) -> list[Finding]:
        url = text_url(page, skip_pages)
        if url is None:
            return []
        return list(
            _findings(url, _leaks(page.meta, _page_text(page.title, page.text), as_of, contact))
        )

    return check


def file_findings(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterator[Finding]:
    """Findings in the readable attachments (their linking pages are known after the crawl)."""
    skip_pages, contact = _regexes("whitelist_pages", rules["whitelist_pages"]), _contact(rules)
    for attachment in attachments(view, readable=True):
        if any(p.search(attachment.url) for p in skip_pages):
            continue
        leaks = _leaks(attachment.record.meta, attachment.record.text, as_of, contact)
        yield from _findings(attachment.url, leaks, attachment)


def scan(
    meta: dict[str, Any], title: str, text: str, *, as_of: date, rules: dict[str, Any]
) -> tuple[dict[str, Any], str, str]:
    """A record as the store keeps it: (meta with what this check found, title, text) with every
    personal number masked. Run by the crawl on each record it writes (the roof hands it over)."""
    read = text if "format" in meta else _page_text(title, text)  # attachments: text alone
    if _MAYBE_NUMBER.search(read):
        found = find_leaks(read, as_of, _contact(rules))
        distinct: dict[int, int] = {}
        stored = [
            (x.kind, x.masked, distinct.setdefault(x.key, len(distinct)), x.start, x.end, x.context)
            for x in found
        ]
        title, text = mask_personal_numbers(title), mask_personal_numbers(text)
    else:
        stored = []
    return {**meta, PRIVACY_SCAN: json.dumps(stored, ensure_ascii=False)}, title, text


def _page_text(title: str, text: str) -> str:
    return f"{title}\n{text}" if title else text


def _contact(rules: dict[str, Any]) -> re.Pattern[str] | None:
    """The office's own contact lines, whose mobiles are published on purpose (unless the
    profile asks to report them too)."""
    if rules["report_contact_mobiles"]:
        return None
    labels = _regexes("contact_labels", [rules["contact_labels"]])[0]
    return re.compile(rf"(?:{labels.pattern})(?:电话|热线|方式|人|号码)?[：:]?[^\d\n]{{0,8}}$")


def _leaks(
    meta: dict[str, Any], text: str, as_of: date, contact: re.Pattern[str] | None
) -> list[Leak]:
    """What `scan` found when the record was written, or (an older store) what the text holds."""
    stored = meta.get(PRIVACY_SCAN)
    if stored is None:
        return find_leaks(text, as_of, contact)
    return [Leak(*entry) for entry in json.loads(stored)]


def find_leaks(text: str, as_of: date, contact: re.Pattern[str] | None = None) -> list[Leak]:
    """Personal numbers in `text`, in text order; `contact` labels official contact lines."""
    lines = _number_lines(text)
    if not lines:
        return []
    ids = _id_leaks(text, as_of, lines)
    claimed = [(x.start, x.end) for x in ids]
    cards = _card_leaks(text, claimed, lines)
    claimed += [(x.start, x.end) for x in cards]
    mobiles = _mobile_leaks(text, claimed, ids, contact, lines)
    return sorted(ids + cards + mobiles, key=lambda x: x.start)


def _number_lines(text: str) -> list[tuple[int, int]]:
    """The (start, end) of the lines holding a `_MAYBE_NUMBER`: the only places a number can
    be. The candidate patterns open with a look-behind, so the regex engine tries them at every
    position of a text; on these lines alone they find the same matches (no number spans a
    line break, and a line's ends look to them like the newline they stand for)."""
    lines: list[tuple[int, int]] = []
    for m in _MAYBE_NUMBER.finditer(text):
        if lines and m.start() < lines[-1][1]:
            continue
        end = text.find("\n", m.end())
        lines.append((text.rfind("\n", 0, m.start()) + 1, len(text) if end < 0 else end))
    return lines


def _candidates(
    pattern: re.Pattern[str], text: str, lines: list[tuple[int, int]]
) -> Iterator[re.Match[str]]:
    for start, end in lines:
        yield from pattern.finditer(text, start, end)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in spans)


def _in_url(text: str, start: int, end: int) -> bool:
    """Whether the number sits in a URL or a file name (t20241030_4917654.html, 附件123.pdf)."""
    lo = start
    while lo > 0 and _URL_CHARS.fullmatch(text[lo - 1]):
        lo -= 1
    hi = _URL_CHARS.match(text, end).end()
    if lo == start and hi == end:
        return False
    return bool(_URLISH.search(text[lo:hi]))


def _id_leaks(text: str, as_of: date, lines: list[tuple[int, int]]) -> list[Leak]:
    out = []
    for m in _candidates(ID_CANDIDATE, text, lines):
        number = m.group(0)
        if not is_id_number(number, as_of) or _in_url(text, m.start(), m.end()):
            continue
        before = text[max(0, m.start() - 20) : m.start()]
        if is_credit_code(number) and not _ID_LABEL.search(before):
            continue
        out.append(_leak(text, "id_card", mask_id(number), number.upper(), m))
    return out


def _card_leaks(
    text: str, claimed: list[tuple[int, int]], lines: list[tuple[int, int]]
) -> list[Leak]:
    out = []
    for m in _candidates(CARD_CANDIDATE, text, lines):
        if _overlaps(m.start(), m.end(), claimed):
            continue
        digits = only_digits(m.group(0))
        if not luhn_ok(digits) or _in_url(text, m.start(), m.end()):
            continue
        before = text[max(0, m.start() - 20) : m.start()]
        if not (digits.startswith("62") or _CARD_LABEL.search(before)):
            continue
        if len(digits) == 18 and is_credit_code(digits):
            continue
        if _BODY_ACCOUNT.search(text[max(0, m.start() - 80) : m.start()]):
            continue
        out.append(_leak(text, "bank_card", mask_card(digits), digits, m))
    return out


def _mobile_leaks(
    text: str,
    claimed: list[tuple[int, int]],
    ids: list[Leak],
    contact: re.Pattern[str] | None,
    lines: list[tuple[int, int]],
) -> list[Leak]:
    out = []
    for m in _candidates(MOBILE_CANDIDATE, text, lines):
        if _overlaps(m.start(), m.end(), claimed) or _in_url(text, m.start(), m.end()):
            continue
        if contact is not None:
            line_start = text.rfind("\n", 0, m.start()) + 1
            before = text[max(line_start, m.start() - 16) : m.start()]
            if contact.search(before) and not _id_nearby(text, m.start(), m.end(), ids):
                continue
        digits = only_digits(m.group(1))
        out.append(_leak(text, "mobile", mask_mobile(digits), digits, m))
    return out


def _leak(text: str, kind: str, masked: str, raw: str, m: re.Match[str]) -> Leak:
    window = masked_window(text, m.start(), m.end())
    return Leak(kind, masked, hash(raw), m.start(), m.end(), window)


def _id_nearby(text: str, start: int, end: int, ids: list[Leak]) -> bool:
    """An ID number on the same line or within 80 characters: an applicant's row, not an office."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return any(
        (line_start <= x.start < line_end) or abs(x.start - start) <= 80 or abs(x.end - end) <= 80
        for x in ids
    )


def _findings(
    url: str, leaks: list[Leak], attachment: Attachment | None = None
) -> Iterator[Finding]:
    by_kind: dict[str, list[Leak]] = {}
    for leak in leaks:
        by_kind.setdefault(leak.kind, []).append(leak)
    for kind in ("id_card", "bank_card", "mobile"):
        found = by_kind.get(kind)
        if not found:
            continue
        distinct: dict[int, Leak] = {}
        for leak in found:
            distinct.setdefault(leak.key, leak)
        first = found[0]
        examples = list(distinct.values())[:EXAMPLES]
        details: dict[str, Any] = {
            "kind": kind,
            "masked": first.masked,
            "count": len(distinct),
            "examples": [x.masked for x in examples],
            "context": first.context,
        }
        title = f"疑似泄露{_TITLE[kind]}（{len(distinct)}个）"
        if attachment is not None:
            title = f"{attachment.heading()}{title}"
            details.update(
                attachment.details(), locations=[attachment.location(x.start) for x in examples]
            )
        yield Finding(
            id=fingerprint("privacy_leak", url, kind),  # an attachment's URL: one per file
            check="privacy_leak",
            severity=SEVERITY[kind],
            page_url=attachment.page_url if attachment else url,
            title=title,
            details=details,
        )


def _regexes(key: str, patterns: list[str]) -> list[re.Pattern[str]]:
    return [compile_pattern(f"checks.privacy_leak.{key}", p) for p in patterns]
