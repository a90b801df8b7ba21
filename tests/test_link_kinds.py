"""Every link a browser loads or a visitor follows, and the anchors links promise (issue 17).

The cases follow the behaviours the link checkers' public test suites describe (linkinator's
srcset, picture, css, alternate, prefetch, twittercard and fragments-* fixtures; LinkChecker's
background= and anchor tests; lychee's and muffet's fragment cases: id vs name, percent-encoded,
case-sensitive, non-HTML targets), on pages written here. The parser is tested on bytes, the
missing-anchor check on a hand-built store, and the whole path on a real site on 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from site_server import Reply, SiteServer

from govaudit.checks import missing_anchor as anchor_check
from govaudit.core.model import LOADED_BY_SCRIPT, Link, PageRecord
from govaudit.core.store import Store
from govaudit.crawler.extract import css_urls, parse_page, srcset_urls, stylesheet_links

SITE = "http://x.gov.cn"
ROOT = Path(__file__).resolve().parents[1]
CHECK_FINDINGS = ROOT.parents[1] / "shared" / "tools" / "check_findings.py"


def links_of(body: str, url: str = f"{SITE}/zwgk/p.html") -> set[tuple[str, str, str]]:
    record = parse_page(url, f"<html><head>{body}</head><body></body></html>".encode())
    return {(link.target, link.tag, link.attr) for link in record.links}


def body_links(body: str, url: str = f"{SITE}/zwgk/p.html") -> set[tuple[str, str, str]]:
    record = parse_page(url, f"<html><body>{body}</body></html>".encode())
    return {(link.target, link.tag, link.attr) for link in record.links}


# -- srcset ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "urls"),
    [
        ("a.jpg 1x, b.jpg 2x", ["a.jpg", "b.jpg"]),
        ("a.jpg 1x,b.jpg 2x", ["a.jpg", "b.jpg"]),  # no space after the comma
        ("a.html, b.html", ["a.html", "b.html"]),  # no descriptors
        ("a.html,                 b.html", ["a.html", "b.html"]),  # any whitespace
        ("a.jpg,b.jpg", ["a.jpg,b.jpg"]),  # one URL with a comma, as browsers read it
        ("x-240.webp 240w, x-540.webp 540w, x.webp", ["x-240.webp", "x-540.webp", "x.webp"]),
        ("  a.jpg  ", ["a.jpg"]),
        ("", []),
    ],
)
def test_srcset_candidates(value, urls):
    assert srcset_urls(value) == urls


def test_srcset_of_img_and_picture_sources():
    got = body_links(
        '<img src="boo.jpg" srcset="missing.jpg 2x" alt="图">'
        '<picture><source srcset="/img/a.webp 1x, /img/a@2x.webp 2x" type="image/webp">'
        '<img src="/img/a.jpg" alt="图"></picture>'
        '<img srcset="data:image/png;base64,iVBO 1x">'
    )
    base = f"{SITE}/zwgk/"
    assert {
        (base + "boo.jpg", "img", "src"),
        (base + "missing.jpg", "img", "srcset"),
        (f"{SITE}/img/a.webp", "source", "srcset"),
        (f"{SITE}/img/a@2x.webp", "source", "srcset"),
        (f"{SITE}/img/a.jpg", "img", "src"),
    } == got  # data: URLs are no links


# -- <link rel> and <meta> -------------------------------------------------------------------


def test_link_rels_a_browser_loads_or_a_visitor_follows():
    got = links_of(
        '<link rel="canonical" href="/a.html">'
        '<link rel="alternate" hreflang="en" href="/en/">'
        '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        '<link rel="preload" as="image" href="/hero.jpg" imagesrcset="/hero-1.jpg 1x, /hero-2.jpg 2x">'
        '<link rel="prefetch" href="/next.html">'
        '<link rel="icon" href="/favicon.ico"><link rel="shortcut icon" href="/f.ico">'
        '<link rel="apple-touch-icon" href="/t.png"><link rel="stylesheet" href="s.css">'
        '<link rel="dns-prefetch" href="https://fonts.example.cn">'
        '<link rel="preconnect" href="https://cdn.example.cn">'
    )
    expected = {
        (f"{SITE}/a.html", "link", "href"),
        (f"{SITE}/en/", "link", "href"),
        (f"{SITE}/rss.xml", "link", "href"),
        (f"{SITE}/hero.jpg", "link", "href"),
        (f"{SITE}/hero-1.jpg", "link", "imagesrcset"),
        (f"{SITE}/hero-2.jpg", "link", "imagesrcset"),
        (f"{SITE}/next.html", "link", "href"),
        (f"{SITE}/favicon.ico", "link", "href"),
        (f"{SITE}/f.ico", "link", "href"),
        (f"{SITE}/t.png", "link", "href"),
        (f"{SITE}/zwgk/s.css", "link", "href"),
    }
    assert got == expected  # dns-prefetch and preconnect name an origin, not a resource


def test_og_image_is_a_link_other_metas_are_not():
    got = links_of(
        '<meta property="og:image" content="/share.png">'
        '<meta property="og:image:secure_url" content="https://x.gov.cn/share2.png">'
        '<meta property="og:title" content="/not-a-link">'
        '<meta name="twitter:card" content="summary">'
        '<meta name="description" content="/neither">'
    )
    assert got == {
        (f"{SITE}/share.png", "meta", "og:image"),
        ("https://x.gov.cn/share2.png", "meta", "og:image:secure_url"),
    }


# -- CSS -------------------------------------------------------------------------------------


def test_css_urls_and_imports():
    css = """/* url(/commented.png) @import "/commented.css"; */
    @import url("/a.css"); @import '/b.css'; @import url(/c.css) screen;
    .x { background-image: url('/bg.jpg'); background: url("/bg2.png") no-repeat; }
    .m { background-image: url(/l1.png), url( '/l2.png' ), url("/l3.png"); }
    .b { border-image: url(/border.png) 30 round; cursor: url(/c.cur), pointer; }
    .e { background: url(); } .i::before { content: url("/icon.svg"); }"""
    assert css_urls(css) == [
        ("/a.css", "import"),
        ("/b.css", "import"),
        ("/c.css", "import"),
        ("/bg.jpg", "url"),
        ("/bg2.png", "url"),
        ("/l1.png", "url"),
        ("/l2.png", "url"),
        ("/l3.png", "url"),
        ("/border.png", "url"),
        ("/c.cur", "url"),
        ("/icon.svg", "url"),
    ]


def test_css_in_style_blocks_and_style_attributes():
    page = (
        "<html><head><style>body { background: url('/bg.jpg') } @import \"/i.css\";</style>"
        '</head><body><div class="nav" style="background-image: url(&quot;nav.png&quot;)">'
        '<a href="/">首页</a></div>'
        "<div style=\"background: url(/b1.png), url('/b2.png');\">多背景</div>"
        '<p style="color: red">no url</p></body></html>'
    )
    record = parse_page(f"{SITE}/zwgk/p.html", page.encode())
    got = {(k.target, k.tag, k.attr, k.in_boilerplate) for k in record.links}
    assert {
        (f"{SITE}/bg.jpg", "style", "url", False),
        (f"{SITE}/i.css", "style", "import", False),
        (f"{SITE}/zwgk/nav.png", "div", "style", True),  # inside the nav: boilerplate
        (f"{SITE}/b1.png", "div", "style", False),
        (f"{SITE}/b2.png", "div", "style", False),
    } <= got


def test_a_linked_stylesheet_resolves_against_its_own_url():
    sheet = b"@import 'base.css';\n.logo { background: url(../img/logo.png) }\n"
    got = [(k.target, k.tag, k.attr) for k in stylesheet_links(f"{SITE}/css/site.css", sheet)]
    assert got == [
        (f"{SITE}/css/base.css", "css", "import"),
        (f"{SITE}/img/logo.png", "css", "url"),
    ]


# -- old templates and media -----------------------------------------------------------------


def test_background_attributes_of_old_cms_templates():
    got = body_links(
        '<table background="/images/tbg.gif"><tr background="tr.gif">'
        '<td background="images/td_bg.jpg">栏目</td><th background="/th.gif">表头</th></tr></table>'
    )
    base = f"{SITE}/zwgk/"
    assert got == {
        (f"{SITE}/images/tbg.gif", "table", "background"),
        (base + "tr.gif", "tr", "background"),
        (base + "images/td_bg.jpg", "td", "background"),
        (f"{SITE}/th.gif", "th", "background"),
    }


def test_track_poster_and_media():
    got = body_links(
        '<video src="/v/a.mp4" poster="/v/a.jpg"><source src="/v/a.webm">'
        '<track src="/v/a.zh.vtt" kind="subtitles" srclang="zh"></video>'
        '<audio src="/v/a.mp3"></audio><input type="image" src="/btn.gif" alt="搜索">'
        '<input type="text" name="q"><bgsound src="/bg.mid">'
    )
    assert got == {
        (f"{SITE}/v/a.mp4", "video", "src"),
        (f"{SITE}/v/a.jpg", "video", "poster"),
        (f"{SITE}/v/a.webm", "source", "src"),
        (f"{SITE}/v/a.zh.vtt", "track", "src"),
        (f"{SITE}/v/a.mp3", "audio", "src"),
        (f"{SITE}/btn.gif", "input", "src"),
        (f"{SITE}/bg.mid", "bgsound", "src"),
    }


@pytest.mark.parametrize(
    ("script", "target"),
    [
        ('<SCRIPT> location.href="/col/col91477/index.html";</SCRIPT>', "/col/col91477/index.html"),
        ("<script>window.location.replace('/zwgk/index.html')</script>", "/zwgk/index.html"),
        ("<script>\n<!--\nwindow.location = '/new/';\n//-->\n</script>", "/new/"),
        # a jump inside a function or a condition runs only sometimes: no link
        ("<script>function r(){ window.location.href='/m/'; } r();</script>", None),
        ("<script>if (isMobile) location.href='/m/';</script>", None),
    ],
)
def test_a_page_that_is_only_a_script_jump_links_to_its_target(script, target):
    """CMS column stubs (a Shandong fgw column index is one) jump by script at once."""
    got = body_links(script, url=f"{SITE}/col/col91475/index.html")
    expected = {(f"{SITE}{target}", "script-redirect", "location")} if target else set()
    assert got == expected


# -- anchors and fragments -------------------------------------------------------------------


def test_a_page_records_its_anchors_and_its_own_fragment_links():
    page = """<html><body><nav><a href="#valid">有</a><a href="#nonexistent">无</a>
    <a href="p.html#self-written-in-full">全写</a><a href="#">空</a></nav>
    <div id="valid">节</div><a name="old-style">旧式锚点</a><span id="MySection">大写</span>
    <a href="other.html#part">他页</a><a href="/files/a.pdf#page=2">附件</a></body></html>"""
    record = parse_page(f"{SITE}/zwgk/p.html", page.encode())
    assert record.anchors == ("valid", "old-style", "MySection")
    assert record.local_fragments == ("valid", "nonexistent", "self-written-in-full")
    fragments = {k.target: k.fragment for k in record.links}
    assert fragments[f"{SITE}/zwgk/other.html"] == "part"
    assert fragments[f"{SITE}/files/a.pdf"] == "page=2"
    # a link to the page itself is no edge (as before): its fragment is recorded instead
    assert f"{SITE}/zwgk/p.html" not in fragments


def page(url: str, anchors: tuple[str, ...] = (), **kw) -> PageRecord:
    fields = {"status": 200, "content_type": "text/html; charset=utf-8", "kind": "article"}
    return PageRecord(url=url, anchors=anchors, **{**fields, **kw})


def link(target: str, fragment: str, text: str = "链接") -> Link:
    return Link(target, "a", "href", text, False, fragment)


@pytest.fixture
def view(tmp_path):
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("测试局", f"{SITE}/", date(2024, 6, 1), {})
    target = f"{SITE}/t.html"
    records = [
        page(target, ("section-one", "old-name", "MySection", "中文节", "my section")),
        page(f"{SITE}/pdf.pdf", content_type="application/pdf", kind="resource"),
        page(f"{SITE}/app.html", meta={LOADED_BY_SCRIPT: "1"}),
        page(f"{SITE}/gone.html", status=404),
        PageRecord(url="http://other.cn/x.html", status=200, internal=False),
        page(
            f"{SITE}/",
            kind="home",
            local_fragments=("section", "nowhere", "top", "TOP"),
            anchors=("section",),
            links=(
                link(target, "section-one"),  # valid (id)
                link(target, "old-name"),  # valid (<a name>)
                link(target, "missing-section", "第一处"),  # broken
                link(target, "mysection"),  # broken: fragments are case-sensitive
                link(target, "%E4%B8%AD%E6%96%87%E8%8A%82"),  # valid: percent-encoded 中文节
                link(target, "my%20section"),  # valid: decoded
                link(target, "/route"),  # a hash route: not an anchor
                link(target, "!/legacy"),
                link(target, "a=1&b=2"),  # state
                link(target, ":~:text=政务"),  # a text fragment
                link(f"{SITE}/pdf.pdf", "page=2"),  # not HTML
                link(f"{SITE}/pdf.pdf", "nope"),
                link(f"{SITE}/app.html", "panel"),  # a script builds the page
                link(f"{SITE}/gone.html", "x"),  # broken anyway: broken_link says so
                link("http://other.cn/x.html", "x"),  # another site's
            ),
        ),
        page(f"{SITE}/b.html", links=(link(target, "missing-section", "第二处"),)),
    ]
    store.add_pages(audit, records)
    store.finish_audit(audit, "finished", {})
    yield store.view(audit)
    store.close()


def test_missing_anchors_are_minor_findings_one_per_page_and_fragment(view):
    rules = anchor_check.validate_rules(dict(anchor_check.DEFAULTS))
    found = {f.details["target_url"]: f for f in anchor_check.run(view, rules, date(2024, 6, 1))}
    assert set(found) == {
        f"{SITE}/t.html#missing-section",
        f"{SITE}/t.html#mysection",
        f"{SITE}/#nowhere",
    }
    two = found[f"{SITE}/t.html#missing-section"]
    assert two.severity == "minor" and two.check == "missing_anchor"
    assert two.details["source_pages"] == [f"{SITE}/", f"{SITE}/b.html"]
    assert two.details["anchors"] == ["第一处", "第二处"]
    assert two.page_url == f"{SITE}/" and "锚点不存在" in two.title
    assert found[f"{SITE}/#nowhere"].details["source_pages"] == [f"{SITE}/"]


def test_ignored_fragments_and_severity_from_the_profile(view):
    rules = anchor_check.validate_rules({"severity": "major", "ignore": ["missing-.*"]})
    found = list(anchor_check.run(view, rules, date(2024, 6, 1)))
    assert {f.details["fragment"] for f in found} == {"mysection", "nowhere"}
    assert {f.severity for f in found} == {"major"}
    with pytest.raises(Exception, match="checks.missing_anchor"):
        anchor_check.validate_rules({"severity": "fatal", "ignore": []})


# -- end to end ------------------------------------------------------------------------------


def _html(title: str, head: str, body: str) -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def test_every_kind_of_link_is_checked_on_a_real_site(tmp_path):
    png = Reply(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    home = _html(
        "测试局",
        '<link rel="canonical" href="/gone-canonical.html"><link rel="icon" href="/ok.png">'
        '<meta property="og:image" content="/gone-share.png">'
        "<style>.b { background: url('/gone-bg.png') } .o { background: url(/ok.png) }</style>",
        '<img src="/ok.png" srcset="/gone-2x.png 2x" alt="标志">'
        '<table><tr><td background="/gone-td.gif">栏目</td></tr></table>'
        '<div style="background-image: url(/gone-div.jpg)">横幅</div>'
        '<video src="/ok.png"><track src="/gone.vtt" kind="subtitles"></video>'
        '<a href="/t.html#sec">有锚点</a><a href="/t.html#nosuch">无锚点</a>'
        '<a href="#top">顶部</a><a href="#here">本页无</a><a href="/t.html#/route">路由</a>'
        '<a href="###">打印</a>',  # templates' no-op link, like href="#"
    )
    target = _html("目标页", "", '<h2 id="sec">第二节</h2><p>正文</p>')
    routes = {"/": Reply(home), "/t.html": Reply(target), "/ok.png": png}
    profile = tmp_path / "p.toml"
    profile.write_text(
        '[site]\nname = "测试局"\n[crawl]\nretries = 0\ndownload_delay = 0.0\nobey_robots = false\n',
        encoding="utf-8",
    )
    with SiteServer(routes) as site:
        result = subprocess.run(
            [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/"]
            + ["--out", str(tmp_path / "out"), "--config", str(profile), "--as-of", "2024-06-01"]
            + ["--quiet"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
    assert result.returncode == 0, result.stderr
    findings = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    broken = {
        f["target_url"].removeprefix(site.url) for f in findings if f["check"] == "broken_link"
    }
    assert broken == {
        "/gone-canonical.html",
        "/gone-share.png",
        "/gone-bg.png",
        "/gone-2x.png",
        "/gone-td.gif",
        "/gone-div.jpg",
        "/gone.vtt",
    }
    missing = {
        f["target_url"].removeprefix(site.url) for f in findings if f["check"] == "missing_anchor"
    }
    assert missing == {"/t.html#nosuch", "/#here"}
    assert {f["severity"] for f in findings if f["check"] == "missing_anchor"} == {"minor"}
    if CHECK_FINDINGS.exists():
        check = subprocess.run(
            [sys.executable, str(CHECK_FINDINGS), str(tmp_path / "out" / "findings.json")],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout


def test_linked_style_sheets_are_read_and_their_urls_checked(tmp_path):
    """A browser loads a <link rel=stylesheet>, the sheets it @imports and the images and fonts
    their url()s name: a broken background image in a linked sheet is a broken link, found
    with the sheet that names it; a sheet that answers 404 is one itself."""
    png = Reply(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    css = "text/css; charset=utf-8"
    site_css = (
        '@import url("more.css");\n/* url(/commented-out.png) */\n'
        ".banner { background: url(../img/gone-banner.png) no-repeat }\n"
        ".logo { background-image: url('/img/ok.png') }\n"
    )
    home = _html(
        "测试局",
        '<link rel="stylesheet" href="/css/site.css"><link rel="stylesheet" href="/css/gone.css">',
        "<p>正文</p>",
    )
    routes = {
        "/": Reply(home),
        "/css/site.css": Reply(site_css, content_type=css),
        "/css/more.css": Reply("@font-face { src: url(/fonts/gone.woff2) }", content_type=css),
        "/img/ok.png": png,
    }
    profile = tmp_path / "p.toml"
    profile.write_text(
        '[site]\nname = "测试局"\n[crawl]\nretries = 0\ndownload_delay = 0.0\nobey_robots = false\n',
        encoding="utf-8",
    )
    with SiteServer(routes) as site:
        result = subprocess.run(
            [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/"]
            + ["--out", str(tmp_path / "out"), "--config", str(profile), "--as-of", "2024-06-01"]
            + ["--quiet", "--no-screenshots"],  # counts the crawl's own requests
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        sheet_gets = site.count("GET", "/css/site.css") + site.count("GET", "/css/more.css")
    assert result.returncode == 0, result.stderr
    findings = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    broken = {
        f["target_url"].removeprefix(site.url): sorted(
            p.removeprefix(site.url) for p in f["source_pages"]
        )
        for f in findings
        if f["check"] == "broken_link"
    }
    assert broken == {
        "/img/gone-banner.png": ["/css/site.css"],
        "/fonts/gone.woff2": ["/css/more.css"],
        "/css/gone.css": ["/"],
    }
    assert sheet_gets == 2
