"""wrong_word and sensitive_word on hand-built stores: each matching rule and each trap of issue 5."""

from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govaudit.checks import words
from govaudit.checks.wordmatch import WordMatcher
from govaudit.core.config import ConfigError
from govaudit.core.model import Finding, PageRecord, fingerprint
from govaudit.core.store import Store
from govaudit.wordlists import load_wordlists

SITE = "http://www.example.gov.cn"
AS_OF = date(2025, 6, 1)
CHECKER = Path("/work/shared/tools/check_findings.py")


def page(path: str, text: str, published: str | None = "2024-05-01", **kw: Any) -> PageRecord:
    return PageRecord(
        url=f"{SITE}{path}",
        status=kw.pop("status", 200),
        kind=kw.pop("kind", "article"),
        title=kw.pop("title", ""),
        text=text,
        published=date.fromisoformat(published) if published else None,
        **kw,
    )


def audit(tmp_path: Path, pages: list[PageRecord], **rules: Any) -> list[Finding]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    store = Store(tmp_path / "audit.db")
    audit_id = store.start_audit("example", f"{SITE}/", AS_OF, {})
    store.add_pages(audit_id, pages)
    found = list(words.run(store.view(audit_id), {**words.DEFAULTS, **rules}, AS_OF))
    if CHECKER.is_file():
        spec = importlib.util.spec_from_file_location("check_findings", CHECKER)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module.problems([f.to_json() for f in found]) == []
    return found


def terms_in(tmp_path: Path, text: str, **rules: Any) -> list[str]:
    return sorted(f.details["term"] for f in audit(tmp_path, [page("/a.html", text)], **rules))


@pytest.fixture(scope="module")
def builtin() -> WordMatcher:
    return WordMatcher(load_wordlists())


def found(matcher: WordMatcher, text: str) -> list[str]:
    return [h.term for h in matcher.find(text)]


# -- word boundaries ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("请按装好的设备检查", ["按装"]),
        ("按装修面积计算补贴", []),  # 按|装修
        ("既使用财政资金又引入社会资本", []),  # 既|使用
        ("布署今年重点工作", ["布署"]),
        ("在报刊发布署名文章", []),  # 发布|署名
        ("做好农业部署", []),  # 农业|部署
        ("卫生部门、文化部门和交通部门联合检查", []),
        ("面对严峻工作形势", []),  # 严峻|工作
        ("突出地方特色情况良好", []),  # 特色|情况
        ("百家乐园开园", []),  # 百家|乐园
        ("舞台语言很有特色", []),  # 舞台|语言
        ("要保护生态坏境", ["坏境"]),
        ("严厉打击破坏境内生态的行为", []),  # 破坏|境内
        ("学校座落在山脚下", ["座落"]),  # the dictionary word 座落在 would hide it
        ("银保监会发布通知", ["银保监会"]),  # not also 保监会 / 银监会
        ("纪检监察部门和监察部门", []),  # 监察|部门
        ("筚路蓝缕，以启山林", []),  # the classical idiom keeps 蓝缕
        ("沪深300指数成份股调整", []),
        ("药品说明书应当注明成份、规格", []),  # the 药品管理法's wording: 成份 left out
        ("检测化学成分含量，按姓氏笔划排序", ["笔划"]),
        ("西至杨府庙、龙门坎、何家村", []),  # a place name: allow entry 龙门坎
    ],
)
def test_builtin_terms_only_where_they_stand_as_words(builtin, text, expected):
    assert found(builtin, text) == expected


def test_short_term_inside_longer_words_is_not_reported(tmp_path):
    mine = tmp_path / "mine.tsv"
    mine.write_text("人社\ttypo\t人力资源社会保障\n", encoding="utf-8")
    assert (
        terms_in(tmp_path, "办理个人社保缴费。", wordlists=[str(mine)], builtin_lists=False) == []
    )
    assert (
        terms_in(tmp_path, "华人社区活动丰富。", wordlists=[str(mine)], builtin_lists=False) == []
    )
    assert terms_in(tmp_path, "到市人社部门办理。", wordlists=[str(mine)], builtin_lists=False) == [
        "人社"
    ]


def test_multi_token_terms_match_on_token_sequences(builtin):
    assert found(builtin, "经国家卫生和计划生育委员会批准") == ["国家卫生和计划生育委员会"]
    # A shorter term inside a longer reported one is the same error, reported once.
    assert found(builtin, "国家卫生计生委印发通知") == ["国家卫生计生委"]


def test_a_repeated_line_gives_the_same_hits_every_time_it_comes():
    # Lines are cached the second time they come: the first, second and third page that
    # carry a footer line find what a cold matcher finds, at their own positions.
    matcher = WordMatcher(load_wordlists())
    footer = "主办：国家卫生计生委办公厅"
    pages = [f"正文{i}\n{footer}\n第{i}页" for i in range(3)]
    spans, cached = [], []
    for text in pages:
        spans.append([(h.start, h.end, h.term) for h in matcher.find(text)])
        cached.append(footer in matcher._lines)
    matcher.clear_line_cache()
    cold = [[(h.start, h.end, h.term) for h in matcher.find(text)] for text in reversed(pages)]
    assert spans == cold[::-1] == [[(7, 14, "国家卫生计生委")]] * 3
    assert cached == [False, True, True]  # a line of one page only is never kept


def test_fullwidth_and_uppercase_text_matches_normalised_terms(builtin):
    # Plain terms are reported as the list writes them; one finding whatever the width or case.
    assert found(builtin, "北京赛车ＰＫ１０开奖") == ["北京赛车pk10"]
    assert found(builtin, "截止２０２３年底") == ["截止"]


# -- context rules, both ways ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("截止2023年底，全市共有企业1万家", ["截止"]),
        ("截止目前，已完成90%", ["截止"]),
        ("截止6月30日，共受理申请12件", ["截止"]),
        ("截至2023年底，全市共有企业1万家", []),
        ("报名截止日期为6月30日", []),
        ("截止时间：2024年6月30日", []),
        ("报名截止2024年6月30日", []),
        ("活动截止到6月底", []),
        ("请登陆网站办理", ["登陆"]),
        ("登陆国家政务服务平台查询", ["登陆"]),
        ("用户登陆后可查看", ["登陆"]),
        ("台风在福建沿海登陆", []),
        ("请登录网站办理", []),
        ("既使困难再大，也要完成任务", ["既使"]),
        ("既使企业受益，又使群众满意", []),
        ("深入学习十九届八中全会精神", ["十九届八中全会"]),
        ("深入学习二十届五中全会精神", ["二十届五中全会"]),
        ("深入学习十八届九中全会精神", ["十八届九中全会"]),
        ("深入学习十九届七中全会精神", []),
        ("深入学习二十届四中全会精神", []),
        ("深入学习十九大四中全会精神", ["十九大四中全会"]),
        ("深入学习党的二十大精神", []),
        ("学习习近平新时代中国特色社会主义思想", []),
        ("学习新时代中国特色社会主义思想", ["新时代中国特色社会主义思想"]),
        ("学习习近平总书记新时代中国特色社会主义思想", ["习近平总书记新时代中国特色社会主义思想"]),
        ("坚持以习近平新时代中国特色社会主义为指导", ["习近平新时代中国特色社会主义"]),
        ("中共广东省省委书记", ["省省委"]),
        ("中共广东省委书记", []),
        ("推进“一带一路”战略", ["“一带一路”战略"]),
        ("共建“一带一路”倡议", []),
    ],
)
def test_context_rules(builtin, text, expected):
    assert found(builtin, text) == expected


# -- findings ----------------------------------------------------------------------------------


def test_one_finding_per_page_and_term_with_count_and_sentence(tmp_path):
    text = "第一段。请按装好设备，按装完成后报告。\n联系人身份证号11010519491231002X，请按装。"
    found_ = audit(tmp_path, [page("/a.html", text)])
    (f,) = found_
    assert f.check == "wrong_word" and f.severity == "major"
    assert f.id == fingerprint("wrong_word", f"{SITE}/a.html", "按装")
    assert f.details["count"] == 3
    assert f.details["suggestion"] == "安装" and f.details["category"] == "typo"
    assert f.details["context"] == "请按装好设备，按装完成后报告。"
    assert f.title == "错别字：“按装”应为“安装”"


def test_context_masks_personal_numbers(tmp_path):
    text = "申请人张三身份证号11010519491231002X手机13812345678请按装好设备并于次日报到"
    (f,) = audit(tmp_path, [page("/a.html", text * 3)])
    assert "11010519491231002X" not in f.details["context"]
    assert "13812345678" not in f.details["context"]
    assert "*" in f.details["context"]


def test_titles_are_checked(tmp_path):
    (f,) = audit(tmp_path, [page("/a.html", "正文无误。", title="关于按装路灯的通知")])
    assert f.details["term"] == "按装" and f.details["context"] == "关于按装路灯的通知"


def test_severity_by_category_and_check_names(tmp_path):
    text = "十九届八中全会。百家乐在线注册。农业部发布数据。请按装。"
    by_term = {f.details["term"]: f for f in audit(tmp_path, [page("/a.html", text)])}
    assert (by_term["十九届八中全会"].check, by_term["十九届八中全会"].severity) == (
        "wrong_word",
        "critical",
    )
    assert (by_term["百家乐"].check, by_term["百家乐"].severity) == ("sensitive_word", "critical")
    assert by_term["百家乐"].details["suggestion"] is None
    assert (by_term["农业部"].check, by_term["农业部"].severity) == ("wrong_word", "major")
    assert by_term["按装"].severity == "major"


def test_severity_override_per_entry(tmp_path):
    mine = tmp_path / "mine.tsv"
    mine.write_text("按装\ttypo\t安装\tminor\n", encoding="utf-8")
    (f,) = audit(tmp_path, [page("/a.html", "请按装。")], wordlists=[str(mine)])
    assert f.severity == "minor"


# -- dates and historical references -----------------------------------------------------------


def test_outdated_names_only_on_pages_published_after_the_change(tmp_path):
    text = "农业部印发通知。"
    pages = [
        page("/2016.html", text, published="2016-05-01"),
        page("/2018-03-20.html", text, published="2018-03-20"),
        page("/2018-03-21.html", text, published="2018-03-21"),
        page("/undated.html", text, published=None),
    ]
    assert sorted(f.page_url for f in audit(tmp_path, pages)) == [
        f"{SITE}/2018-03-21.html",
        f"{SITE}/undated.html",
    ]
    undated_off = audit(tmp_path, pages, flag_undated_pages=False)
    assert [f.page_url for f in undated_off] == [f"{SITE}/2018-03-21.html"]


def test_local_names_follow_the_local_reform_date(tmp_path):
    pages = [
        page("/a.html", "市卫计委发布通知。", published="2019-01-10"),
        page("/b.html", "市卫计委发布通知。", published="2019-05-10"),
    ]
    assert [f.page_url for f in audit(tmp_path, pages)] == [f"{SITE}/b.html"]


@pytest.mark.parametrize(
    "text",
    [
        "原国家卫生计生委印发的文件继续有效。",
        "原湖南省卫生计生委印发的文件继续有效。",
        "美国农业部发布报告。",
        "日本文化部长访华。",
        "不再保留国土资源部、国家海洋局、国家测绘地理信息局。",
        "将环境保护部的职责整合，组建生态环境部。",
    ],
)
def test_historical_and_foreign_references_are_not_errors(tmp_path, text):
    assert terms_in(tmp_path, text) == []


# -- sensitive words ---------------------------------------------------------------------------


def test_sensitive_spam_is_reported_and_enforcement_news_becomes_a_hint(tmp_path):
    """Issue 21: a warning or crackdown context changes the severity and the wording of a
    sensitive term's finding, never whether it is reported."""
    spam = "澳门新葡京百家乐在线，注册送彩金，真人百家乐24小时。"
    news = "我局开展专项行动，严厉打击网络赌博、六合彩等违法犯罪活动。"
    spammed = audit(tmp_path, [page("/a.html", spam)])
    assert sorted(f.details["term"] for f in spammed) == sorted(
        ["注册送彩金", "澳门新葡京", "真人百家乐", "百家乐"]
    )
    assert {f.severity for f in spammed} == {"critical"}
    assert not any("warning_context" in f.details for f in spammed)
    hints = audit(tmp_path / "news", [page("/n.html", news)])
    assert sorted(f.details["term"] for f in hints) == ["六合彩", "网络赌博"]
    for f in hints:
        assert f.check == "sensitive_word" and f.severity == "minor"
        assert f.title == f"提示：敏感词“{f.details['term']}”出现在警示语境，请人工确认"
        assert f.details["context"] == news  # the sentence, for the staff to judge
        assert f.details["warning_context"] == "所在句含“专项行动”"  # its first warning word
        assert f.id == fingerprint("sensitive_word", f"{SITE}/n.html", f.details["term"])


def test_a_page_titled_for_the_fight_gives_hints_not_silence(tmp_path):
    campaign = page("/b.html", "法轮功人员帮教转化工作。", title="我县开展反邪教警示教育活动")
    (f,) = audit(tmp_path, [campaign])
    assert (f.details["term"], f.severity) == ("法轮功", "minor")
    assert f.details["warning_context"] == "标题含“邪教”"
    assert f.details["context"] == "法轮功人员帮教转化工作。"


@pytest.mark.parametrize(
    "sentence",
    [
        "谨防网络赌博陷阱，切勿轻信。",
        "如发现网络赌博线索，请拨打电话举报。",
        "警惕以网络赌博为名的电信诈骗。",
    ],
)
def test_every_warning_word_of_the_brief_keeps_the_term(tmp_path, sentence):
    (f,) = audit(tmp_path, [page("/w.html", sentence)])
    assert (f.details["term"], f.severity) == ("网络赌博", "minor")
    assert "出现在警示语境" in f.title


def test_a_plain_occurrence_beside_a_warned_one_is_the_error(tmp_path):
    text = "严厉打击网络赌博。欢迎加入网络赌博平台，注册即送。"
    assert {f.severity for f in audit(tmp_path, [page("/m.html", text)])} == {"critical"}
    findings = audit(tmp_path / "two", [page("/m.html", "严厉打击网络赌博。网络赌博就在这里。")])
    (g,) = findings
    assert g.severity == "critical" and "提示" not in g.title and "warning_context" not in g.details
    assert g.details["context"] == "网络赌博就在这里。" and g.details["count"] == 2


def test_attachment_in_warning_context_is_a_hint(tmp_path):
    from govaudit.checks.site_texts import Attachment

    record = PageRecord(url=f"{SITE}/f.pdf", status=200, kind="resource", text="谨防网络赌博。")
    attachment = Attachment(
        record=record,
        url=record.url,
        name="宣传材料.pdf",
        sources=(f"{SITE}/p.html",),
        source_title="宣传材料",
        source_published=None,
    )
    historical = re.compile(words.DEFAULTS["historical_context"])
    warning = words.warning_pattern(words.DEFAULTS)
    matcher = words.matcher_for((), True, ())
    (f,) = words.attachment_findings(attachment, matcher, historical, warning)
    assert f.severity == "minor" and f.details["warning_context"] == "所在句含“谨防”"


def test_warning_context_is_a_setting_and_accepts_its_older_name(tmp_path):
    news = "严厉打击网络赌博。"
    (f,) = audit(tmp_path, [page("/a.html", news)], warning_context="谨防")
    assert f.severity == "critical"  # 打击 is no warning word any more: the term is an error
    (g,) = audit(tmp_path / "old", [page("/a.html", "谨防网络赌博。")], sensitive_exempt="谨防")
    assert g.severity == "minor" and g.details["warning_context"] == "所在句含“谨防”"
    with pytest.raises(ConfigError, match=r"checks\.words\.warning_context"):
        audit(tmp_path / "bad", [page("/a.html", news)], warning_context="(unclosed")


def test_whitelists_still_silence_a_warned_term(tmp_path):
    news = "严厉打击网络赌博。"
    assert audit(tmp_path, [page("/a.html", news)], whitelist_terms=["网络赌博"]) == []
    assert audit(tmp_path / "p", [page("/a.html", news)], whitelist_pages=["/a"]) == []


# -- whitelists and page selection -------------------------------------------------------------


def test_whitelisted_terms_and_their_superstrings(tmp_path):
    text = "中国卫生部旧址。卫生部发布通知。"
    assert terms_in(tmp_path, text) == ["卫生部"]
    (f,) = audit(tmp_path, [page("/a.html", text)], whitelist_terms=["中国卫生部"])
    assert f.details["count"] == 1  # only the second sentence
    assert terms_in(tmp_path, text, whitelist_terms=["卫生部"]) == []


def test_whitelisted_pages(tmp_path):
    pages = [page("/history/a.html", "农业部印发。"), page("/news/b.html", "农业部印发。")]
    found_ = audit(tmp_path, pages, whitelist_pages=[r"/history/"])
    assert [f.page_url for f in found_] == [f"{SITE}/news/b.html"]


def test_bad_whitelist_regex_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"checks\.words\.whitelist_pages"):
        audit(tmp_path, [page("/a.html", "x")], whitelist_pages=["(unclosed"])


def test_only_internal_html_pages_with_content(tmp_path):
    pages = [
        page("/doc.html", "请按装。", kind="document"),
        page("/list.html", "请按装。", kind="list"),
        page("/home.html", "请按装。", kind="home"),
        page("/file.pdf", "请按装。", kind="resource"),
        page("/gone.html", "请按装。", status=404),
        page("/broken.html", "请按装。", status=None, error="timeout"),
        PageRecord(
            url="http://other.example.com/x.html", status=200, internal=False, text="请按装"
        ),
    ]
    assert sorted(f.page_url for f in audit(tmp_path, pages)) == [
        f"{SITE}/doc.html",
        f"{SITE}/home.html",
        f"{SITE}/list.html",
    ]


def test_gbk_page_text(tmp_path):
    raw = "关于截止２０２３年底农业部项目的通知：请按装设备。".encode("gbk")
    gbk_page = page("/gbk.html", raw.decode("gbk"), kind="document", charset="gbk")
    assert sorted(f.details["term"] for f in audit(tmp_path, [gbk_page])) == [
        "农业部",
        "截止",
        "按装",
    ]


def test_user_wordlist_adds_terms(tmp_path):
    mine = tmp_path / "local.tsv"
    mine.write_text("# local names\n某某开发区管委会\toutdated\t某某高新区管委会\t\t\t2020-01-01\n")
    assert terms_in(tmp_path, "某某开发区管委会发布。", wordlists=[str(mine)]) == [
        "某某开发区管委会"
    ]


def test_a_malformed_user_wordlist_stops_the_audit_before_the_crawl(tmp_path, capsys):
    from govaudit.cli import main

    bad = tmp_path / "mine.tsv"
    bad.write_text("好词\ttypo\t\n坏行没有分类\n", encoding="utf-8")
    # Port 9 on loopback: were the crawl to start, it would fail with exit 3, not 2.
    code = main(
        [
            "audit",
            "http://127.0.0.1:9/",
            "--out",
            str(tmp_path / "out"),
            "--wordlist",
            str(bad),
            "--quiet",
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and f"{bad}:2" in err[0]
    assert not (tmp_path / "out" / "findings.json").exists()


def test_a_rules_suggestion_is_the_corrected_term_not_a_placeholder(tmp_path):
    """十九大四中全会 once got the suggestion "X届X中全会"."""
    (f,) = audit(tmp_path, [page("/a.html", "深入学习贯彻十九大四中全会精神。")])
    assert f.details["term"] == "十九大四中全会"
    assert f.details["suggestion"] == "十九届四中全会"
    assert f.title.endswith("“十九大四中全会”应为“十九届四中全会”")
    (g,) = audit(tmp_path, [page("/b.html", "学习二十大三中全会精神。")])
    assert g.details["suggestion"] == "二十届三中全会"


def test_no_builtin_suggestion_is_a_placeholder():
    from govaudit.wordlists import load_wordlists

    wl = load_wordlists()
    for entry in (*wl.terms.values(), *wl.rules):
        assert "X" not in (entry.suggestion or "").replace("XX", ""), entry.origin


def test_the_builtin_lists_report_nothing_in_real_government_reports():
    """Every built-in pair must be wrong in every context (issue 21): six 2026 provincial
    政府工作报告 (benchmarks/gov_text/, real text) hold none of them."""
    matcher = words.matcher_for((), True, ())
    historical = re.compile(words.DEFAULTS["historical_context"])
    warning = words.warning_pattern(words.DEFAULTS)
    gov_text = Path(__file__).resolve().parents[1] / "benchmarks" / "gov_text"
    for path in sorted(gov_text.glob("*.txt")):
        text = path.read_text("utf-8")
        page = PageRecord(
            url="http://www.example.gov.cn/r.html", text=text, published=date(2026, 2, 1)
        )
        found = [
            f.details["term"]
            for f in words.page_findings(page, page.url, matcher, historical, warning)
        ]
        assert found == [], path.name
