"""The wordlist loader: format, merge order, and errors that name file and line."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import jieba
import pytest

from govaudit.core.config import ConfigError
from govaudit.wordlists import (
    BUILTIN_FILES,
    CATEGORIES,
    builtin_paths,
    load_wordlists,
    read_wordlist,
)

TYPO_FILES = ("typo.tsv", "variant_words.tsv", "variant_characters.tsv")


def write(tmp_path: Path, text: str, name: str = "mine.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_lists_load_with_hundreds_of_entries_in_every_category():
    wl = load_wordlists()
    counts = {c: sum(e.category == c for e in wl.terms.values()) for c in CATEGORIES}
    assert sum(counts.values()) >= 400
    assert all(n >= 20 for n in counts.values()), counts
    assert len(wl.rules) >= 8
    assert [p.name for p in builtin_paths()] == list(BUILTIN_FILES)


def test_builtin_entries_are_well_formed():
    wl = load_wordlists()
    for entry in wl.terms.values():
        assert entry.term and entry.term == entry.term.strip()
        assert entry.suggestion != entry.term
        if entry.category != "sensitive":
            assert entry.suggestion, entry.origin
        if entry.category == "outdated":
            assert entry.since is not None, f"{entry.origin}: outdated names carry a date"
    assert wl.terms["国家卫生和计划生育委员会"].since == date(2018, 3, 21)
    assert wl.terms["国家卫生和计划生育委员会"].suggestion == "国家卫生健康委员会"
    # Kept as name plates or still current: must never be listed.
    for current in ("国家海洋局", "社保局", "人社局", "国家乡村振兴局", "国家广电总局", "政府"):
        assert current not in wl.terms


def test_no_wrong_form_is_a_common_word():
    """A 'wrong' term that jieba's dictionary knows as a frequent word is suspect (issue 5)."""
    tok = jieba.Tokenizer()
    tok.initialize()
    frequent = {
        t: tok.FREQ.get(t, 0)
        for t, e in load_wordlists().terms.items()
        if e.category == "typo" and tok.FREQ.get(t, 0) > 500
    }
    assert frequent == {}


def test_every_typo_entry_names_a_source_with_its_licence():
    """Provenance per entry (issue 21): the note starts with a key of wordlists/sources.tsv,
    which gives the source, its licence or status, and where it was read."""
    base = builtin_paths()[0].parent
    rows = [
        line.split("\t")
        for line in (base / "sources.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    header, *sources = rows
    assert header == ["key", "source", "licence or status", "where"]
    assert all(len(r) == 4 and all(c.strip() for c in r) for r in sources), sources
    keys = {r[0] for r in sources}
    for name in TYPO_FILES:
        for entry in read_wordlist(base / name):
            assert re.match(r"[A-Z][A-Z0-9]*", entry.note)[0] in keys, entry.origin
    assert "similar_shape.tsv" in keys and (base / "NOTICE").is_file()


def test_full_format_with_severity_note_and_since(tmp_path):
    path = write(
        tmp_path,
        "# comment\n\n人社\ttypo\t人社局\tminor\tsynthetic\t2020-01-01\n赌场\tsensitive\t\r\n",
    )
    entries = read_wordlist(path)
    assert [e.term for e in entries] == ["人社", "赌场"]
    first, second = entries
    assert (first.severity, first.note, first.since) == ("minor", "synthetic", date(2020, 1, 1))
    assert first.origin == f"{path}:3"
    assert second.suggestion is None and second.severity == "critical"


def test_default_severities_per_category(tmp_path):
    path = write(tmp_path, "甲\tsensitive\t\n乙\tpolitical\t丙\n丁\toutdated\t戊\n己\ttypo\t庚\n")
    wl = load_wordlists([path], builtins=False)
    assert {t: e.severity for t, e in wl.terms.items()} == {
        "甲": "critical",
        "乙": "critical",
        "丁": "major",
        "己": "major",
    }


def test_user_file_overrides_and_switches_off_builtin_entries(tmp_path):
    path = write(tmp_path, "按装\ttypo\t安装\tminor\n震憾\ttypo\t震撼\toff\n")
    wl = load_wordlists([path])
    assert wl.terms["按装"].severity == "minor"
    assert "震憾" not in wl.terms
    assert "松驰" in wl.terms


def test_context_rule_is_compiled(tmp_path):
    path = write(tmp_path, "re:(?P<term>截止)(?=\\d{4}年)\ttypo\t截至\n")
    (rule,) = load_wordlists([path], builtins=False).rules
    assert rule.is_rule and rule.pattern.search("截止2024年").group("term") == "截止"


def test_allow_entries_protect_correct_words(tmp_path):
    path = write(tmp_path, "人社\ttypo\t人社局\n华人社区\tallow\t\n")
    wl = load_wordlists([path], builtins=False)
    assert list(wl.terms) == ["人社"] and wl.allow == ("华人社区",)
    assert "筚路蓝缕" in load_wordlists().allow


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.tsv"
    path.write_bytes("\ufeff按装\ttypo\t安装\n".encode())
    assert list(load_wordlists([path], builtins=False).terms) == ["按装"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("只有一列", "实际有 1 列"),
        ("按装\ttypo", "实际有 2 列"),
        ("a\ttypo\tb\tmajor\tnote\t2020-01-01\textra", "实际有 7 列"),
        ("按装\tspelling\t安装", "未知的类别 'spelling'"),
        ("按装\ttypo\t安装\tfatal", "未知的严重程度 'fatal'"),
        ("农业部\toutdated\t农业农村部\t\t\t2018-13-01", "起始日期 '2018-13-01' 不是日期"),
        ("农业部\toutdated\t农业农村部\t\t\t20180321", "起始日期 '20180321' 不是日期"),
        ("\ttypo\t安装", "词语为空"),
        ("re:(截止\ttypo\t截至", "正则表达式有误"),
        ("re:截止\tallow\t", "allow 类别只能是普通词语"),
    ],
)
def test_errors_name_file_and_line(tmp_path, line, message):
    path = write(tmp_path, f"# header comment\n按装\ttypo\t安装\n{line}\n")
    with pytest.raises(ConfigError) as err:
        load_wordlists([path])
    assert str(err.value).startswith(f"{path}:3: ")
    assert message in str(err.value)


def test_non_utf8_file_names_the_line(tmp_path):
    path = tmp_path / "gbk.tsv"
    path.write_bytes("按装\ttypo\t安装\n".encode() + "松驰\ttypo\t松弛\n".encode("gbk"))
    with pytest.raises(ConfigError, match=r"gbk\.tsv:2: 不是 UTF-8 编码"):
        load_wordlists([path])


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="无法读取词表"):
        load_wordlists([tmp_path / "nope.tsv"])


def test_chinese_category_and_severity_names_are_accepted(tmp_path):
    path = write(
        tmp_path,
        "按装\t错别字\t安装\n赌博网站\t敏感词\t\n国家卫计委\t过时表述\t国家卫健委\n"
        "中国共产觉\t政治性表述\t中国共产党\t一般\n筚路蓝缕\t白名单\t\n",
    )
    wl = load_wordlists([path], builtins=False)
    assert {t: (e.category, e.severity) for t, e in wl.terms.items()} == {
        "按装": ("typo", "major"),
        "赌博网站": ("sensitive", "critical"),
        "国家卫计委": ("outdated", "major"),
        "中国共产觉": ("political", "major"),
    }
    assert wl.allow == ("筚路蓝缕",)


def test_unknown_category_lists_the_chinese_names_too(tmp_path):
    path = write(tmp_path, "按装\t别写错\t安装\n")
    with pytest.raises(ConfigError, match="错别字") as err:
        load_wordlists([path], builtins=False)
    assert "'别写错'" in str(err.value) and "typo" in str(err.value)


def test_no_term_is_listed_twice_in_the_builtin_lists():
    """A later file overrides an earlier one term by term: a term in two built-in files would
    silently take the second one's severity and source."""
    seen: dict[str, str] = {}
    for path in builtin_paths():
        for entry in read_wordlist(path):
            assert entry.term not in seen, (entry.origin, seen[entry.term])
            seen[entry.term] = entry.origin
