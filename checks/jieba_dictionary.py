"""jieba's dictionary in ~3 MB instead of ~70: its words and their prefixes in a marisa trie, their
counts in an array beside it.

Both text checks cut text with jieba near their hits and look words up in its dictionary
(checks/wordmatch.py, checks/typo_detector.py). jieba keeps that dictionary as a dict of ~500,000
entries, every word and every prefix of one (a prefix that is no word counts 0): ~70 MB in each
process that checks texts, which is the audit's helper all through the crawl. `Frequencies`
answers the same questions (`in`, `[]`, `get`, `items`, `len`) from a trie (marisa-trie, C++),
made from jieba's own dict once per machine and kept in the cache directory; reading it back
takes milliseconds. jieba cuts ~2x slower with it, which the audit does not notice: it cuts
only the few blocks around a hit (benchmarks/README.md, "Session 10").
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import tempfile
from array import array
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import marisa_trie

log = logging.getLogger(__name__)

CACHE_VERSION = 1  # bump when the file's form changes


class Frequencies(Mapping[str, int]):
    """jieba's FREQ, read only: a word's count, 0 for a prefix of a word that is no word itself."""

    __slots__ = ("_trie", "_counts")

    def __init__(self, trie: marisa_trie.Trie, counts: array) -> None:
        self._trie, self._counts = trie, counts

    def __contains__(self, word: object) -> bool:
        return word in self._trie

    def __getitem__(self, word: str) -> int:
        return self._counts[self._trie[word]]  # KeyError for a string it does not hold

    def get(self, word: str, default: int | None = None) -> int | None:  # type: ignore[override]
        key = self._trie.get(word)
        return default if key is None else self._counts[key]

    def __len__(self) -> int:
        return len(self._trie)

    def __iter__(self) -> Iterator[str]:
        return iter(self._trie)

    def items(self) -> Iterator[tuple[str, int]]:  # type: ignore[override]
        counts = self._counts
        return ((word, counts[key]) for word, key in self._trie.iteritems())


def cache_dir() -> Path:
    """Where the text checks keep what they make once per machine (~/.cache/govaudit)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "govaudit"


def load() -> tuple[Frequencies, int]:
    """jieba's default dictionary as (FREQ, total), from the cache file when it is there."""
    import jieba
    import marisa_trie  # late, as jieba: most audit processes never check a text

    source = Path(jieba.__file__).with_name("dict.txt")
    digest = hashlib.sha1(source.read_bytes()).hexdigest()[:16]
    path = cache_dir() / f"jieba-dict-{CACHE_VERSION}-{digest}.marshal"
    try:
        trie_bytes, raw, total = marshal.loads(path.read_bytes())
        counts = array("I")
        counts.frombytes(raw)
        trie = marisa_trie.Trie().frombytes(trie_bytes)
        if len(trie) == len(counts):
            return Frequencies(trie, counts), total
    except (OSError, ValueError, EOFError, TypeError, RuntimeError):
        pass
    frequencies, total = _from_jieba()
    _save(path, frequencies, total)
    return frequencies, total


def _from_jieba() -> tuple[Frequencies, int]:
    """jieba's own reading of its dictionary (its dict of ~70 MB, dropped once copied)."""
    import jieba
    import marisa_trie

    tok = jieba.Tokenizer()
    tok.initialize()
    trie = marisa_trie.Trie(tok.FREQ)
    counts = array("I", bytes(4 * len(trie)))
    for word, count in tok.FREQ.items():
        counts[trie[word]] = count
    return Frequencies(trie, counts), tok.total


def _save(path: Path, frequencies: Frequencies, total: int) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            data = (frequencies._trie.tobytes(), frequencies._counts.tobytes(), total)
            fh.write(marshal.dumps(data))
        os.replace(tmp, path)  # concurrent audits: the last complete file wins
    except OSError as e:
        log.debug("分词词典：缓存文件无法写入（%s）", e)
