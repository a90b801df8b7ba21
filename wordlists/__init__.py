"""Wordlists of wrong and sensitive wording (错敏字), and their loader.

File format (the output contract of DESIGN.md, shared with user files given by --wordlist):

    term<TAB>category<TAB>suggestion[<TAB>severity<TAB>note<TAB>since]

UTF-8, `#` starts a comment line, blank lines are ignored. `category` is one of sensitive, typo,
outdated, political, or its Chinese name (敏感词, 错别字, 过时表述, 政治性表述 ...: `CATEGORY_ALIASES`);
a severity may be written 严重, 一般, 提示 or 关闭 too. `suggestion` may be empty (sensitive words: delete them). `severity`
(critical, major, minor) overrides the category's default; `since` (YYYY-MM-DD) is the date from
which the term is wrong (an agency renamed in a reform is right on pages published before it).

Category `allow` (an extension of the contract's four) names a correct word that contains a listed
term, e.g. 筚路蓝缕 (the classical idiom) around 蓝缕: it is never reported and the tokenizer keeps it
whole. It works like the check's `whitelist_terms`, but lives beside the entries it protects.

A term written `re:<regex>` is a context rule: the error needs its neighbours (截止 followed by a
date, 登陆 with 网站, a plenum that was never held). The reported term is the regex's `term` group
if it has one, else the whole match. A rule's suggestion may use its named groups
(`\\g<name>`, `Entry.suggestion_for`), so it is the corrected term rather than a pattern.
Plain terms are matched as words (see checks/words.py);
context rules are matched as written.

The built-in lists are the `*.tsv` files next to this module, one per category plus
`context.tsv`, the typos in three (typo.tsv: misspellings; variant_words.tsv: 异形词;
variant_characters.tsv: 异体字); later files override earlier ones term by term, so a user file
can change the severity of a built-in entry or switch it off (give it severity `off`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from govaudit.core.config import ConfigError
from govaudit.core.model import SEVERITIES

CATEGORIES = ("sensitive", "typo", "outdated", "political")
ALLOW = "allow"
# The names staff write in a list they keep themselves (a wordlist made in Excel or 记事本):
# accepted as the contract's English categories and severities they stand for.
CATEGORY_ALIASES = {
    "敏感词": "sensitive",
    "敏感": "sensitive",
    "错别字": "typo",
    "错字": "typo",
    "别字": "typo",
    "异形词": "typo",
    "过时表述": "outdated",
    "过时": "outdated",
    "过时名称": "outdated",
    "过时机构名称": "outdated",
    "政治": "political",
    "政治性表述": "political",
    "政治表述": "political",
    "政治性": "political",
    "允许": ALLOW,
    "白名单": ALLOW,
    "正确词": ALLOW,
}
SEVERITY_ALIASES = {
    "严重": "critical",
    "单项否决": "critical",
    "一般": "major",
    "提示": "minor",
    "关闭": "off",
    "停用": "off",
}
# Severity by category when an entry gives none (issue 5): a sensitive word or a wrong political
# formulation is a 严重表述错误, a 单项否决 item of 国办秘函〔2019〕19号.
DEFAULT_SEVERITY = {
    "sensitive": "critical",
    "political": "critical",
    "outdated": "major",
    "typo": "major",
    ALLOW: "minor",  # never reported
}
OFF = "off"  # severity that removes an entry (a user file switching a built-in one off)
RULE_PREFIX = "re:"
BUILTIN_FILES = (
    "typo.tsv",
    "variant_words.tsv",
    "variant_characters.tsv",
    "outdated.tsv",
    "political.tsv",
    "sensitive.tsv",
    "context.tsv",
)


@dataclass(frozen=True)
class Entry:
    """One line of a wordlist: a plain term, or a context rule when `pattern` is set."""

    term: str  # the literal term, or the rule's text as written (re:...)
    category: str
    suggestion: str | None
    severity: str
    note: str = ""
    since: date | None = None
    pattern: re.Pattern[str] | None = None
    origin: str = ""  # file:line, for messages

    @property
    def is_rule(self) -> bool:
        return self.pattern is not None

    def suggestion_for(self, term: str) -> str | None:
        """The suggestion for one reported `term`: a rule's suggestion may name the rule's groups
        (`\\g<n>届\\g<p>中全会` gives 十九届四中全会 for 十九大四中全会), so that no placeholder
        such as "X届X中全会" reaches a finding."""
        if not self.suggestion or self.pattern is None or "\\g<" not in self.suggestion:
            return self.suggestion
        match = self.pattern.search(term)
        try:
            return match.expand(self.suggestion) if match else None
        except (re.error, IndexError):
            return None


@dataclass(frozen=True)
class Wordlist:
    """The merged lists: plain terms (by term) and context rules (in file order)."""

    terms: dict[str, Entry]
    rules: tuple[Entry, ...]
    allow: tuple[str, ...] = ()  # correct words that contain a term (category `allow`)

    def __len__(self) -> int:
        return len(self.terms) + len(self.rules)


def builtin_paths() -> list[Path]:
    base = resources.files(__name__)
    return [Path(str(base / name)) for name in BUILTIN_FILES]


# The project's own entries: said in Chinese to staff, not with sources.tsv's English wording.
OWN_SOURCE = "GOVAUDIT"


@cache
def sources() -> dict[str, str]:
    """Each built-in source key (sources.tsv) with the source as staff read it."""
    text = (resources.files(__name__) / "sources.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    found = {row[0]: row[1] for row in rows[1:] if len(row) > 1}
    return {**found, OWN_SOURCE: "govaudit 内置词表（本项目整理，已对照 jieba 词典和真实公文核对）"}


def entry_source(note: str) -> str | None:
    """The source of a built-in entry whose note starts with its key ("YXC1", "YWJZ; ..."), or
    None (a user's own entry)."""
    key = re.split(r"[;；,，\s]", note.strip(), maxsplit=1)[0]
    return sources().get(key)


def load_wordlists(paths: Iterable[str | Path] = (), *, builtins: bool = True) -> Wordlist:
    """The built-in lists (unless `builtins=False`) followed by the user's files, merged.

    Raises ConfigError naming file and line for any malformed entry."""
    files = [*(builtin_paths() if builtins else []), *(Path(p) for p in paths)]
    terms: dict[str, Entry] = {}
    rules: dict[str, Entry] = {}
    allow: dict[str, Entry] = {}
    for path in files:
        for entry in read_wordlist(path):
            table = allow if entry.category == ALLOW else rules if entry.is_rule else terms
            table.pop(entry.term, None)  # a later file overrides; keep its position
            if entry.severity != OFF:
                table[entry.term] = entry
    return Wordlist(terms=terms, rules=tuple(rules.values()), allow=tuple(allow))


def read_wordlist(path: str | Path) -> list[Entry]:
    """Entries of one file, in order; severity `off` entries are kept for `load_wordlists`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"{path}: 无法读取词表（{e.strerror}）") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    entries = []
    for number, line_bytes in enumerate(raw.split(b"\n"), start=1):
        where = f"{path}:{number}"
        try:
            line = line_bytes.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError:
            raise ConfigError(f"{where}: 不是 UTF-8 编码（请把词表另存为 UTF-8）") from None
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entries.append(_parse_line(line, where))
    return entries


def _parse_line(line: str, where: str) -> Entry:
    cols = [c.strip() for c in line.split("\t")]
    if len(cols) < 3 or len(cols) > 6:
        raise ConfigError(
            f"{where}: 应为 词语<TAB>类别<TAB>建议[<TAB>严重程度<TAB>说明<TAB>起始日期]，"
            f"实际有 {len(cols)} 列"
        )
    cols += [""] * (6 - len(cols))
    term, category, suggestion, severity, note, since = cols
    category = CATEGORY_ALIASES.get(category, category)
    severity = SEVERITY_ALIASES.get(severity, severity)
    if not term:
        raise ConfigError(f"{where}: 词语为空")
    if category not in (*CATEGORIES, ALLOW):
        chinese = "、".join(dict.fromkeys(CATEGORY_ALIASES))
        raise ConfigError(
            f"{where}: 未知的类别 {category!r}（可用：{', '.join(CATEGORIES)}, {ALLOW}，"
            f"或 {chinese}）"
        )
    if category == ALLOW and term.startswith(RULE_PREFIX):
        raise ConfigError(f"{where}: allow 类别只能是普通词语，不能是规则（re:）")
    if severity and severity not in (*SEVERITIES, OFF):
        raise ConfigError(
            f"{where}: 未知的严重程度 {severity!r}（可用：{', '.join(SEVERITIES)}, {OFF}，"
            f"或 {'、'.join(SEVERITY_ALIASES)}）"
        )
    try:
        since_date = date.fromisoformat(since) if since else None
    except ValueError:
        raise ConfigError(f"{where}: 起始日期 {since!r} 不是日期（YYYY-MM-DD）") from None
    if since and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
        raise ConfigError(f"{where}: 起始日期 {since!r} 不是日期（YYYY-MM-DD）")
    pattern = None
    if term.startswith(RULE_PREFIX):
        try:
            pattern = re.compile(term[len(RULE_PREFIX) :])
        except re.error as e:
            raise ConfigError(f"{where}: 正则表达式有误（{e}）") from None
        if not pattern.pattern:
            raise ConfigError(f"{where}: 正则表达式为空")
    return Entry(
        term=term,
        category=category,
        suggestion=suggestion or None,
        severity=severity or DEFAULT_SEVERITY[category],
        note=note,
        since=since_date,
        pattern=pattern,
        origin=where,
    )
