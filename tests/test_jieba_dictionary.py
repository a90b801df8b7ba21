"""jieba's dictionary in a trie (checks/jieba_dictionary.py) answers as jieba's own dict."""

from __future__ import annotations

import jieba
import pytest

from govaudit.checks import jieba_dictionary


@pytest.fixture(scope="module")
def jieba_freq() -> tuple[dict[str, int], int]:
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok.FREQ, tok.total


def test_the_trie_holds_every_word_and_prefix_with_its_count(tmp_path, monkeypatch, jieba_freq):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    freq, total = jieba_freq
    made, made_total = jieba_dictionary.load()  # made from jieba's, and kept
    read, read_total = jieba_dictionary.load()  # read back from the cache file
    assert list((tmp_path / "govaudit").glob("jieba-dict-*.marshal"))
    for ours, ours_total in ((made, made_total), (read, read_total)):
        assert ours_total == total and len(ours) == len(freq)
        assert dict(ours.items()) == freq
        assert ours["中华人民共和国"] == freq["中华人民共和国"] > 0
        assert "中华人" in ours and ours["中华人"] == 0 == ours.get("中华人")  # a prefix only
        assert "办公厅函" not in freq
        assert (
            "办公厅函" not in ours and ours.get("办公厅函") is None and ours.get("办公厅函", 0) == 0
        )
        with pytest.raises(KeyError):
            ours["办公厅函"]


def test_jieba_cuts_the_same_with_it(tmp_path, monkeypatch, jieba_freq):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    freq, total = jieba_freq
    text = "国务院办公厅关于印发全国一体化政务服务平台建设指南的通知，深化放管服改革。"
    ours = jieba.Tokenizer()
    ours.FREQ, ours.total, ours.initialized = *jieba_dictionary.load(), True
    theirs = jieba.Tokenizer()
    theirs.FREQ, theirs.total, theirs.initialized = freq, total, True
    for hmm in (False, True):
        assert list(ours.cut(text, HMM=hmm)) == list(theirs.cut(text, HMM=hmm))


@pytest.mark.parametrize("content", [b"", b"not marshal", b"\xe9\x03\x00\x00"])
def test_a_broken_cache_file_is_made_again(tmp_path, monkeypatch, jieba_freq, content):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    jieba_dictionary.load()
    (path,) = (tmp_path / "govaudit").glob("jieba-dict-*.marshal")
    path.write_bytes(content)
    ours, total = jieba_dictionary.load()
    assert total == jieba_freq[1] and len(ours) == len(jieba_freq[0])
    assert path.stat().st_size > 1_000_000
