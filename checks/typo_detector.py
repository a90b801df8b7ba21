"""Typos no list holds (疑似错别字): a 2-4 character stretch that jieba's dictionary does not know
as a word, where one character changed to a same-sound or similar-shape character gives a
frequent word (震憾 → 震撼, 松驰 → 松弛).

Why this shape: jieba runs near 1 MB/s, far below the words check's 10 MB/s, so the detector
never segments the whole text. It turns the question around once per process: every frequent
dictionary word, with each of its characters swapped for a confusable one, gives the misspellings
that word can suffer; those that are no word of their own go into one Aho-Corasick automaton
(ahocorasick-rs: a large pattern set at tens of MB/s, research/text-checks.md §2.5). A hit is
then confirmed where it stands, and only there is jieba run:
- no dictionary word crosses either end of the stretch (进攻作战 holds 攻作, which is no typo);
- jieba (HMM off) cuts the block so that the stretch begins and ends on token boundaries and
  holds no frequent word, and the corrected block cuts the suggestion out as one token;
- guards for what is right though unknown: names (a surname before the stretch, a title such
  as 同志 or 书记 after it, suggestions that are names), text inside 《》 or “” (titles, quotes),
  a 文号 right after it, and the terms the lists already judge.

Sources: same sound = same pinyin and tone (pypinyin, MIT); similar shape =
wordlists/similar_shape.tsv (pycorrector, Apache-2.0, see wordlists/NOTICE); word and character
frequencies = jieba's dictionary (MIT).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

from govaudit.checks.jieba_dictionary import cache_dir

log = logging.getLogger(__name__)

# A suggestion must be at least this frequent in jieba's dictionary: a pair, or a longer word of
# any kind; idioms and set phrases (tags i, l: 再接再厉, 统筹兼顾) are rarer words, and a
# misspelt one is rarely anything else. Longer nouns jieba counts rarely are left out: their
# misspellings are often compounds it lacks (贷款贴息 is one stroke from 货款贴息).
MIN_WORD_FREQ = 300
MIN_PHRASE_FREQ = 10
SET_PHRASE_TAGS = frozenset({"i", "l"})
CACHE_VERSION = 2  # bump when the rules that make the misspellings change, or the file's form
REASONS = ("同音字", "形近字")  # a misspelling's code keeps which, in its lowest bit
RATIO = 20  # ... and this many times more frequent than the stretch as written (震撼 696 : 震憾 26)
RARE_FREQ = 50  # a stretch the dictionary counts this often is a word of its own (活力, 动能)
MIN_CHAR_FREQ = 100  # a confusable character must be this common (summed over its words)
# jieba's tags of names: a word of these kinds is never proposed, nor a stretch tagged so flagged.
NAME_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})
# The commonest surnames (《百家姓》 order of frequency as counted by 公安部, 2020): a stretch
# right after one may be a given name (李卫冬).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏"
    "苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金贾韦夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵"
    "万覃武钱戴严莫孔向常汤康易乔赖文施洪辛柯庄"
)
_AFTER_NAME = re.compile(
    r"(?:同志|先生|女士|老师|书记|主任|局长|处长|科长|县长|市长|省长|区长|镇长|乡长|村长|副|等同志|委员)"
)
_DOC_NUMBER_AFTER = re.compile(r"[^\n。；]{0,8}?[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]")
_HAN = re.compile("^[\u4e00-\u9fa5]+$")
_BLOCK = re.compile("[\u4e00-\u9fd5a-zA-Z0-9+#&._%-]")
QUOTE_REACH = 30  # characters from a stretch to the 》 or ” that closes the title or quote


@dataclass(frozen=True)
class Guess:
    start: int
    end: int
    term: str  # the stretch as written
    suggestion: str  # the frequent word it is one character away from
    reason: str  # 同音字 or 形近字


class TypoDetector:
    """Misspellings of frequent words, found by one automaton pass and confirmed with jieba.

    `known` holds the terms the wordlists already report or allow: never guessed at."""

    def __init__(
        self,
        known: Iterable[str] = (),
        ratio: int = RATIO,
    ) -> None:
        self.known = frozenset(known)
        self.ratio = ratio
        self._lock = threading.Lock()
        self._built = False
        self._blocks: dict[str, tuple[int, ...]] = {}

    # -- building --------------------------------------------------------------------------------

    def _build(self) -> None:
        import ahocorasick_rs
        import jieba

        from govaudit.checks.wordmatch import _base_dictionary

        freq, total = _base_dictionary()
        self.freq = freq
        tok = jieba.Tokenizer()
        tok.FREQ, tok.total, tok.initialized = freq, total, True  # read only: shared, not copied
        self.tok = tok
        patterns, self._words, self._codes = cached_misspellings(freq, total, self.ratio)
        # The contiguous NFA builds and scans faster than the default DFA over ~350k patterns
        # (2.3 s and 49 MB/s against 2.0 s and 31 MB/s, measured on benchmarks/gov_text/). It
        # is fed one pattern at a time and none is kept (a hit is the text's own slice): 350k
        # strings as a list cost ~100 MB of the process, the automaton itself ~40 MB.
        self._automaton = ahocorasick_rs.AhoCorasick(
            (m.group() for m in re.finditer("[^\n]+", patterns)),
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )
        self.size = len(self._codes)
        log.debug("疑似错别字：%d 个常用词的变体", self.size)

    def build(self) -> None:
        """Build what `find` needs, once; later calls return at once."""
        with self._lock:
            if not self._built:
                self._build()
                self._built = True

    # -- finding ---------------------------------------------------------------------------------

    def find(self, text: str) -> list[Guess]:
        """The confirmed guesses in `text`, in text order."""
        self.build()
        guesses = []
        hits = self._automaton.find_matches_as_indexes(text, overlapping=True)
        for index, start, end in hits:
            term = text[start:end]
            if term in self.known:
                continue
            code = self._codes[index]
            suggestion, reason = self._words[code >> 1], REASONS[code & 1]
            if self._confirmed(text, start, end, suggestion):
                guesses.append(Guess(start, end, term, suggestion, reason))
        return _longest(guesses)

    def _confirmed(self, text: str, start: int, end: int, suggestion: str) -> bool:
        if self._crossed(text, start, end) or _guarded(text, start, end):
            return False
        lo, hi = _block(text, start, end)
        bounds = self._cut(text[lo:hi])
        s, e = start - lo, end - lo
        if s not in bounds or e not in bounds:
            return False
        block = text[lo:hi]
        if e - s == 2 and self.freq.get(block[s:e], 0) >= RARE_FREQ:
            return False  # a word of its own (a longer stretch: see _compositional below)
        # Corrected, the word must hold together. A pair needs more: two characters one sound or
        # stroke away from a word are common by chance (稳居/隐居, 设区/社区), so it counts only
        # when the correction also joins its neighbours into a longer word (令人震憾 → 令人震撼).
        fixed_bounds = sorted(self._cut(block[:s] + suggestion + block[e:]))
        if any(s < b < e for b in fixed_bounds):
            return False
        if e - s > 2:
            return not self._compositional(block[s:e])
        left = max(b for b in fixed_bounds if b <= s)
        right = min(b for b in fixed_bounds if b >= e)
        return (left, right) != (s, e)

    def _compositional(self, stretch: str) -> bool:
        """Whether a longer stretch is two parts that are right on their own (职业|资格, 网格|化):
        a compound the dictionary lacks, not a misspelt set phrase (再接再励)."""
        freq = self.freq
        for i in range(1, len(stretch)):
            parts = (stretch[:i], stretch[i:])
            if all(len(p) == 1 or freq.get(p, 0) >= RARE_FREQ for p in parts):
                return True
        return False

    def _crossed(self, text: str, start: int, end: int) -> bool:
        """Whether a dictionary word runs across either end of the stretch."""
        freq = self.freq
        for a in range(max(0, start - 3), start):
            for b in range(start + 1, min(end, a + 4) + 1):
                if freq.get(text[a:b]):
                    return True
        for a in range(start, end):
            for b in range(end + 1, min(len(text), a + 4) + 1):
                if freq.get(text[a:b]):
                    return True
        return False

    def _cut(self, block: str) -> frozenset[int]:
        ends = self._blocks.get(block)
        if ends is None:
            pos, found = 0, [0]
            for token in self.tok.cut(block, HMM=False):
                pos += len(token)
                found.append(pos)
            if len(self._blocks) > 50_000:
                self._blocks.clear()
            ends = self._blocks[block] = tuple(found)
        return frozenset(ends)


def cached_misspellings(
    freq: Mapping[str, int], total: int, ratio: int
) -> tuple[str, list[str], array]:
    """`misspellings` in compact form, kept in a cache file per dictionary and rules: making
    them takes seconds (every audit process would pay them), reading them a fraction of one.
    The misspellings one a line; the words they misspell; per misspelling, its word's index
    times two, plus one for 形近字. As a dict of (word, reason) they took ~140 MB, so ~4 MB."""
    import marshal
    from importlib.metadata import version

    shape = (resources.files("govaudit.wordlists") / "similar_shape.tsv").read_bytes()
    key = hashlib.sha1(
        repr(
            (
                CACHE_VERSION,
                len(freq),
                total,
                ratio,
                MIN_WORD_FREQ,
                MIN_PHRASE_FREQ,
                RARE_FREQ,
                MIN_CHAR_FREQ,
                version("pypinyin"),  # not imported: its tables take ~55 MB
                shape,
            )
        ).encode("utf-8")
    ).hexdigest()[:16]
    path = cache_dir() / f"typo-variants-{key}.marshal"
    try:
        patterns, words, raw = marshal.loads(path.read_bytes())
        codes = array("I")
        codes.frombytes(raw)
        if len(codes) == patterns.count("\n") + 1:
            return patterns, words, codes
    except (OSError, ValueError, EOFError, TypeError):
        pass
    variants = misspellings(freq, ratio)
    words = sorted({word for word, _ in variants.values()})
    index = {word: i for i, word in enumerate(words)}
    codes = array("I", (index[w] * 2 + REASONS.index(r) for w, r in variants.values()))
    patterns = "\n".join(variants)
    del variants
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps((patterns, words, codes.tobytes())))
        os.replace(tmp, path)  # concurrent audits: the last complete file wins
    except OSError as e:
        log.debug("疑似错别字：缓存文件无法写入（%s）", e)
    return patterns, words, codes


def misspellings(freq: Mapping[str, int], ratio: int) -> dict[str, tuple[str, str]]:
    """Misspelling → (the frequent word it misspells, 同音字 or 形近字): each character of each
    frequent word swapped for a confusable one, where the result is no word of its own."""
    tags, words = _dictionary_tags(), []
    char_freq: dict[str, int] = defaultdict(int)
    for word, count in freq.items():
        if not count or not _HAN.match(word):
            continue
        for ch in word:
            char_freq[ch] += count
        if not 2 <= len(word) <= 4 or tags.get(word) in NAME_TAGS:
            continue
        phrase = len(word) > 2 and tags.get(word) in SET_PHRASE_TAGS
        if count >= (MIN_PHRASE_FREQ if phrase else MIN_WORD_FREQ):
            words.append(word)
    common = {ch for ch, n in char_freq.items() if n >= MIN_CHAR_FREQ}
    confusable = _confusables(common)
    variants: dict[str, tuple[str, str]] = {}
    for word in words:
        for i, ch in enumerate(word):
            for other, reason in confusable.get(ch, ()):
                variant = word[:i] + other + word[i + 1 :]
                seen = freq.get(variant, 0)
                if seen >= RARE_FREQ or seen * ratio >= freq[word]:
                    continue  # a word in its own right
                if len(word) == 2 and not seen:
                    continue  # unknown pairs are mostly newer words (投用, 智造): too risky
                if tags.get(variant) in NAME_TAGS:
                    continue
                best = variants.get(variant)
                if best is None or freq[best[0]] < freq[word]:
                    variants[variant] = (word, reason)
    return variants


def _guarded(text: str, start: int, end: int) -> bool:
    """Right though unknown: a given name, a quoted title or phrase, a 文号."""
    if start and text[start - 1] in SURNAMES and end - start <= 2:
        return True
    if _AFTER_NAME.match(text, end):
        return True
    for opening, closing in (("《", "》"), ("“", "”"), ("〈", "〉")):
        opened = text.rfind(opening, max(0, start - QUOTE_REACH), start)
        if opened >= 0 and closing not in text[opened:start]:
            if closing in text[end : end + QUOTE_REACH]:
                return True
    return bool(_DOC_NUMBER_AFTER.match(text, end))


def _block(text: str, start: int, end: int) -> tuple[int, int]:
    """The jieba block around [start, end): cutting it alone gives the whole text's tokens."""
    a = start
    while a > 0 and _BLOCK.match(text, a - 1):
        a -= 1
    b, n = end, len(text)
    while b < n and _BLOCK.match(text, b):
        b += 1
    return a, b


def _longest(guesses: list[Guess]) -> list[Guess]:
    """Overlapping guesses: the longest stretch wins (one typo, one finding)."""
    guesses.sort(key=lambda g: (g.start, -(g.end - g.start)))
    kept: list[Guess] = []
    for g in guesses:
        if kept and g.start < kept[-1].end:
            continue
        kept.append(g)
    return kept


def _dictionary_tags() -> dict[str, str]:
    """jieba's part-of-speech tags by word, from its dict.txt (word freq tag a line)."""
    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    tags = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


def _confusables(common: set[str]) -> dict[str, list[tuple[str, str]]]:
    """For each common character, the common characters of the same pinyin and tone (同音字)
    and of a similar shape (形近字)."""
    from pypinyin import Style, lazy_pinyin

    by_sound: dict[str, list[str]] = defaultdict(list)
    sound = {}
    for ch in sorted(common):
        sound[ch] = lazy_pinyin(ch, style=Style.TONE3, neutral_tone_with_five=True)[0]
        by_sound[sound[ch]].append(ch)
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ch in common:
        out[ch] = [(o, "同音字") for o in by_sound[sound[ch]] if o != ch]
    for group in _shape_groups():
        members = [c for c in group if c in common]
        for ch in members:
            have = {o for o, _ in out[ch]}
            out[ch].extend((o, "形近字") for o in members if o != ch and o not in have)
    return out


def _shape_groups() -> list[list[str]]:
    text = (resources.files("govaudit.wordlists") / "similar_shape.tsv").read_text("utf-8")
    return [
        [c.strip() for c in line.split("\t") if c.strip()]
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]
