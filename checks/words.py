"""Wrong and sensitive words (错敏字) in the titles and body text of the site's own pages and
in the text of its attachments (pdf, doc/docx, xls/xlsx, wps, et; checks/site_texts.py).

Yields `wrong_word` (typo, outdated, political) and `sensitive_word` (sensitive) findings, one per
(page, term) with the number of occurrences and the first occurrence's sentence (personal numbers
masked). Matching is in checks/wordmatch.py; the lists and their format in wordlists/.
An attachment's finding is one per (file, term), whichever pages link to it: `page_url` is the
first linking page, `attachment_url`, `attachment_name`, `location` (名单!C2, 第3页) and
`source_pages` say where; dated rules use the linking page's 发布日期.

Settings, `[checks.words]`:
    wordlists          user TSV files, relative to the profile (`resolve_rules` adds --wordlist)
    builtin_lists      use the lists shipped in wordlists/ (default true)
    whitelist_terms    terms never reported; a hit inside a whitelisted string (美国农业部) is not
                       reported either
    whitelist_pages    regexes: pages whose URL matches one are not checked (a page that quotes
                       an old agency name on purpose)
    flag_undated_pages an outdated name on a page without a publication date is reported (the
                       page may be current); false reports only dated pages
    historical_context regex: a sentence that speaks of the reform itself (不再保留, 更名为 …) may
                       name the old body
    warning_context    regex: a sentence (or a page title) that warns of the thing or speaks of
                       fighting it (谨防网络赌博, 打击诈骗, 揭批邪教): a sensitive term there is still
                       reported, as a 提示 (minor) "出现在警示语境，请人工确认" with the sentence,
                       for the staff to decide in the review (issue 21: a term from a list is
                       never dropped by a guess about its context; whitelists are the user's)
    sensitive_exempt   the older name of `warning_context` (it used to drop such hits); when
                       given it replaces `warning_context`
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from govaudit.checks.site_texts import (
    Attachment,
    PageCheck,
    attachments,
    checked_pages,
    text_url,
)
from govaudit.checks.wordmatch import Hit, WordMatcher, forget_base_dictionary
from govaudit.core.config import AuditConfig, ConfigError, compile_pattern
from govaudit.core.masking import mask_personal_numbers, masked_window
from govaudit.core.model import Finding, PageRecord, fingerprint
from govaudit.core.store import AuditView
from govaudit.wordlists import load_wordlists

# The check scans the text of every page and attachment, so its cost grows with the site's text:
# the roof runs it in its helper process, beside the other checks (govaudit/helper.py).
SCANS_TEXT = True
SECTION = "words"
DEFAULTS: dict[str, Any] = {
    "wordlists": [],
    "builtin_lists": True,
    "whitelist_terms": [],
    "whitelist_pages": [],
    "flag_undated_pages": True,
    "historical_context": (
        "不再保留|不再设立|更名|改名|撤销|撤并|职责整合|整合组建|重新组建|划入|划转|并入|合并|机构改革"
    ),
    "warning_context": (
        "打击|整治|严打|扫黄|打非|严禁|禁止|查处|取缔|举报|防范|警惕|谨防|抵制|揭批|揭露|反对|"
        "涉嫌|犯罪|违法|非法|邪教|诈骗|依法|远离|危害|拒绝|恐怖|分裂|专项行动|案件|破获"
    ),
    "sensitive_exempt": None,  # the older name of warning_context (None: not given)
}
CHECK_OF = {
    "sensitive": "sensitive_word",
    "typo": "wrong_word",
    "outdated": "wrong_word",
    "political": "wrong_word",
}
_LABEL = {
    "sensitive": "敏感词",
    "typo": "错别字",
    "outdated": "过时表述",
    "political": "政治性表述错误",
}

# An old name preceded by 原 (原国家卫生计生委, 原湖南省卫生计生委, 原市环保局) is a historical reference.
_FORMER = re.compile(r"原(?:[\u4e00-\u9fa5]{0,10}?[省市县区州盟旗])?\s*$")
# Outdated Chinese ministry names are also the names of foreign ministries (美国农业部, 日本文化部).
_FOREIGN = re.compile(
    r"(?:美国|英国|法国|德国|日本|韩国|朝鲜|俄罗斯|俄|加拿大|澳大利亚|新西兰|意大利|西班牙|葡萄牙|荷兰|"
    r"比利时|瑞士|瑞典|挪威|丹麦|芬兰|冰岛|爱尔兰|奥地利|波兰|捷克|匈牙利|希腊|乌克兰|土耳其|以色列|"
    r"伊朗|伊拉克|沙特|阿联酋|卡塔尔|埃及|南非|尼日利亚|肯尼亚|印度|巴基斯坦|孟加拉国|斯里兰卡|尼泊尔|"
    r"泰国|越南|老挝|柬埔寨|缅甸|马来西亚|新加坡|印度尼西亚|印尼|菲律宾|蒙古|哈萨克斯坦|巴西|阿根廷|"
    r"智利|秘鲁|哥伦比亚|墨西哥|古巴|欧盟|外国|该国|各国|联邦)(?:政府|联邦)?\s*$"
)
# A document's number (文号): 〔2021〕12号, [2021]12号, (2021)第12号.
_DOC_NUMBER = re.compile(r"[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d+\s*号")
CITATION_REACH = 60  # characters from the term to its title's 》 or to the 文号 after it
_SENTENCE_END = "。！？；!?;\n"
WARNING_WORDING = "出现在警示语境，请人工确认"
CONTEXT_CHARS = 20  # ±20 characters when the sentence is long (issue 5)
MAX_SENTENCE = 80


def run(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterator[Finding]:
    """Findings for every internal HTML page and readable attachment; `as_of` is unused (dates
    come from the pages)."""
    yield from checked_pages(view, page_check(rules, as_of))
    yield from file_findings(view, rules, as_of)


def page_check(rules: dict[str, Any], as_of: date) -> PageCheck:
    """One page's findings (run as the page is written, govaudit/text_checks.py)."""
    matcher, skip, historical, warning, undated = _prepared(rules)

    def check(view: AuditView, page: PageRecord) -> list[Finding]:
        url = text_url(page, skip)
        if url is None:
            return []
        linked = partial(linked_titles, view, page.url)
        return list(page_findings(page, url, matcher, historical, warning, undated, linked))

    return check


def file_findings(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterator[Finding]:
    """Findings in the readable attachments (their linking pages are known after the crawl)."""
    matcher, skip, historical, warning, undated = _prepared(rules)
    for attachment in attachments(view, readable=True):
        if not any(p.search(attachment.url) for p in skip):
            yield from attachment_findings(attachment, matcher, historical, warning, undated)


def _prepared(
    rules: dict[str, Any],
) -> tuple[WordMatcher, list[re.Pattern[str]], re.Pattern[str], re.Pattern[str], bool]:
    """The matcher, the page patterns, the two context patterns and `flag_undated_pages`."""
    matcher = matcher_for(
        tuple(rules["wordlists"]), bool(rules["builtin_lists"]), tuple(rules["whitelist_terms"])
    )
    historical = _regexes("historical_context", [rules["historical_context"]])[0]
    skip = _regexes("whitelist_pages", rules["whitelist_pages"])
    return matcher, skip, historical, warning_pattern(rules), bool(rules["flag_undated_pages"])


def resolve_rules(rules: dict[str, Any], config: AuditConfig) -> dict[str, Any]:
    """The profile's lists (relative to the profile's folder) and then the --wordlist flags'
    (relative to where the command runs), each an existing file."""
    given = rules["wordlists"]
    profile = [given] if isinstance(given, str) else list(given)
    paths = [str(Path(config.base_dir) / p) for p in profile] + list(config.wordlists)
    for path in paths:
        if Path(path).is_dir():
            raise ConfigError(f"词表 {path} 是目录，不是 TSV 文件")
        if not Path(path).is_file():
            raise ConfigError(f"词表 {path} 不存在")
    return {**rules, "wordlists": paths}


def warm(rules: dict[str, Any]) -> None:
    """Build the matcher and its tokenizer now, not at the first page that needs them."""
    matcher_for(
        tuple(rules["wordlists"]), bool(rules["builtin_lists"]), tuple(rules["whitelist_terms"])
    ).tokenizer()


def release() -> None:
    """Drop what `warm` built (the matchers, jieba's dictionary): a helper process done with
    the text checks goes on to write the xlsx."""
    matcher_for.cache_clear()
    forget_base_dictionary()


def validate_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """Read the wordlists and compile the patterns now, so a bad line stops the audit before
    the crawl (one line naming file and line number) instead of after it."""
    load_wordlists(tuple(rules["wordlists"]), builtins=bool(rules["builtin_lists"]))
    _regexes("whitelist_pages", rules["whitelist_pages"])
    _regexes("historical_context", [rules["historical_context"]])
    warning_pattern(rules)
    return rules


def warning_pattern(rules: dict[str, Any]) -> re.Pattern[str]:
    """The warning-context regex: `warning_context`, or the older `sensitive_exempt` if given."""
    if rules.get("sensitive_exempt") is not None:
        return _regexes("sensitive_exempt", [str(rules["sensitive_exempt"])])[0]
    return _regexes("warning_context", [rules["warning_context"]])[0]


@lru_cache(maxsize=4)
def matcher_for(paths: tuple[str, ...], builtins: bool, allow: tuple[str, ...]) -> WordMatcher:
    """One matcher per wordlist set and process: the tokenizer behind it costs about a second."""
    return WordMatcher(load_wordlists(paths, builtins=builtins), allow)


def page_findings(
    page: PageRecord,
    url: str,
    matcher: WordMatcher,
    historical: re.Pattern[str],
    warning: re.Pattern[str],
    flag_undated: bool = True,
    titles_linked: Callable[[], list[str]] | None = None,
) -> Iterator[Finding]:
    """`titles_linked`: the texts of the page's links (read only for a page with an outdated
    name): a name inside a linked document's title is a citation."""
    text = f"{page.title}\n{page.text}" if page.title else page.text
    by_term = _hits_by_term(
        text, (page.title,), page.published, matcher, historical, warning, flag_undated
    )
    own_number = page.meta.get("文号") or ""
    linked: list[str] | None = None
    for term, found in by_term.items():
        hits = [o.hit for o in found]
        if linked is None and hits[0].entry.category == "outdated" and titles_linked:
            linked = titles_linked()
        citation = _cited(hits, text, own_number, linked or ())
        yield _finding(url, term, found, text, citation=citation)


LINKED_TITLE_MIN = 8  # characters: a document's title, not a menu word


def linked_titles(view: AuditView, url: str) -> list[str]:
    """The anchor texts of a page's content links long enough to be a document's title."""
    return [
        link.text
        for _, link in view.links(sources=[url], tags=["a"], boilerplate=False)
        if len(link.text) >= LINKED_TITLE_MIN
    ]


def attachment_findings(
    attachment: Attachment,
    matcher: WordMatcher,
    historical: re.Pattern[str],
    warning: re.Pattern[str],
    flag_undated: bool = True,
) -> Iterator[Finding]:
    """Findings in an attachment's text (its name is checked on the page that links to it)."""
    text = attachment.record.text
    titles = (attachment.name, attachment.source_title)
    published = attachment.source_published
    by_term = _hits_by_term(text, titles, published, matcher, historical, warning, flag_undated)
    for term, found in by_term.items():
        citation = _cited([o.hit for o in found], text, "")
        yield _finding(attachment.url, term, found, text, attachment, citation)


@dataclass(frozen=True)
class Occurrence:
    """One reportable hit, and for a sensitive term in a warning context why the context is
    one (所在句含“谨防”): such a hit is still reported, as a hint for the staff to judge."""

    hit: Hit
    warning: str | None = None


def _hits_by_term(
    text: str,
    titles: tuple[str, ...],
    published: date | None,
    matcher: WordMatcher,
    historical: re.Pattern[str],
    warning: re.Pattern[str],
    flag_undated: bool,
) -> dict[str, list[Occurrence]]:
    # A page titled for the fight (开展反邪教宣传, 扫黄打非专项行动) may name what it fights anywhere:
    # its title is the context of every sentence that has no warning word of its own.
    titled = next((m for t in titles if t for m in [warning.search(t)] if m), None)
    by_term: dict[str, list[Occurrence]] = {}
    for hit in matcher.find(text):
        if not _applies(hit, text, published, historical, flag_undated):
            continue
        why = None
        if hit.entry.category == "sensitive":
            why = _warning_of(hit, text, warning, titled)
        by_term.setdefault(hit.term, []).append(Occurrence(hit, why))
    return by_term


def _warning_of(
    hit: Hit, text: str, warning: re.Pattern[str], titled: re.Match[str] | None
) -> str | None:
    """Why the hit stands in a warning or crackdown context, in words, or None."""
    cue = warning.search(_sentence(text, hit.start, hit.end))
    if cue:
        return f"所在句含“{cue.group()}”"
    if titled:
        return f"标题含“{titled.group()}”"
    return None


def _applies(
    hit: Hit,
    text: str,
    published: date | None,
    historical: re.Pattern[str],
    flag_undated: bool,
) -> bool:
    """Whether the listed error is one here: a dated rule on an older page, a former (原…) or
    foreign body, or the reform itself named in the sentence is no outdated expression."""
    entry = hit.entry
    if entry.since is not None:
        if published is None and not flag_undated:
            return False
        if published is not None and published < entry.since:
            return False
    before = text[max(0, hit.start - 16) : hit.start]
    if entry.category == "outdated":
        if _FORMER.search(before) or _FOREIGN.search(before):
            return False
        if historical.search(_sentence(text, hit.start, hit.end)):
            return False
    return True


def citation_of(text: str, start: int, end: int, own_number: str = "") -> str | None:
    """Why the term at [start, end) is part of a cited document's name, or None: inside the
    title marks 《…》 (《国家卫生计生委关于…的通知》), or in a title followed by its 文号
    (…行政处罚决定书（金银保监罚决字〔2021〕12号）). A document keeps the name it was issued
    under: citing it is no outdated expression. The page's own 文号 cites nothing."""
    lo = max(0, start - CITATION_REACH)
    opened = text.rfind("《", lo, start)
    if opened >= 0 and "》" not in text[opened:start]:
        closed = text.find("》", end, end + CITATION_REACH)
        if closed >= 0 and "《" not in text[end:closed]:
            return "出现在引用的文件名称《》中"
    sentence_end = _sentence_span(text, start, end)[1]
    after = text[end : min(sentence_end, end + CITATION_REACH)]
    number = _DOC_NUMBER.search(after)
    if number and not (
        own_number and _DOC_NUMBER.search(own_number) and number.group() in own_number
    ):
        return "出现在引用文件的标题中（其后为文号）"
    return None


def _cited(hits: list[Hit], text: str, own_number: str, linked: Sequence[str] = ()) -> str | None:
    """The reason when every hit of an outdated term is in a citation (else None)."""
    if hits[0].entry.category != "outdated":
        return None
    reasons = [
        citation_of(text, h.start, h.end, own_number) or _in_linked_title(text, h, linked)
        for h in hits
    ]
    return reasons[0] if all(reasons) else None


def _in_linked_title(text: str, hit: Hit, linked: Sequence[str]) -> str | None:
    """Whether the hit lies inside the text of a link to a (cited) document."""
    for title in linked:
        if hit.term not in title:
            continue
        at = text.find(title, max(0, hit.end - len(title)), hit.start + len(title))
        if at != -1 and at <= hit.start and hit.end <= at + len(title):
            return "出现在链接的文件标题中"
    return None


def _finding(
    url: str,
    term: str,
    found: list[Occurrence],
    text: str,
    attachment: Attachment | None = None,
    citation: str | None = None,
) -> Finding:
    entry = found[0].hit.entry
    check = CHECK_OF[entry.category]
    label = _LABEL[entry.category]
    # A term said once as a warning and once plainly is an error: show the plain occurrence.
    warned = all(o.warning for o in found)
    shown = found[0] if warned else next(o for o in found if not o.warning)
    hit = shown.hit
    suggestion = entry.suggestion_for(term)  # a rule's suggestion is made for its term
    if suggestion:
        title = f"{label}：“{term}”应为“{suggestion}”"
    else:
        title = f"{label}：{'文件' if attachment else '页面'}出现“{term}”"
    if citation:  # at most a hint: the cited document may bear its old name rightly
        title = f"提示：{label}“{term}”{citation}，请核实是否为历史文件名称"
    if warned:  # at most a hint: the page may name the scam it warns of, the staff decide
        title = f"提示：{label}“{term}”{WARNING_WORDING}"
    details: dict[str, Any] = {
        "term": term,
        "suggestion": suggestion,
        "context": snippet(text, hit.start, hit.end),
        "category": entry.category,
        "count": len(found),
    }
    if entry.note:
        details["note"] = entry.note
    if entry.since:
        details["since"] = entry.since.isoformat()
    if citation:
        details["citation"] = citation
    if warned:
        details["warning_context"] = shown.warning
    if attachment is not None:
        title = f"{attachment.heading()}{title}"
        details.update(attachment.details(), location=attachment.location(hit.start))
    return Finding(
        id=fingerprint(check, url, term),  # an attachment's URL: one finding per file and term
        check=check,
        severity="minor" if citation or warned else entry.severity,
        page_url=attachment.page_url if attachment else url,
        title=title,
        details=details,
    )


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(ch, max(0, start - MAX_SENTENCE), start) for ch in _SENTENCE_END)
    lo = left + 1 if left >= 0 else max(0, start - MAX_SENTENCE)
    ends = [text.find(ch, end, end + MAX_SENTENCE) for ch in _SENTENCE_END]
    found = [i for i in ends if i >= 0]
    hi = min(found) + 1 if found else min(len(text), end + MAX_SENTENCE)
    return lo, hi


def _sentence(text: str, start: int, end: int) -> str:
    lo, hi = _sentence_span(text, start, end)
    return text[lo:hi]


def snippet(text: str, start: int, end: int) -> str:
    """The sentence around [start, end), or ±20 characters when it is long; numbers masked."""
    lo, hi = _sentence_span(text, start, end)
    if hi - lo > MAX_SENTENCE:
        return masked_window(text, start, end, CONTEXT_CHARS)
    return mask_personal_numbers(" ".join(text[lo:hi].split()))


def _regexes(key: str, patterns: list[str]) -> list[re.Pattern[str]]:
    return [compile_pattern(f"checks.words.{key}", p) for p in patterns]
