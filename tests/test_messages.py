"""unanswered_message and late_reply on hand-built stores, and the 互动回应差 scorecard item."""

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest

from govaudit.checks import unanswered_message as messages
from govaudit.checks.scorecard import MessageCoverage, message_coverage, scorecard
from govaudit.core.config import AuditConfig, ConfigError, check_rules
from govaudit.core.model import Finding, ListItem, PageRecord
from govaudit.core.store import Store
from govaudit.crawler.extract import parse_page
from govaudit.reports.labels import check_name, detail_text
from govaudit.reports.settings import DEFAULT_SCORECARD

SITE = "http://127.0.0.1:8000"
AS_OF = date(2024, 6, 30)
CHECKER = Path("/work/shared/tools/check_findings.py")
MAILBOX = ("首页", "互动交流", "局长信箱")


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


def message(
    path: str,
    asked: date,
    answered: date | None = None,
    *,
    status: str | None = None,
    crumbs: tuple[str, ...] = MAILBOX,
    text: str = "",
    kind: str = "article",
) -> PageRecord:
    meta = {"留言时间": asked.isoformat()}
    if answered:
        meta["答复时间"] = answered.isoformat()
    if status:
        meta["办理状态"] = status
    return PageRecord(
        url=f"{SITE}{path}",
        status=200,
        kind=kind,
        title=f"关于{path.strip('/')}的咨询",
        breadcrumb=crumbs,
        meta=meta,
        text=text,
        published=asked,
    )


def list_page(path: str, crumb: str, targets: list[str], **kw) -> PageRecord:
    items = tuple(
        ListItem(f"{SITE}{t}", f"留言{t}", ago(1), position) for position, t in enumerate(targets)
    )
    return PageRecord(
        url=f"{SITE}{path}",
        status=200,
        kind="list",
        title=f"{crumb} - 临江市人社局",
        breadcrumb=kw.pop("breadcrumb", ("首页", crumb)),
        list_items=items,
        **kw,
    )


def store_of(tmp_path, *records: PageRecord):
    store = Store(tmp_path / f"audit{len(list(tmp_path.glob('*.db')))}.db")
    audit_id = store.start_audit("site", f"{SITE}/", AS_OF, {})
    store.add_pages(audit_id, records)
    return store.view(audit_id)


def audit(tmp_path, *records: PageRecord, rules: dict | None = None) -> list[Finding]:
    view = store_of(tmp_path, *records)
    merged = check_rules(_config(rules or {}), messages.SECTION, messages.DEFAULTS)
    findings = list(messages.run(view, merged, AS_OF))
    _assert_contract(findings)
    return findings


def _config(section: dict) -> AuditConfig:
    return AuditConfig(
        site_name="site",
        start_urls=(f"{SITE}/",),
        allowed_hosts=("127.0.0.1",),
        as_of=AS_OF,
        checks={messages.SECTION: section},
    )


def _assert_contract(findings) -> None:
    if not CHECKER.is_file():
        return  # CI clones the repository alone
    spec = importlib.util.spec_from_file_location("check_findings", CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.problems([f.to_json() for f in findings]) == []


# -- the rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "found"), [(90, False), (91, True)])
def test_unanswered_boundary_day_90_ok_day_91_vetoed(tmp_path, days, found):
    findings = audit(tmp_path, message("/hdjl/a.html", ago(days)))
    assert bool(findings) is found
    if found:
        (f,) = findings
        assert (f.check, f.severity, f.column) == ("unanswered_message", "critical", "局长信箱")
        out = f.to_json()
        assert out["asked"] == ago(91).isoformat() and out["answered"] is None
        assert (out["days"], out["threshold_days"], out["column"]) == (91, 90, "局长信箱")
        assert f.page_url == f"{SITE}/hdjl/a.html" and "91 天未答复" in f.title
        assert f.id == messages.fingerprint("unanswered_message", f.page_url)


@pytest.mark.parametrize(("delay", "found"), [(10, False), (90, False), (91, True)])
def test_late_reply_boundary(tmp_path, delay, found):
    asked = ago(200)
    findings = audit(tmp_path, message("/hdjl/b.html", asked, asked + timedelta(days=delay)))
    assert bool(findings) is found
    if found:
        (f,) = findings
        assert (f.check, f.severity) == ("late_reply", "major")
        assert f.to_json()["answered"] == (asked + timedelta(days=91)).isoformat()
        assert f.details["days"] == 91


@pytest.mark.parametrize(("days", "found"), [(365, True), (366, False), (400, False)])
def test_only_messages_asked_within_the_year_count(tmp_path, days, found):
    assert bool(audit(tmp_path, message("/hdjl/c.html", ago(days)))) is found


def test_window_zero_judges_every_message(tmp_path):
    findings = audit(tmp_path, message("/hdjl/c.html", ago(400)), rules={"window_days": 0})
    assert [f.details["days"] for f in findings] == [400]


def test_recent_unanswered_and_future_dated_messages_are_no_findings(tmp_path):
    assert audit(tmp_path, message("/hdjl/d.html", ago(30)), message("/hdjl/e.html", ago(-5))) == []


@pytest.mark.parametrize(
    "crumbs",
    [
        ("首页", "互动交流", "信访"),
        ("首页", "互动交流", "网上信访"),
        ("首页", "互动交流", "在线访谈"),
        ("首页", "互动交流", "调查征集"),
        ("首页", "纪检举报"),
        ("首页", "政务公开", "通知公告"),  # not an interaction column at all
    ],
)
def test_excluded_and_other_columns_are_not_judged(tmp_path, crumbs):
    assert audit(tmp_path, message("/x/a.html", ago(200), crumbs=crumbs)) == []


@pytest.mark.parametrize(
    ("crumbs", "column"),
    [
        (("首页", "互动交流", "咨询投诉"), "咨询投诉"),
        (("首页", "互动交流", "常见问题"), "常见问题"),  # the outer 互动交流 decides
        (("首页", "政民互动", "书记信箱", "正文"), "书记信箱"),
    ],
)
def test_interaction_columns_by_breadcrumb(tmp_path, crumbs, column):
    (f,) = audit(tmp_path, message("/x/a.html", ago(200), crumbs=crumbs))
    assert f.column == column


def test_keywords_and_exclusions_are_settings(tmp_path):
    page = message("/x/a.html", ago(200), crumbs=("首页", "民意征集"))
    assert audit(tmp_path, page) == []
    rules = {"exclude_keywords": ["信访"], "column_keywords": ["民意"]}
    assert [f.column for f in audit(tmp_path, page, rules=rules)] == ["民意征集"]


def test_column_from_the_list_that_shows_a_message_without_breadcrumb(tmp_path):
    records = [
        message("/jzxx/1.html", ago(120), crumbs=()),
        list_page("/jzxx/index.html", "局长信箱", ["/jzxx/1.html"]),
        message("/xf/1.html", ago(120), crumbs=()),
        list_page("/xf/index.html", "信访", ["/xf/1.html"]),
    ]
    findings = audit(tmp_path, *records)
    assert [(f.page_url, f.column) for f in findings] == [(f"{SITE}/jzxx/1.html", "局长信箱")]


@pytest.mark.parametrize(
    ("status", "text", "found"),
    [
        ("已回复", "", False),  # answered, date unknown: its delay cannot be judged
        ("已办结", "", False),
        ("处理中", "", True),
        ("未回复", "答复内容：暂无", True),
        ("无效留言", "", False),  # not a valid message
        (None, "答复内容：您好！您反映的问题已转相关科室办理。", False),
        (None, "答复内容\n您好，根据规定可以办理。", False),
        (None, "答复内容：暂无\n答复单位：办公室", True),
        (None, "", True),
    ],
)
def test_status_and_reply_text_without_a_reply_date(tmp_path, status, text, found):
    page = message("/hdjl/s.html", ago(120), status=status, text=text)
    assert bool(audit(tmp_path, page)) is found


def test_a_list_page_carrying_message_labels_is_not_a_second_message(tmp_path):
    records = [
        message("/hdjl/1.html", ago(120)),
        message("/hdjl/index.html", ago(120), kind="list"),
    ]
    view = store_of(tmp_path, *records)
    view.db["list_items"].insert(
        {"audit": view.audit_id, "page": f"{SITE}/hdjl/index.html", "url": f"{SITE}/hdjl/1.html",
         "title": "留言", "date": ago(120).isoformat(), "position": 0}
    )  # fmt: skip
    merged = check_rules(_config({}), messages.SECTION, messages.DEFAULTS)
    assert [f.page_url for f in messages.run(view, merged, AS_OF)] == [f"{SITE}/hdjl/1.html"]


@pytest.mark.parametrize(
    ("section", "where"),
    [
        ({"max_days": 0}, "max_days"),
        ({"window_days": -1}, "window_days"),
        ({"severity": {"late_reply": "fatal"}}, "severity.late_reply"),
        ({"severity": {"slow": "major"}}, "severity.slow"),
        ({"column_keywords": [""]}, "column_keywords"),
    ],
)
def test_bad_settings_name_the_key(section, where):
    merged = check_rules(_config(section), messages.SECTION, messages.DEFAULTS)
    with pytest.raises(ConfigError, match=f"checks.unanswered_message.{where}"):
        messages.validate_rules(merged)


# -- observation -------------------------------------------------------------------------------


def test_message_page_labels_are_recorded_as_metadata():
    html = """<html><body><div class="position">当前位置：首页 > 互动交流 > 局长信箱</div>
    <h1>关于社保补缴的咨询</h1>
    <table><tr><td>来信时间</td><td>2024年1月5日</td><td>处理状态</td><td>已办结</td></tr></table>
    <p>提问内容：请问如何补缴？</p><p>回复时间：2024-02-01 10:00　答复单位：社保科</p>
    </body></html>"""
    page = parse_page(f"{SITE}/hdjl/t20240105_1.html", html.encode("utf-8"))
    assert page.meta["留言时间"] == "2024-01-05"
    assert page.meta["答复时间"] == "2024-02-01"
    assert page.meta["办理状态"] == "已办结"
    assert page.breadcrumb[-1] == "局长信箱"


# -- report ------------------------------------------------------------------------------------


def item(items):
    return next(i for i in items if i.key == "unanswered_messages")


def test_scorecard_vetoes_from_the_oldest_unanswered_finding(tmp_path):
    findings = audit(tmp_path, message("/a.html", ago(120)), message("/b.html", ago(95)))
    coverage = MessageCoverage(columns=True, counted=5, unanswered_days=(120, 95, 20))
    score = item(scorecard(findings, DEFAULT_SCORECARD, messages=coverage))
    assert (score.measured, score.verdict) == (120, "否决")
    assert score.threshold_label() == "> 90 天"


@pytest.mark.parametrize(
    ("ages", "measured", "verdict"),
    [((), 0, "合格"), ((62,), 62, "合格"), ((63,), 63, "预警"), ((90, 10), 90, "预警")],
)
def test_scorecard_measures_messages_below_the_threshold(ages, measured, verdict):
    coverage = MessageCoverage(columns=True, counted=3, unanswered_days=ages)
    score = item(scorecard([], DEFAULT_SCORECARD, messages=coverage))
    assert (score.measured, score.verdict) == (measured, verdict)
    assert "已核查 3 条留言" in score.note


def test_scorecard_ignores_an_old_message_whose_finding_was_suppressed():
    coverage = MessageCoverage(columns=True, counted=2, unanswered_days=(150, 5))
    assert item(scorecard([], DEFAULT_SCORECARD, messages=coverage)).verdict == "合格"


@pytest.mark.parametrize(
    "coverage",
    [None, MessageCoverage(columns=False, counted=0), MessageCoverage(columns=True, counted=0)],
)
def test_scorecard_without_evidence_stays_unchecked(coverage):
    score = item(scorecard([], DEFAULT_SCORECARD, messages=coverage))
    assert score.verdict == "未检查" and score.measured is None and score.note


def test_message_coverage_reads_the_store(tmp_path):
    view = store_of(
        tmp_path,
        message("/hdjl/1.html", ago(70)),
        message("/hdjl/2.html", ago(20), ago(18)),
        message("/hdjl/3.html", ago(400)),  # before the window
        message("/xf/1.html", ago(200), crumbs=("首页", "信访")),
    )
    coverage = message_coverage(view, AS_OF)
    assert coverage == MessageCoverage(columns=True, counted=2, unanswered_days=(70,))
    assert item(scorecard([], DEFAULT_SCORECARD, messages=coverage)).verdict == "预警"
    wide = message_coverage(view, AS_OF, {"window_days": 0})
    assert wide.counted == 3


def test_coverage_sees_an_interaction_column_without_dated_messages(tmp_path):
    view = store_of(tmp_path, list_page("/hdjl/index.html", "互动交流", ["/hdjl/1.html"]))
    assert message_coverage(view, AS_OF) == MessageCoverage(columns=True, counted=0)
    empty = store_of(tmp_path, list_page("/tzgg/index.html", "通知公告", ["/tzgg/1.html"]))
    assert message_coverage(empty, AS_OF).columns is False


def test_labels_render_the_message_details(tmp_path):
    (f,) = audit(tmp_path, message("/hdjl/a.html", ago(120), status="未回复"))
    text = detail_text(f)
    assert check_name("unanswered_message") == "留言超期未答复"
    assert f"留言时间：{ago(120).isoformat()}" in text and "答复时间：未答复" in text
    assert "已 120 天未答复（要求 90 天内答复）" in text
