"""Find wordlist terms where they stand as words: one Aho-Corasick pass, jieba only around hits.

Why this shape (measured in /work/shared/research/text-checks.md §2):
- Substring matching alone reports 人社 inside 个人社保 and 按装 inside 按装修面积; a term counts only
  when both its ends fall on jieba token boundaries.
- jieba splits its input on every character outside `[\u4e00-\u9fd5a-zA-Z0-9+#&._%-]` and
  segments each run (block) alone, so cutting only the block around a hit gives exactly the
  tokens a whole-text cut gives. jieba runs near 1 MB/s; Aho-Corasick over the terms
  (ahocorasick_rs) runs over 100 MB/s, so only the few blocks with a hit are ever segmented.
- HMM off: with HMM on, jieba glues unknown neighbours onto a term (市人社) and hides it.
- The tokenizer is our own instance with the wordlist terms added (so a typo segments as one
  token) and with the dictionary words that hide a term removed (座落在 hides 座落, 中国卫生部
  hides 卫生部). The global `jieba.dt` is never touched, and words are removed by setting their
  frequency to 0 rather than with `del_word`, which also changes a module-global HMM set.
- The base dictionary loads once per process (about a second) and is copied per matcher.

Context rules (`re:` entries) are plain regular expressions over the text; they carry their own
context and skip the boundary check.
"""

from __future__ import annotations

import logging
import re
import threading
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import accumulate, islice
from typing import TYPE_CHECKING

import ahocorasick_rs

from govaudit.wordlists import Entry, Wordlist

if TYPE_CHECKING:
    import jieba

    from govaudit.checks.jieba_dictionary import Frequencies

log = logging.getLogger(__name__)

# jieba's block characters (jieba.re_han_default); everything else is a token of its own.
_BLOCK = re.compile("[\u4e00-\u9fd5a-zA-Z0-9+#&._%-]")

# Full-width letters and digits and the ideographic space to their half-width forms: a 1:1 map,
# so offsets in the normalised text are offsets in the page text (research §2.6; NFKC would
# change lengths). Full-width punctuation (，：；) stays: it separates blocks either way. Most pages
# hold none of these characters, and a regex search is far cheaper than a translate.
_NORMALISE = {cp: cp - 0xFEE0 for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B))}
_NORMALISE.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})
_NORMALISE[0x3000] = 0x20
_NEEDS_NORMALISING = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000]")


def normalise(text: str) -> str:
    return text.translate(_NORMALISE) if _NEEDS_NORMALISING.search(text) else text


def _spellings(term: str) -> set[str]:
    """The forms of a term the automaton looks for: as written, lower and upper case (PK10)."""
    return {term, term.lower(), term.upper()}


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which every match of `pattern` contains, or None when none is known.

    A context rule runs only on texts holding one of them: a regex that starts with a
    lookbehind or an alternation is tried at every position, a `str in` test is not."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        from re import _parser  # the stdlib parser; any surprise just disables the shortcut

        return _required(_parser.parse(pattern.pattern).data)
    except Exception:  # noqa: BLE001
        return None


def _required(seq) -> tuple[str, ...] | None:  # type: ignore[no-untyped-def]
    from re._constants import BRANCH, LITERAL, SUBPATTERN

    best: tuple[str, ...] | None = None
    run: list[str] = []

    def score(anchors: tuple[str, ...] | None) -> int:
        return min((len(a) for a in anchors), default=0) if anchors else 0

    def close_run() -> None:
        nonlocal best, run
        if run and score(("".join(run),)) > score(best):
            best = ("".join(run),)
        run = []

    for op, av in _flat(seq, SUBPATTERN):
        if op is LITERAL:
            run.append(chr(av))
            continue
        close_run()
        if op is BRANCH:
            alternatives = [_required(alt) for alt in av[1]]
            if all(alternatives):
                anchors = tuple(a for alt in alternatives for a in alt)  # type: ignore[union-attr]
                if score(anchors) > score(best):
                    best = anchors
    close_run()
    return best


def _flat(seq, subpattern):  # type: ignore[no-untyped-def]
    """The items of a parsed sequence with its mandatory groups opened up."""
    for op, av in seq:
        if op is subpattern:
            yield from _flat(av[3], subpattern)
        else:
            yield op, av


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    term: str  # the list's term, or the text a context rule matched
    entry: Entry


BLOCK_CACHE_SIZE = 50_000  # blocks are short; this bounds the cache near 10 MB
LINE_CACHE_CHARS = 8_000_000  # automaton hits by line: bounds the cache near 20 MB of Chinese
LINES_SEEN_BITS = 1 << 23  # one bit a line hash (1 MB): has a line been scanned before?

_base_lock = threading.Lock()
_base: tuple[Frequencies, int] | None = None


def _base_dictionary() -> tuple[Frequencies, int]:
    """jieba's default dictionary (FREQ, total), loaded once per process (~3 MB, see
    checks/jieba_dictionary.py)."""
    global _base
    with _base_lock:
        if _base is None:
            import jieba  # late: ~50 ms of imports (pkg_resources) that most audits never need

            from govaudit.checks.jieba_dictionary import load

            jieba.setLogLevel(logging.WARNING)
            _base = load()
        return _base


def forget_base_dictionary() -> None:
    """The next `_base_dictionary()` loads it again."""
    global _base
    with _base_lock:
        _base = None


# How far a context rule's match may reach from its anchor: before it (a lookbehind or a prefix
# such as 十九大) and after it (a lookahead to the end of the sentence, as in 既使…又).
RULE_BEFORE, RULE_AFTER = 40, 160


def _windows(spots: list[int], size: int) -> list[tuple[int, int]]:
    """Merged windows of the text around the anchor positions `spots` (in text order)."""
    merged: list[tuple[int, int]] = []
    for spot in sorted(spots):
        lo, hi = max(0, spot - RULE_BEFORE), min(size, spot + RULE_AFTER)
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


class _OwnWords(dict):
    """A matcher's jieba dictionary: its own entries (its terms added, the words that would hide
    one set to 0) over the process's shared one, which a copy would repeat (21 MB). Slower to
    look up, but jieba only cuts the blocks around a hit (0.1 % of benchmarks/text_checks)."""

    def __init__(self, shared: Mapping[str, int]) -> None:
        super().__init__()
        self.shared = shared

    def __missing__(self, word: str) -> int:
        return self.shared[word]

    def __contains__(self, word: object) -> bool:
        return dict.__contains__(self, word) or word in self.shared

    def get(self, word: str, default: int | None = None) -> int | None:  # type: ignore[override]
        if dict.__contains__(self, word):
            return dict.__getitem__(self, word)
        return self.shared.get(word, default)


class WordMatcher:
    """The compiled form of a wordlist plus the terms that must never be reported.

    `allow` holds whitelisted terms: a term in it is never reported, and a hit that lies
    inside an occurrence of an allowed string (美国农业部 around 农业部) is not reported either."""

    def __init__(self, wordlist: Wordlist, allow: Iterable[str] = ()) -> None:
        self.allow = {normalise(a) for a in (*wordlist.allow, *allow) if a}
        allowed = {s for a in self.allow for s in _spellings(a)}
        self.terms: dict[str, Entry] = {}
        for term, entry in wordlist.terms.items():
            key = normalise(term)
            if key not in allowed:
                self.terms[key] = entry
        self.rules = tuple(e for e in wordlist.rules if e.pattern)
        # One automaton finds terms, whitelisted strings and the anchors of context rules: each
        # key maps to (term or None, is whitelisted, indices of the rules it anchors).
        keys: dict[str, tuple[str | None, bool, tuple[int, ...]]] = {}
        for key in self.terms:
            for spelling in _spellings(key):
                keys[spelling] = (key, False, ())
        for key in self.allow:
            for spelling in _spellings(key):
                keys[spelling] = (None, True, ())
        self._unanchored: list[int] = []
        for i, entry in enumerate(self.rules):
            anchors = required_literals(entry.pattern)  # type: ignore[arg-type]
            if anchors is None:
                self._unanchored.append(i)
                continue
            for anchor in anchors:
                term, allowed_, rules = keys.get(anchor, (None, False, ()))
                keys[anchor] = (term, allowed_, (*rules, i))
        self._by_line = not any("\n" in key for key in keys)
        self._lines: dict[str, tuple[tuple[int, tuple], ...]] = {}
        self._line_chars = 0
        # A line is cached the second time it comes: most of a site's lines are its own (an
        # article's paragraphs), and caching those kept a second copy of the site's text (38 MB
        # at the 20,000-page benchmark) for no hit. The lines seen are bits of their hashes: a
        # fixed megabyte, and a collision only caches a line early.
        self._lines_seen = bytearray(LINES_SEEN_BITS // 8)
        # pyahocorasick's trie scanned a node's children one by one and slowed to 8 MB/s once a
        # thousand one-character terms (异体字) hung from its root; ahocorasick_rs's contiguous
        # NFA scans benchmarks/gov_text at ~200 MB/s with them. Its DFA is faster at 1,700 keys
        # but takes 165 MB at 20,000 (a bureau's own lists), the NFA 11 MB.
        # Payload: (length, term, is whitelisted, rules).
        self._payloads = [(len(k), *payload) for k, payload in keys.items()]
        nfa = ahocorasick_rs.Implementation.ContiguousNFA
        self._automaton = (
            ahocorasick_rs.AhoCorasick(list(keys), implementation=nfa) if keys else None
        )
        self._tok: jieba.Tokenizer | None = None
        self._tok_lock = threading.Lock()
        self.exposed: tuple[str, ...] = ()  # dictionary words removed because they hid a term
        # Token ends of each block already cut: sentences recur across a site's pages.
        self._blocks: dict[str, tuple[int, ...]] = {}
        self._counts = {"candidates": 0, "blocks_cut": 0, "chars_cut": 0}

    # -- the tokenizer ------------------------------------------------------------------------

    def tokenizer(self) -> jieba.Tokenizer:
        """Built on first use: most pages never need it."""
        with self._tok_lock:
            if self._tok is None:
                self._tok = self._build_tokenizer()
            return self._tok

    def _build_tokenizer(self) -> jieba.Tokenizer:
        import jieba

        freq, total = _base_dictionary()
        tok = jieba.Tokenizer()
        tok.FREQ, tok.total, tok.initialized = _OwnWords(freq), total, True
        words = [*self.terms, *self.allow]
        exposed = self._hiding_words(freq, set(words))
        for word in exposed:
            tok.total -= tok.FREQ[word]
            tok.FREQ[word] = 0
        for word in words:
            if _BLOCK.fullmatch(word[0]) and all(_BLOCK.fullmatch(c) for c in word):
                tok.add_word(word)
        self.exposed = tuple(sorted(exposed))
        log.debug("分词词典：加入 %d 个词，移除 %d 个会遮住词条的词", len(words), len(exposed))
        return tok

    def _hiding_words(self, freq: Mapping[str, int], keep: set[str]) -> list[str]:
        """Dictionary words that contain a term and so would swallow it (座落在 ⊃ 座落).

        The automaton reads the dictionary's ~500k entries joined by line breaks (no term holds
        one), 10,000 at a time: asking it word by word took ~0.5 s of every audit, and all the
        entries at once ~40 MB of the helper for good (the freed strings fragment its heap)."""
        if not self.terms:
            return []
        terms = ahocorasick_rs.AhoCorasick(
            list(self.terms), implementation=ahocorasick_rs.Implementation.ContiguousNFA
        )
        hiding = {}
        entries = iter(freq)
        while chunk := list(islice(entries, 10_000)):
            starts = list(accumulate((len(word) + 1 for word in chunk), initial=0))
            for _i, start, end in terms.find_matches_as_indexes("\n".join(chunk), overlapping=True):
                word = chunk[bisect_right(starts, start) - 1]
                if end - start < len(word) and word not in keep and freq[word]:
                    hiding[word] = None
        return list(hiding)

    def clear_line_cache(self) -> None:
        """Forget the automaton's hits by line: a benchmark's cold scan."""
        self._lines.clear()
        self._lines_seen[:] = bytes(len(self._lines_seen))
        self._line_chars = 0

    def clear_block_cache(self) -> None:
        self._blocks.clear()
        self._counts = dict.fromkeys(self._counts, 0)

    def stats(self) -> dict[str, int]:
        """Candidates seen and blocks segmented since the last `clear_block_cache`."""
        return dict(self._counts)

    # -- matching -----------------------------------------------------------------------------

    def find(self, text: str) -> list[Hit]:
        """Every reportable hit in `text`, in text order (overlapping terms: the longest wins)."""
        norm = normalise(text)
        candidates: list[tuple[int, int, str]] = []
        allowed: list[tuple[int, int]] = []
        anchored: dict[int, list[int]] = {}  # rule index -> anchor positions
        if self._automaton is not None:
            for last, (length, term, is_allowed, rules) in self._automaton_hits(norm):
                start = last - length + 1
                if term is not None:
                    candidates.append((start, last + 1, term))
                if is_allowed:
                    allowed.append((start, last + 1))
                for i in rules:
                    anchored.setdefault(i, []).append(start)
        hits = self._term_hits(norm, candidates, allowed) if candidates else []
        for i in self._unanchored:
            hits.extend(self._rule_hits(self.rules[i], [(0, len(norm))], text, norm))
        for i, spots in anchored.items():
            hits.extend(self._rule_hits(self.rules[i], _windows(spots, len(norm)), text, norm))
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits

    def _automaton_hits(self, norm: str) -> list[tuple[int, tuple]]:
        """The automaton's (last index, payload) over `norm`, line by line from a cache: a
        site's pages repeat whole lines (a 来源 line, a list of 相关信息, a closing paragraph),
        and a dictionary lookup is cheaper than a scan. No key holds a line break, so a line
        starts at the root state and its hits are the whole text's, shifted."""
        if not self._by_line:
            return self.scan(norm)
        found: list[tuple[int, tuple]] = []
        pos, cache, seen = 0, self._lines, self._lines_seen
        for line in norm.split("\n"):
            hits = cache.get(line)
            if hits is None:
                hits = tuple(self.scan(line)) if line else ()
                bit = hash(line) & (LINES_SEEN_BITS - 1)
                if not seen[bit >> 3] & (1 << (bit & 7)):
                    seen[bit >> 3] |= 1 << (bit & 7)
                else:
                    self._line_chars += len(line)
                    if self._line_chars > LINE_CACHE_CHARS:
                        cache.clear()
                        self._line_chars = len(line)
                    cache[line] = hits
            if hits:
                found.extend((pos + last, payload) for last, payload in hits)
            pos += len(line) + 1
        return found

    def scan(self, text: str) -> list[tuple[int, tuple]]:
        """The automaton's (last index, payload) of every key in `text`, overlaps included."""
        if self._automaton is None:
            return []
        found = self._automaton.find_matches_as_indexes(text, overlapping=True)
        return [(end - 1, self._payloads[i]) for i, _start, end in found]

    def _rule_hits(
        self, entry: Entry, windows: list[tuple[int, int]], text: str, norm: str
    ) -> list[Hit]:
        """Matches of a context rule inside the windows where its anchors occur."""
        assert entry.pattern is not None
        pattern = entry.pattern
        spans = {}
        named = "term" in pattern.groupindex
        for lo, hi in windows:
            for m in pattern.finditer(norm, lo, hi):
                start, end = m.span("term") if named else m.span()
                if end > start and norm[start:end] not in self.allow:
                    spans[(start, end)] = Hit(start, end, text[start:end], entry)
        return list(spans.values())

    def _term_hits(
        self, norm: str, candidates: list[tuple[int, int, str]], allowed: list[tuple[int, int]]
    ) -> list[Hit]:
        self._counts["candidates"] += len(candidates)
        cache: dict[tuple[int, int], set[int]] = {}
        kept = []
        for start, end, key in candidates:
            if allowed and any(a <= start and end <= b for a, b in allowed):
                continue
            if self._on_boundaries(norm, start, end, cache):
                kept.append((start, end, key))
        # A term inside a longer reported term (卫生计生委 in 国家卫生计生委) is the same error.
        kept = [
            h
            for h in kept
            if not any(o[0] <= h[0] and h[1] <= o[1] and o[1] - o[0] > h[1] - h[0] for o in kept)
        ]
        return [Hit(s, e, key, self.terms[key]) for s, e, key in kept]

    def _on_boundaries(
        self, norm: str, start: int, end: int, cache: dict[tuple[int, int], set[int]]
    ) -> bool:
        a = start
        while a > 0 and _BLOCK.match(norm, a - 1):
            a -= 1
        b = end
        n = len(norm)
        while b < n and _BLOCK.match(norm, b):
            b += 1
        bounds = cache.get((a, b))
        if bounds is None:
            block = norm[a:b]
            ends = self._blocks.get(block)
            if ends is None:
                ends = self._cut(block)
            bounds = {a, *(a + e for e in ends)}
            cache[(a, b)] = bounds
        return start in bounds and end in bounds

    def _cut(self, block: str) -> tuple[int, ...]:
        pos, ends = 0, []
        for token in self.tokenizer().cut(block, HMM=False):
            pos += len(token)
            ends.append(pos)
        if len(self._blocks) >= BLOCK_CACHE_SIZE:
            self._blocks.clear()
        self._blocks[block] = out = tuple(ends)
        self._counts["blocks_cut"] += 1
        self._counts["chars_cut"] += len(block)
        return out


def main(argv: list[str] | None = None) -> int:
    """Print the dictionary words the tokenizer removes, for the wordlist curator to review.

        python -m checks.wordmatch [--wordlist FILE ...]

    A removed word that is correct in its own right (a person's name such as 王惟一) can turn into
    false reports; whitelist it (`whitelist_terms`) or drop the term that it hides."""
    import argparse

    from govaudit.wordlists import load_wordlists

    parser = argparse.ArgumentParser(prog="python -m govaudit.checks.wordmatch")
    parser.add_argument("--wordlist", action="append", default=[])
    args = parser.parse_args(argv)
    matcher = WordMatcher(load_wordlists(args.wordlist))
    matcher.tokenizer()
    for word in matcher.exposed:
        hidden = sorted(t for t in matcher.terms if t in word)
        print(f"{word}\t{' '.join(hidden)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
