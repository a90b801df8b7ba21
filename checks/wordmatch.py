"""Find wordlist terms where they stand as words: one Aho-Corasick pass, jieba only around hits.

Why this shape (measured in /work/shared/research/text-checks.md §2):
- Substring matching alone reports 人社 inside 个人社保 and 按装 inside 按装修面积; a term counts only
  when both its ends fall on jieba token boundaries.
- jieba splits its input on every character outside `[\u4e00-\u9fd5a-zA-Z0-9+#&._%-]` and
  segments each run (block) alone, so cutting only the block around a hit gives exactly the
  tokens a whole-text cut gives. jieba runs near 1 MB/s; Aho-Corasick over a few hundred terms
  runs over 100 MB/s, so only the few blocks with a hit are ever segmented.
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
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
import jieba

from wordlists import Entry, Wordlist

log = logging.getLogger(__name__)

# jieba's block characters (jieba.re_han_default); everything else is a token of its own.
_BLOCK = re.compile("[\u4e00-\u9fd5a-zA-Z0-9+#&._%-]")

# Full-width ASCII and the ideographic space to their half-width forms, ASCII letters to lower
# case: a 1:1 map, so offsets in the normalised text are offsets in the page text (research
# §2.6; NFKC would change lengths).
_NORMALISE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_NORMALISE[0x3000] = 0x20
_NORMALISE.update({cp: cp + 32 for cp in range(ord("A"), ord("Z") + 1)})
for _cp in range(0xFF21, 0xFF3B):  # full-width capitals to lower-case ASCII directly
    _NORMALISE[_cp] = _cp - 0xFEE0 + 32


def normalise(text: str) -> str:
    return text.translate(_NORMALISE)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    term: str  # the list's term, or the text a context rule matched
    entry: Entry


_base_lock = threading.Lock()
_base: tuple[dict[str, int], int] | None = None


def _base_dictionary() -> tuple[dict[str, int], int]:
    """jieba's default dictionary (FREQ, total), loaded once per process."""
    global _base
    with _base_lock:
        if _base is None:
            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            _base = (tok.FREQ, tok.total)
        return _base


class WordMatcher:
    """The compiled form of a wordlist plus the terms that must never be reported.

    `allow` holds whitelisted terms: a term in it is never reported, and a hit that lies
    inside an occurrence of an allowed string (美国农业部 around 农业部) is not reported either."""

    def __init__(self, wordlist: Wordlist, allow: Iterable[str] = ()) -> None:
        self.allow = {normalise(a) for a in allow if a}
        self.terms: dict[str, Entry] = {}
        for term, entry in wordlist.terms.items():
            key = normalise(term)
            if key not in self.allow:
                self.terms[key] = entry
        self.rules = tuple(e for e in wordlist.rules)
        self._automaton = ahocorasick.Automaton()
        for key in (*self.terms, *self.allow):
            self._automaton.add_word(key, key)
        if len(self._automaton):
            self._automaton.make_automaton()
        self._tok: jieba.Tokenizer | None = None
        self._tok_lock = threading.Lock()
        self.exposed: tuple[str, ...] = ()  # dictionary words removed because they hid a term

    # -- the tokenizer ------------------------------------------------------------------------

    def tokenizer(self) -> jieba.Tokenizer:
        """Built on first use: most pages never need it."""
        with self._tok_lock:
            if self._tok is None:
                self._tok = self._build_tokenizer()
            return self._tok

    def _build_tokenizer(self) -> jieba.Tokenizer:
        freq, total = _base_dictionary()
        tok = jieba.Tokenizer()
        tok.FREQ, tok.total, tok.initialized = dict(freq), total, True
        words = [*self.terms, *self.allow]
        exposed = self._hiding_words(tok.FREQ, set(words))
        for word in exposed:
            tok.total -= tok.FREQ[word]
            tok.FREQ[word] = 0
        for word in words:
            if _BLOCK.fullmatch(word[0]) and all(_BLOCK.fullmatch(c) for c in word):
                tok.add_word(word)
        self.exposed = tuple(sorted(exposed))
        log.debug("tokenizer: %d words added, %d hiding words removed", len(words), len(exposed))
        return tok

    def _hiding_words(self, freq: dict[str, int], keep: set[str]) -> list[str]:
        """Dictionary words that contain a term and so would swallow it (座落在 ⊃ 座落)."""
        if not self.terms:
            return []
        terms = ahocorasick.Automaton()
        for key in self.terms:
            terms.add_word(key, len(key))
        terms.make_automaton()
        shortest = min(len(k) for k in self.terms)
        hiding = []
        for word, count in freq.items():
            if count and len(word) > shortest and word not in keep:
                for _end, length in terms.iter(word):
                    if length < len(word):
                        hiding.append(word)
                        break
        return hiding

    # -- matching -----------------------------------------------------------------------------

    def find(self, text: str) -> list[Hit]:
        """Every reportable hit in `text`, in text order (overlapping terms: the longest wins)."""
        norm = normalise(text)
        hits: list[Hit] = []
        if len(self._automaton):
            hits = self._term_hits(norm)
        for entry in self.rules:
            assert entry.pattern is not None
            named = "term" in entry.pattern.groupindex
            for m in entry.pattern.finditer(norm):
                start, end = m.span("term") if named else m.span()
                if end > start and normalise(text[start:end]) not in self.allow:
                    hits.append(Hit(start, end, text[start:end], entry))
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits

    def _term_hits(self, norm: str) -> list[Hit]:
        candidates, allowed = [], []
        for last, key in self._automaton.iter(norm):
            span = (last - len(key) + 1, last + 1)
            (allowed if key in self.allow else candidates).append((span, key))
        if not candidates:
            return []
        cache: dict[tuple[int, int], set[int]] = {}
        kept = []
        for (start, end), key in candidates:
            if any(a <= start and end <= b for (a, b), _ in allowed):
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
            bounds, pos = {a}, a
            for token in self.tokenizer().cut(norm[a:b], HMM=False):
                pos += len(token)
                bounds.add(pos)
            cache[(a, b)] = bounds
        return start in bounds and end in bounds
