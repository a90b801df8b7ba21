"""Text-check throughput: the words check (Aho-Corasick prefilter + block-local jieba) against
segmenting everything with jieba, and the privacy scan, on a generated corpus.

    python -m benchmarks.text_checks                       # 5 MB, 1% error sentences
    python -m benchmarks.text_checks --size-mb 10 --error-rate 0.1 --repeat 3
    python -m benchmarks.text_checks --gov-text-only     # the real-text figures alone

The corpus is seeded government-style text (notices, statistics, 公示, 办事指南, political
formulations) cut into pages of 2–8 KB; `--error-rate` of its sentences carry a wordlist term,
a trap (按装修, 农业部署, 个人社保 …) or a personal number. Figures are CPU seconds
(`time.process_time`, best of `--repeat`) so that other jobs on the machine barely move them;
MB means 10^6 bytes of UTF-8. Issue 5's target: ≥ 20 MB/s for the words check on one core.

Then, on real government text (benchmarks/gov_text/, provenance in its README): the suspected-typo
detector's precision and recall with the held-out typos of gov_text/plants.tsv planted into a
copy (the first `PLANTS_PER_PAIR` occurrences of each correct form); the words check's false
findings on the clean text, the plants the typo lists find, and each list entry planted once where
the text has its correct form (per source key); the speed of the words check alone and with the
detector. Issue 21's targets: no false finding, precision >= 0.9, >= 10 MB/s.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from govaudit.checks import privacy_leak, suspected_typo, words
from govaudit.checks.typo_detector import TypoDetector
from govaudit.checks.wordmatch import WordMatcher, _base_dictionary
from govaudit.core.model import PageRecord
from govaudit.wordlists import load_wordlists

CITIES = ["杭州市", "宁波市", "温州市", "合肥市", "芜湖市", "南昌市", "长沙市", "株洲市", "福州市"]
DEPTS = [
    "人力资源和社会保障局",
    "财政局",
    "教育局",
    "住房和城乡建设局",
    "生态环境局",
    "农业农村局",
    "市场监督管理局",
    "卫生健康委员会",
    "应急管理局",
    "交通运输局",
    "自然资源和规划局",
    "民政局",
]
TEMPLATES = [
    "{city}{dept}关于做好{year}年度{topic}工作的通知。",
    "各区、县（市）人民政府，市直各单位：为深入贯彻落实党中央、国务院决策部署，现就{topic}有关事项通知如下。",
    "截至{year}年{month}月底，全市累计完成{topic}项目{n}个，完成投资{amount}亿元，同比增长{pct}%。",
    "请各单位高度重视，加强组织领导，明确责任分工，确保{topic}各项任务落到实处。",
    "申请人应于{year}年{month}月{day}日前携带有关材料到{city}政务服务中心{n}号窗口办理。",
    "办理时限：{n}个工作日。收费标准：不收费。咨询电话：0571-{fixed}。",
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届二中、三中全会精神。",
    "深入学习贯彻党的二十届三中全会精神，进一步全面深化改革，推进中国式现代化。",
    "{city}统计局发布数据显示，{year}年{month}月全市规模以上工业增加值同比增长{pct}%。",
    "根据《中华人民共和国政府信息公开条例》第二十七条的规定，现将{topic}情况公示如下。",
    "公示期为{n}个工作日，如有异议，请以书面形式向{dept}反映。",
    "本次检查共发现问题{n}个，已整改{n2}个，整改率{pct}%。",
    "下一步，我局将持续优化营商环境，推进“一网通办”和“最多跑一次”改革。",
    "会议强调，要统筹发展和安全，坚决守住不发生系统性风险的底线。",
    "{city}{dept}召开{year}年党风廉政建设工作会议，局党组书记出席并讲话。",
    "网民来信反映{topic}问题，经核查，情况基本属实，已责成有关部门限期整改。",
    "对符合条件的困难群众，按照每人每月{amount}元的标准发放生活补贴。",
    "附件：{year}年度{topic}专项资金分配表.xlsx",
    "本通知自印发之日起施行，有效期{n}年。",
    "发布机构：{city}{dept}  成文日期：{year}-{month:02d}-{day:02d}  文号：{short}发〔{year}〕{n}号",
    "加快推进乡村振兴，巩固拓展脱贫攻坚成果，促进农民持续增收。",
]
# Correct sentences that hold a term's characters across a word boundary: candidates the
# boundary check must reject (each costs a jieba cut of its block).
TRAPS = [
    "卫生部门、农业部门和交通部门要加强协作，做好农业部署和安全生产工作。",
    "全面落实个人社保缴费补贴政策，按装修面积计算补助资金。",
    "既使用财政资金又引入社会资本，在报刊发布署名文章。",
    "面对严峻工作形势，突出地方特色情况良好。",
]
TOPICS = [
    "安全生产大检查",
    "就业创业补贴发放",
    "城乡居民医疗保险参保",
    "老旧小区改造",
    "营商环境优化",
    "防汛防台",
    "义务教育招生",
    "农村生活污水治理",
    "最低生活保障",
    "政务公开",
]
ERRORS = [
    "请各单位按装好监控设备，确保正常运行。",
    "截止{year}年底，全市共有市场主体{n}万户。",
    "经农业部批准，{city}实施高标准农田建设项目。",
    "{city}卫计委发布健康提示。",
    "深入学习贯彻十九届八中全会精神。",
    "澳门新葡京百家乐在线，注册送彩金。",
    "请登陆{city}政务服务网办理。",
    "要再接再励，一如继往地抓好落实。",
    "低保公示：张某某，身份证号{id}，联系电话{mobile}。",
    "补贴发放至银行卡号{card}。",
]


def _id_number(rng: random.Random) -> str:
    from govaudit.core.masking import id_check_char

    first17 = f"3301{rng.randint(1, 9):02d}{rng.randint(1960, 2005)}{rng.randint(1, 12):02d}"
    first17 += f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17)


def _card(rng: random.Random) -> str:
    from govaudit.core.masking import luhn_ok

    body = "6222" + "".join(str(rng.randint(0, 9)) for _ in range(11))
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        city=rng.choice(CITIES),
        dept=rng.choice(DEPTS),
        topic=rng.choice(TOPICS),
        year=rng.randint(2016, 2025),
        month=rng.randint(1, 12),
        day=rng.randint(1, 28),
        n=rng.randint(1, 300),
        n2=rng.randint(1, 300),
        amount=round(rng.uniform(0.5, 900), 1),
        pct=round(rng.uniform(-5, 30), 1),
        fixed=rng.randint(80000000, 89999999),
        short=rng.choice(["杭政办", "甬人社", "温财", "合政"]),
        id=_id_number(rng),
        mobile=f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}",
        card=_card(rng),
    )


def build_corpus(
    size_mb: float, error_rate: float, seed: int, trap_rate: float = 0.01
) -> list[str]:
    """Pages of 2–8 KB of UTF-8 text until `size_mb` MB; reproducible for a seed."""
    rng = random.Random(seed)
    target = int(size_mb * 1_000_000)
    pages, total = [], 0
    while total < target:
        page_bytes = rng.randint(2000, 8000)
        parts, size = [], 0
        while size < page_bytes:
            draw = rng.random()
            if draw < error_rate:
                template = rng.choice(ERRORS)
            elif draw < error_rate + trap_rate:
                template = rng.choice(TRAPS)
            else:
                template = rng.choice(TEMPLATES)
            sentence = _fill(template, rng)
            parts.append(sentence)
            size += len(sentence.encode("utf-8"))
            if rng.random() < 0.2:
                parts.append("\n")
        text = "".join(parts)
        pages.append(text)
        total += len(text.encode("utf-8"))
    return pages


def best_cpu(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


GOV_TEXT = Path(__file__).parent / "gov_text"
PLANTS_PER_PAIR = 3


def planted_copy(texts: list[str], pairs: list[tuple[str, str]]) -> tuple[list[str], set]:
    """The texts with the first occurrences of each correct form replaced by its typo, and the
    (text index, start, wrong, correct) of every plant. Same lengths: offsets survive."""
    out, plants = list(texts), set()
    for correct, wrong in pairs:
        left = PLANTS_PER_PAIR
        for i, text in enumerate(out):
            at = text.find(correct)
            while at >= 0 and left:
                text = text[:at] + wrong + text[at + len(correct) :]
                plants.add((i, at, wrong, correct))
                left -= 1
                at = text.find(correct, at + len(wrong))
            out[i] = text
    return out, plants


def gov_text_figures(repeat: int) -> None:
    texts = [p.read_text("utf-8") for p in sorted(GOV_TEXT.glob("*.txt"))]
    pairs = [
        tuple(line.split("\t")[:2])
        for line in (GOV_TEXT / "plants.tsv").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    t0 = time.perf_counter()
    detector = suspected_typo.detector_for((), True, ())
    detector.find("")
    print(
        f"real government text: {mb:.2f} MB in {len(texts)} files; detector built in "
        f"{time.perf_counter() - t0:.1f} s ({detector.size} misspellings of frequent words)"
    )
    planted, plants = planted_copy(texts, pairs)  # type: ignore[arg-type]
    detected = detector_figures(texts, planted, plants, len(pairs), detector)
    matcher = words.matcher_for((), True, ())
    matcher.tokenizer()  # built once per process, as in an audit: not part of the scan
    list_figures(texts, planted, plants, detected, matcher)
    list_recall_in_context(texts, matcher)
    speed_figures(mb, planted, matcher, detector, repeat)


def detector_figures(
    texts: list[str], planted: list[str], plants: set, pairs: int, detector: TypoDetector
) -> set:
    """The detector's false reports on the clean text, precision and recall on the planted copy;
    returns the plants it found."""
    clean = [(i, g) for i, t in enumerate(texts) for g in detector.find(t)]
    found = [(i, g) for i, t in enumerate(planted) for g in detector.find(t)]
    hits = {(i, g.start, g.term, g.suggestion) for i, g in found}
    tp = len(hits & plants)
    precision = tp / len(found) if found else float("nan")
    print(
        f"suspected typos on the clean text: {len(clean)} (each a false report)"
        + "".join(
            f"\n    {texts[i][max(0, g.start - 8) : g.end + 8]!r} -> {g.suggestion}"
            for i, g in clean[:10]
        )
    )
    print(
        f"planted {len(plants)} typos of {pairs} held-out pairs: found {tp}, "
        f"false {len(found) - tp}; precision {precision:.2f}, recall {tp / len(plants):.2f}"
    )
    missed = sorted(pairs_of(plants) - pairs_of(hits & plants))
    print("  missed by the detector: " + "、".join(f"{w}→{c}" for w, c in missed))
    return hits & plants


def pairs_of(plants: set) -> set[tuple[str, str]]:
    return {(wrong, correct) for _i, _at, wrong, correct in plants}


def list_figures(
    texts: list[str], planted: list[str], plants: set, detected: set, matcher: WordMatcher
) -> None:
    """The words check's false findings on the clean text, and the held-out plants the lists
    find, alone and together with the detector."""
    rules = words.DEFAULTS
    historical = words._regexes("historical_context", [rules["historical_context"]])[0]
    warning = words.warning_pattern(rules)
    clean = [
        f
        for t in texts
        for f in words.page_findings(
            PageRecord(url="http://gov.example.cn/c.html", text=t, published=date(2026, 2, 1)),
            "http://gov.example.cn/c.html",
            matcher,
            historical,
            warning,
        )
    ]
    print(
        f"words check (lists + context rules) on the clean text: {len(clean)} findings "
        "(each a false report)"
        + "".join(f"\n    {f.details['term']}: {f.details['context'][:40]}" for f in clean)
    )
    listed = {
        (i, h.start, h.term)
        for i, t in enumerate(planted)
        for h in matcher.find(t)
        if h.entry.category == "typo"
    }
    by_list = {(i, a, w) for i, a, w, _c in plants} & listed
    both = by_list | {(i, a, w) for i, a, w, _c in detected}
    print(
        f"  the typo lists ({sum(e.category == 'typo' for e in matcher.terms.values())} entries) "
        f"find {len(by_list)} of the plants; lists and detector together {len(both)}, "
        f"recall {len(both) / len(plants):.2f}"
    )


def speed_figures(
    mb: float, planted: list[str], matcher: WordMatcher, detector: TypoDetector, repeat: int
) -> None:
    rules = words.DEFAULTS
    historical = words._regexes("historical_context", [rules["historical_context"]])[0]
    warning = words.warning_pattern(rules)
    records = [
        PageRecord(url=f"http://gov.example.cn/{i}.html", text=t, published=date(2026, 2, 1))
        for i, t in enumerate(planted)
    ]

    def words_alone() -> None:
        matcher.clear_block_cache()
        matcher.clear_line_cache()  # cold: every line scanned, as on a site's first page
        for r in records:
            list(words.page_findings(r, r.url, matcher, historical, warning))

    def whole_check() -> None:
        matcher.clear_block_cache()
        detector._blocks.clear()
        for r in records:
            list(words.page_findings(r, r.url, matcher, historical, warning))
            list(suspected_typo.text_findings(r.url, r.text, detector))

    seconds_words = best_cpu(words_alone, repeat)
    seconds = best_cpu(whole_check, repeat)
    seconds_detector = best_cpu(lambda: [detector.find(r.text) for r in records], repeat)
    print(
        f"words check alone, cold caches: {mb / seconds_words:7.1f} MB/s; "
        f"words check + suspected typos: {mb / seconds:7.1f} MB/s ({seconds:.3f} s CPU); "
        f"the detector alone {mb / seconds_detector:7.1f} MB/s"
    )


def list_recall_in_context(texts: list[str], matcher: WordMatcher) -> None:
    """Each typo entry planted once where the real text has its correct form (the first such
    place, one entry at a time): is it found there, within its real neighbours? A miss is a
    place where the correct form is no word of its own (争取消费 holds 取消 across 争取|消费),
    so the planted term is none either and the boundary check rightly keeps it."""
    by_source: dict[str, list[int]] = {}
    misses: list[str] = []
    for term, entry in matcher.terms.items():
        correct = entry.suggestion or ""
        if entry.category != "typo" or len(correct) != len(term) or "或" in correct:
            continue
        where = next(((i, t.find(correct)) for i, t in enumerate(texts) if correct in t), None)
        if where is None:
            continue
        i, at = where
        lo, hi = texts[i].rfind("\n", 0, at) + 1, texts[i].find("\n", at)
        line = texts[i][lo : hi if hi >= 0 else None]
        spot = at - lo
        line = line[:spot] + term + line[spot + len(term) :]
        key = re.match(r"[A-Z][A-Z0-9]*", entry.note)
        counts = by_source.setdefault(key[0] if key else "(user list)", [0, 0])
        counts[1] += 1
        end = spot + len(term)
        if any(h.start <= spot and end <= h.end for h in matcher.find(line)):
            counts[0] += 1  # reported, maybe as part of a longer entry (雰围 for 雰)
        else:
            misses.append(f"{line[max(0, spot - 6) : end + 6]}（{term}→{correct}）")
    print(
        "typo entries planted where the text has their correct form, found: "
        + "; ".join(f"{k} {f} of {n}" for k, (f, n) in sorted(by_source.items()))
    )
    print(f"  missed ({len(misses)}): " + "; ".join(misses[:30]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--error-rate", type=float, default=0.01, help="share of error sentences")
    parser.add_argument("--trap-rate", type=float, default=0.01, help="share of trap sentences")
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--no-shared-blocks",
        action="store_true",
        help="forget segmented blocks between pages (a corpus without repeated sentences)",
    )
    parser.add_argument("--jieba-mb", type=float, default=1.0, help="text for the jieba baseline")
    parser.add_argument("--gov-text-only", action="store_true", help="only the real-text figures")
    args = parser.parse_args(argv)
    if args.gov_text_only:
        gov_text_figures(args.repeat)
        return

    pages = build_corpus(args.size_mb, args.error_rate, args.seed, args.trap_rate)
    mb = sum(len(p.encode("utf-8")) for p in pages) / 1e6
    print(
        f"corpus: {mb:.2f} MB, {len(pages)} pages, error sentences {args.error_rate:.1%}, "
        f"trap sentences {args.trap_rate:.1%}"
    )

    t0 = time.perf_counter()
    _base_dictionary()
    t1 = time.perf_counter()
    wordlist = load_wordlists()
    matcher = WordMatcher(wordlist)
    matcher.tokenizer()
    t2 = time.perf_counter()
    print(
        f"setup: jieba dictionary {t1 - t0:.2f} s; wordlist ({len(wordlist.terms)} terms, "
        f"{len(wordlist.rules)} context rules) + tokenizer {t2 - t1:.2f} s; "
        f"{len(matcher.exposed)} hiding dictionary words removed"
    )

    records = [
        PageRecord(url=f"http://bench.example.gov.cn/{i}.html", text=t, published=date(2024, 5, 1))
        for i, t in enumerate(pages)
    ]
    rules = words.DEFAULTS
    historical = re.compile(rules["historical_context"])
    warning = words.warning_pattern(rules)
    findings: list[object] = []

    def words_check() -> None:
        matcher.clear_block_cache()  # cold: no block segmented in an earlier repeat is reused
        findings.clear()
        cut = dict.fromkeys(("candidates", "blocks_cut", "chars_cut"), 0)
        for r in records:
            if args.no_shared_blocks:
                for k, v in matcher.stats().items():
                    cut[k] += v
                matcher.clear_block_cache()
            findings.extend(words.page_findings(r, r.url, matcher, historical, warning))
        if args.no_shared_blocks:
            for k, v in matcher.stats().items():
                matcher._counts[k] = v + cut[k]

    seconds = best_cpu(words_check, args.repeat)
    stats = matcher.stats()
    print(
        f"words check, Aho-Corasick prefilter + block-local jieba: {mb / seconds:7.1f} MB/s "
        f"({seconds:.2f} s CPU, {len(findings)} findings; {stats['candidates']} candidates, "
        f"{stats['blocks_cut']} blocks cut, {stats['chars_cut'] / (mb * 1e6 / 2.9):.1%} of the "
        "text segmented)"
    )

    seconds = best_cpu(lambda: [matcher.scan(p) for p in pages], args.repeat)
    print(f"  of which the Aho-Corasick scan alone:                   {mb / seconds:7.1f} MB/s")

    subset, size = [], 0
    for p in pages:
        if size >= args.jieba_mb * 1e6:
            break
        subset.append(p)
        size += len(p.encode("utf-8"))
    tok = matcher.tokenizer()
    seconds = best_cpu(lambda: [list(tok.cut(p, HMM=False)) for p in subset], 1)
    print(
        f"segmenting everything with jieba (HMM off, {size / 1e6:.1f} MB):    "
        f"{size / 1e6 / seconds:7.2f} MB/s"
    )

    as_of = date(2025, 6, 1)
    contact = re.compile(
        rf"(?:{privacy_leak.DEFAULTS['contact_labels']})(?:电话|热线|方式|人|号码)?[：:]?[^\d\n]{{0,8}}$"
    )
    leaks: list[object] = []

    def privacy_scan() -> None:
        leaks.clear()
        for p in pages:
            leaks.extend(privacy_leak.find_leaks(p, as_of, contact))

    seconds = best_cpu(privacy_scan, args.repeat)
    print(
        f"privacy scan (ID, mobile, bank card):                   {mb / seconds:7.1f} MB/s "
        f"({len(leaks)} numbers)"
    )
    gov_text_figures(args.repeat)


if __name__ == "__main__":
    main()
