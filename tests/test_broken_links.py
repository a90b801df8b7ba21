"""broken_link on hand-built stores: what counts as broken, one finding per target, severity."""

import importlib.util
import re
from datetime import date
from pathlib import Path

import pytest

from govaudit.checks import broken_link as broken_links
from govaudit.core.config import AuditConfig, ConfigError, check_rules
from govaudit.core.model import Link, PageRecord, fingerprint
from govaudit.core.store import Store

SITE = "http://127.0.0.1:8000"
OUTSIDE = "http://127.0.0.2:8000"
AS_OF = date(2024, 6, 30)
CHECKER = Path("/work/shared/tools/check_findings.py")


def link(path: str, text: str = "链接", tag: str = "a", boilerplate: bool = False) -> Link:
    target = path if path.startswith("http") else f"{SITE}{path}"
    attr = "src" if tag in ("img", "script") else "href"
    return Link(target, tag, attr, text, boilerplate)


def source(path: str, *links: Link, kind: str = "article") -> PageRecord:
    return PageRecord(url=f"{SITE}{path}", status=200, kind=kind, title="页面", links=links)


def target(url: str, **kw) -> PageRecord:
    url = url if url.startswith("http") else f"{SITE}{url}"
    kw.setdefault("status", 200)
    kw.setdefault("internal", url.startswith(SITE))
    return PageRecord(url=url, **kw)


def _config(section: dict) -> AuditConfig:
    return AuditConfig(
        site_name="site",
        start_urls=(f"{SITE}/",),
        allowed_hosts=("127.0.0.1",),
        as_of=AS_OF,
        checks={"broken_link": section},
    )


def audit(tmp_path, *records: PageRecord, rules: dict | None = None) -> list:
    store = Store(tmp_path / f"audit{len(list(tmp_path.glob('*.db')))}.db")
    audit_id = store.start_audit("site", f"{SITE}/", AS_OF, {})
    store.add_pages(audit_id, records)
    merged = check_rules(_config(rules or {}), "broken_link", broken_links.DEFAULTS)
    findings = list(broken_links.run(store.view(audit_id), merged, AS_OF))
    if CHECKER.is_file():  # absent when CI clones the repository alone
        spec = importlib.util.spec_from_file_location("check_findings", CHECKER)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module.problems([f.to_json() for f in findings]) == []
    return findings


def judged(tmp_path, record: PageRecord) -> list:
    """Findings for one target linked from one article page."""
    return audit(tmp_path, source("/a.html", link(record.url, "附件")), record)


# -- what is broken ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 403, 500, 503])
def test_error_status_is_broken(tmp_path, status):
    (f,) = judged(tmp_path, target("/gone.html", status=status))
    assert f.check == "broken_link" and f.details["status"] == status
    assert f.details["target_url"] == f"{SITE}/gone.html"
    assert f.details["source_pages"] == [f"{SITE}/a.html"] and f.page_url == f"{SITE}/a.html"
    assert f.title == f"不可用链接：附件 → {status}"
    assert f.id == fingerprint("broken_link", f"{SITE}/gone.html")


@pytest.mark.parametrize("error", ["dns", "refused", "timeout", "tls", "connection", "other"])
def test_network_errors_are_broken(tmp_path, error):
    (f,) = judged(tmp_path, target(f"{OUTSIDE}/x", status=None, error=error))
    assert f.details["error"] == error and f.details["status"] is None
    assert f.details["error_kind"] == error


@pytest.mark.parametrize(
    "record",
    [
        target("/nohead.doc", kind="resource", method="HEAD>GET", size=2048),
        target("/limited.html", kind="article", text="正文" * 200),  # 429 then 200
        target("/moved", final_url=f"{SITE}/new.html", redirects=(f"{SITE}/moved",)),
        target("/big.pdf", status=None, error="skipped", error_detail="max_resource_bytes"),
        target("/huge.zip", status=200, error="cancelled", kind="resource"),
        target(f"{OUTSIDE}/busy", status=429),
        target("/unknown-size.pdf", kind="resource", size=None),
    ],
    ids=["head-refused", "429-then-200", "redirect-200", "skipped", "cancelled", "429", "nosize"],
)
def test_not_broken(tmp_path, record):
    assert judged(tmp_path, record) == []


def test_target_never_checked_is_not_judged(tmp_path):
    assert audit(tmp_path, source("/a.html", link("/never.html"))) == []


def test_redirect_to_404_keeps_the_chain(tmp_path):
    record = target("/old", status=404, final_url=f"{SITE}/gone", redirects=(f"{SITE}/old",))
    (f,) = judged(tmp_path, record)
    assert f.details["redirects"] == [f"{SITE}/old"] and f.details["final_url"] == f"{SITE}/gone"


def test_empty_attachment_is_broken(tmp_path):
    (f,) = judged(tmp_path, target("/files/a.pdf", kind="resource", size=0))
    assert f.details["error_kind"] == "empty" and f.details["status"] == 200
    assert "空文件" in f.title


@pytest.mark.parametrize(
    "title, text",
    [
        ("404 Not Found", "nginx"),
        ("页面不存在", "您访问的页面不存在，请返回首页。"),
        ("临江市人社局", "抱歉，您访问的页面不存在或已被删除！ 5 秒后返回首页"),
        ("提示信息", "对不起，找不到该页面。"),
        ("出错了", "系统繁忙"),
        ("临江市人社局", "页面走丢了，返回首页"),
        ("错误", "访问的页面已删除"),
        ("Error 404", ""),
        ("信息提示", "该信息不存在或已删除"),
        ("Sorry", "The requested page was NOT   FOUND on this server."),
    ],
)
def test_soft_404_pages(tmp_path, title, text):
    record = target("/soft.html", kind="other", title=title, text=text)
    (f,) = judged(tmp_path, record)
    assert f.details["error_kind"] == "soft_404" and f.details["status"] == 200
    assert "软 404" in f.title


@pytest.mark.parametrize(
    "title, text",
    [
        (
            "关于做好就业服务的通知",
            "群众反映找不到办事窗口的问题已经解决。" + "各单位要认真落实。" * 60,
        ),
        ("找不到工作怎么办？人社部门来帮忙", "近日，" + "我局组织开展就业帮扶活动。" * 40),
        ("第404期工作简报", "本期简报共收录工作信息十二条。" * 30),
        (
            "某某网站页面不存在问题整改情况通报",
            "根据检查，" + "网站存在的问题已全部整改完毕。" * 80,
        ),
    ],
)
def test_long_articles_mentioning_errors_are_not_soft_404(tmp_path, title, text):
    record = target("/article.html", kind="article", title=title, text=text)
    assert judged(tmp_path, record) == []


# -- one finding per target, severity ----------------------------------------------------------


def test_nav_link_on_every_page_is_one_finding_with_all_sources(tmp_path):
    nav = link("/dead/", "办事服务", boilerplate=True)
    pages = [source(f"/p{i}.html", nav) for i in range(5)]
    home = source("/", nav, kind="home")
    (f,) = audit(tmp_path, home, *pages, target("/dead/", status=404))
    assert f.details["source_pages"] == sorted([f"{SITE}/"] + [p.url for p in pages])
    assert f.page_url == f"{SITE}/" and f.severity == "critical"
    assert f.details["boilerplate"] is True and f.details["anchors"] == ["办事服务"]


def test_content_link_is_not_boilerplate_and_anchors_are_distinct(tmp_path):
    findings = audit(
        tmp_path,
        source(
            "/a.html", link("/x.html", "通知原文"), link("/x.html", "通知原文", boilerplate=True)
        ),
        source("/b.html", link("/x.html", "点击下载")),
        target("/x.html", status=404),
    )
    (f,) = findings
    assert "boilerplate" not in f.details
    assert f.details["anchors"] == ["通知原文", "点击下载"] and f.severity == "major"


@pytest.mark.parametrize(
    "record, tag, severity",
    [
        (target("/x.html", status=404), "a", "major"),
        (target(f"{OUTSIDE}/x.html", status=404), "a", "minor"),
        (target(f"{OUTSIDE}/logo.png", status=404, kind="resource"), "img", "major"),
        (target(f"{OUTSIDE}/x.js", status=500), "script", "major"),
    ],
)
def test_severity_internal_external_resource(tmp_path, record, tag, severity):
    findings = audit(tmp_path, source("/a.html", link(record.url, "x", tag=tag)), record)
    assert [f.severity for f in findings] == [severity]


def test_homepage_link_is_critical_even_to_an_external_site(tmp_path):
    record = target(f"{OUTSIDE}/x.html", status=None, error="dns")
    findings = audit(
        tmp_path, source("/", link(record.url, "友情链接"), kind="home"), source("/b.html"), record
    )
    assert [(f.severity, f.page_url) for f in findings] == [("critical", f"{SITE}/")]


def test_severity_is_configurable(tmp_path):
    record = target(f"{OUTSIDE}/x.html", status=404)
    rules = {"severity": {"external": "major"}}
    findings = audit(tmp_path, source("/a.html", link(record.url)), record, rules=rules)
    assert [f.severity for f in findings] == ["major"]


def test_finding_names_the_column_of_the_referring_page(tmp_path):
    column = PageRecord(
        url=f"{SITE}/tzgg/index.html",
        status=200,
        kind="list",
        breadcrumb=("首页", "通知公告"),
        links=(link("/tzgg/dead.pdf", "附件"),),
    )
    (f,) = audit(tmp_path, column, target("/tzgg/dead.pdf", status=404, kind="resource"))
    assert f.column == "通知公告"


@pytest.mark.parametrize(
    "section, message",
    [
        (
            {"severity": {"home": "fatal"}},
            "checks.broken_link.severity.home 应为 critical, major, minor 之一",
        ),
        ({"severity": {"home": 1}}, "checks.broken_link.severity.home 应为字符串"),
        ({"soft404_strong": ["(unclosed"]}, "checks.broken_link.soft404_strong"),
        ({"ignore_statuses": 429}, "checks.broken_link.ignore_statuses 应为列表"),
        ({"retries": 3}, "checks.broken_link.retries 不是可用的设置"),
    ],
)
def test_config_validation(section, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        rules = check_rules(_config(section), "broken_link", broken_links.DEFAULTS)
        broken_links.validate_rules(rules)


def test_dead_links_redirected_to_one_error_page_are_each_broken(tmp_path):
    """A CMS sends every missing page to /404.html (200 "页面不存在"); the crawler fetched that
    page once and recorded the others as ending there: each dead link is a finding of its own."""
    error_page = f"{SITE}/404.html"
    findings = audit(
        tmp_path,
        source(
            "/",
            link("/old-a.html", "旧通知"),
            link("/old-b.html", "旧公告"),
            link("/moved.html"),
            kind="home",
        ),
        target(
            "/old-a.html", kind="other", final_url=error_page, redirects=(f"{SITE}/old-a.html",)
        ),
        target(
            "/old-b.html", kind="other", final_url=error_page, redirects=(f"{SITE}/old-b.html",)
        ),
        target(
            "/404.html",
            kind="other",
            title="页面不存在",
            text="对不起，您访问的页面不存在或已被删除。",
        ),
        target(
            "/moved.html",
            kind="article",
            final_url=f"{SITE}/new.html",
            title="关于2024年社保缴费的通知",
            text="正文" * 300,
        ),
        target("/new.html", kind="article", title="关于2024年社保缴费的通知", text="正文" * 300),
    )
    broken = {f.details["target_url"]: f.details["error_kind"] for f in findings}
    assert broken == {f"{SITE}/old-a.html": "soft_404", f"{SITE}/old-b.html": "soft_404"}


@pytest.mark.parametrize(
    "patterns",
    [
        broken_links.DEFAULTS["soft404_strong"],
        broken_links.DEFAULTS["soft404_weak"],
        [r"\berror\b", r"(?:页面|网页)已删除", r"^\W*$"],  # one needs no literal at all
        [r"ſtop", r"KELVIN"],  # literals with case that Unicode folds oddly
    ],
)
def test_soft404_literal_shortcuts_find_what_the_patterns_find(patterns):
    """The literal searches only rule texts out: every text a pattern matches is still found."""
    phrases = broken_links._Phrases(patterns)
    texts = [
        "",
        "页面不存在",
        "网页已 删除",
        "Error: 404",
        "404",
        "STOP",
        "\u212aelvin",  # KELVIN SIGN matches k with IGNORECASE
        "文章 不存在或已被删除",
        "The page was not\nfound",
        "没有问题的正文",
        "？！",
    ]
    for title in ("", "提示", "Not Found"):
        for text in texts:
            expected = any(re.search(p, t, re.IGNORECASE) for p in patterns for t in (title, text))
            assert phrases.found_in(title, text) == expected, (patterns, title, text)


@pytest.mark.parametrize(
    "strong", [broken_links.DEFAULTS["soft404_strong"], [r"page\s+gone", r"页面 不存在"]]
)
def test_soft404_pages_ruled_out_early_are_those_no_phrase_matches(strong):
    """Pages are ruled out on their raw text, before its whitespace is collapsed: the same
    verdicts as every pattern searched in the collapsed text."""
    rules = {**broken_links.DEFAULTS, "soft404_strong": strong}
    soft404 = broken_links._Soft404(rules)
    weak, strong_max, weak_max = rules["soft404_weak"], 1000, 200

    def expected(title: str, text: str) -> bool:
        title, text = title.strip(), " ".join(text.split())
        if not title and not text:
            return False

        def found(patterns: list[str]) -> bool:
            return any(re.search(p, t, re.IGNORECASE) for p in patterns for t in (title, text))

        short = len(text) <= strong_max and found(strong)
        return short or (len(text) <= weak_max and found(weak))

    texts = [
        "",
        "  ",
        "页面\n不存在",
        "页面 \t 不存在",
        "Page \n\n GONE",
        " 404 ",
        "4\n04",
        "正文" * 300,
    ]
    for title in ("", " 提示 ", "Not\tFound"):
        for text in texts:
            assert soft404.matches(title, text) == expected(title, text), (strong, title, text)


# -- through the audit process's view without texts -------------------------------------------

_GONE = "<html><head><title>提示</title></head><body><p>对不起，您访问的页面不存在或已被删除！</p></body></html>"
_REPORT = (
    "<html><head><title>某某网站页面不存在问题整改情况通报</title></head><body><p>"
    + "根据检查，网站存在的问题已全部整改完毕。" * 80
    + "</p></body></html>"
)


def test_soft_404_found_on_a_real_site_while_the_helper_runs_the_text_checks(tmp_path, monkeypatch):
    """With a helper, the audit process's snapshot keeps no text: the soft-404 rule still reads
    every page's, so the findings are those of an audit process that keeps them all."""
    import json
    import subprocess
    import sys

    from site_server import Reply, SiteServer

    from govaudit import checks
    from govaudit.audit import run_checks
    from govaudit.helper import Helper

    monkeypatch.setattr("os.cpu_count", lambda: 2)  # the helper runs on two cores or more
    home = (
        '<html><body><a href="/gone.html">旧通知</a><a href="/report.html">通报</a></body></html>'
    )
    routes = {"/": Reply(home), "/gone.html": Reply(_GONE), "/report.html": Reply(_REPORT)}
    out = tmp_path / "out"
    with SiteServer(routes) as site:
        done = subprocess.run(
            [sys.executable, "-m", "govaudit.cli", "audit", f"{site.url}/", "--out", str(out)]
            + ["--as-of", AS_OF.isoformat(), "--quiet", "--no-screenshots"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parents[1],
        )
    assert done.returncode == 0, done.stderr
    written = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [(f["check"], f["target_url"]) for f in written if f["check"] == "broken_link"] == [
        ("broken_link", f"{site.url}/gone.html")
    ]
    rules = {m.SECTION: dict(m.DEFAULTS) for m in checks.REGISTRY}
    (audit_id,) = [a["id"] for a in Store(out / "govaudit.db").audits()]
    alone = run_checks(Store(out / "govaudit.db"), audit_id, rules, AS_OF)
    store, helper = Store(out / "govaudit.db"), Helper()
    try:
        assert helper.running
        beside = run_checks(store, audit_id, rules, AS_OF, helper)
    finally:
        helper.close()
    view = store.view(audit_id, snapshot=True)  # the one the checks read
    assert not view.keep_texts and {p.text for p in view.pages(with_text=False)} == {""}
    assert beside == alone
    (soft,) = [f for f in beside if f.check == "broken_link"]
    assert soft.details["target_url"] == f"{site.url}/gone.html"
    assert soft.details["error_kind"] == "soft_404"
