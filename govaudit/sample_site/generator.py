"""The sample bureau site (临江市人力资源和社会保障局), built in memory from a date and a seed.

Every date is placed relative to `as_of`, so the planted problems stay current whatever day the
demo uses; the answer key (`Site.planted`, `Site.traps`) is written by the same code that plants
them, so it cannot drift from the pages.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from typing import Any

from govaudit.sample_site import markup as mk
from govaudit.sample_site.corpus import BUREAU, BUREAU_SHORT, DOC_PREFIX, UNITS, Writer
from govaudit.sample_site.documents import (
    corrupt_docx,
    docx_file,
    office_html,
    pdf_file,
    xlsx_file,
)
from govaudit.sample_site.numbers import (
    credit_code,
    id_number,
    id_with_wrong_check,
    luhn_complete,
    masked_id,
    mobile,
)

# After 31 January, so the annual-report deadline (条例 art. 49) has passed for the previous year.
DEMO_AS_OF = date(2024, 3, 15)
UNRESOLVABLE = "http://www.linjiang-old.invalid/"  # .invalid is reserved (RFC 2606): never resolves
CLOSED_PORT_URL = f"http://127.0.0.1:{mk.CLOSED_PORT}/oa/login.html"

HTML = "text/html; charset=utf-8"
GBK_HEADER = "text/html; charset=gb2312"  # what TRS sites send, though the text needs GBK


@dataclass(frozen=True)
class Resource:
    """One URL of the site. `behaviour` asks the server to misbehave the way real servers do."""

    body: bytes
    content_type: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    behaviour: str | None = None  # head_refused | rate_limited_once | slow


@dataclass
class Site:
    as_of: date
    seed: int
    resources: dict[str, Resource]
    planted: list[dict[str, Any]] = field(default_factory=list)
    traps: list[dict[str, Any]] = field(default_factory=list)

    def answer_key(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "seed": self.seed,
            "planted": self.planted,
            "traps": self.traps,
        }


@dataclass
class _Item:
    title: str
    path: str
    published: date | None  # the date on the item's own page
    shown: date | None  # the date the list shows (None: an undated row)
    pinned: bool = False


@dataclass(frozen=True)
class _Column:
    code: str
    name: str
    style: str  # span | bracket | table | em
    pager: str | None = None  # trs | plain
    per_page: int = 15
    oldest_first: bool = False
    gbk: bool = False
    parent: tuple[tuple[str, str], ...] = ()
    date_format: Callable[[date], str] = date.isoformat
    relative_links: bool = False


XXGK = (("政府信息公开", "/xxgk/index.html"),)
_GBK_DECLS = {
    "header": (GBK_HEADER, "gb2312"),
    "meta": ("text/html", "gbk"),
    "none": ("text/html", None),
}


class _Builder:
    def __init__(self, as_of: date, seed: int) -> None:
        self.as_of = as_of
        self.rng = random.Random(seed)
        self.w = Writer(self.rng)
        self.site = Site(as_of, seed, {})
        self._ids: set[int] = set()

    # -- bookkeeping ---------------------------------------------------------------------------
    def ago(self, days: int) -> date:
        return self.as_of - timedelta(days=days)

    def plant(self, check: str, why: str, **key: Any) -> None:
        self.site.planted.append({"check": check, **key, "why": why})

    def trap(self, check: str, why: str, **key: Any) -> None:
        self.site.traps.append({"check": check, **key, "why": why})

    def put(self, path: str, body: bytes, content_type: str, **kw: Any) -> None:
        self.site.resources[path] = Resource(body, content_type, **kw)

    def new_id(self) -> int:
        while True:
            n = self.rng.randint(1_000_000, 9_999_999)
            if n not in self._ids:
                self._ids.add(n)
                return n

    def item_path(self, code: str, day: date) -> str:
        return f"/{code}/{day:%Y%m}/t{day:%Y%m%d}_{self.new_id()}.html"

    def page(
        self,
        path: str,
        title: str,
        crumbs: list[tuple[str, str]],
        body: str,
        *,
        gbk: str | None = None,
        pubdate: str | None = None,
    ) -> None:
        """Store an HTML page; `gbk` is how a GBK page declares its charset: header, meta, none."""
        crumbs = [("首页", "/"), *crumbs]
        if gbk is None:
            html = mk.shell(title, crumbs, body, pubdate=pubdate, year=self.as_of.year)
            self.put(path, html.encode("utf-8"), HTML)
            return
        content_type, charset = _GBK_DECLS[gbk]
        html = mk.shell(title, crumbs, body, charset=charset, pubdate=pubdate, year=self.as_of.year)
        self.put(path, html.encode("gbk"), content_type)

    # -- page kinds ----------------------------------------------------------------------------
    def article(
        self,
        col: _Column,
        title: str,
        published: date,
        paragraphs: list[str] | None = None,
        *,
        extra: str = "",
        path: str | None = None,
        info: str | None = None,
        gbk: str | None = None,
    ) -> str:
        path = path or self.item_path(col.code, published)
        source = self.rng.choice((BUREAU_SHORT, *UNITS))
        info = info or self.rng.choice(
            (
                f"发布时间：{published.isoformat()}　来源：{source}",
                f"发布日期：{mk.cn_date_padded(published)}　信息来源：{source}",
                f"发布时间：{published.isoformat()} 09:{self.rng.randint(10, 59)}:00　来源：{source}　浏览次数：<span id='hits'></span>",
            )
        )
        pubdate = f"{published.isoformat()} 09:30" if self.rng.random() < 0.5 else None
        paragraphs = paragraphs or self.w.paragraphs(published.year)
        body = mk.article_body(title, info, paragraphs, extra)
        self.page(path, title, self.crumbs(col), body, gbk=gbk or self.gbk(col), pubdate=pubdate)
        return path

    def document(
        self,
        col: _Column,
        title: str,
        issued: date,
        published: date | None,
        *,
        number: str,
        normative: bool,
        layout: str | None = None,
        paragraphs: list[str] | None = None,
        extra: str = "",
        path: str | None = None,
    ) -> str:
        """A 信息公开 document: metadata table (索引号 … 有效性) above the text."""
        day = published or issued
        path = path or self.item_path(col.code, day)
        fields = [
            ("索引号", f"002486731/{issued.year}-{self.rng.randint(1, 400):05d}"),
            ("发布机构", BUREAU),
            ("主题分类", self.rng.choice(("劳动、人事、监察", "社会保障", "就业创业", "人才人事"))),
            ("成文日期", self._meta_date(issued)),
        ]
        if published is not None:
            fields.append(("发布日期", self._meta_date(published)))
        fields += [
            ("文号", number),
            ("有效性", "有效"),
            ("是否规范性文件", "是" if normative else "否"),
        ]
        layout = layout or self.rng.choice(("table", "ul", "dl"))
        paragraphs = paragraphs or self.w.paragraphs(issued.year, self.rng.randint(4, 6))
        body = mk.meta_table(fields, layout) + mk.article_body(
            title, f"{BUREAU}　{number}", paragraphs, extra
        )
        self.page(path, title, self.crumbs(col), body, gbk=self.gbk(col))
        return path

    def _meta_date(self, d: date) -> str:
        return self.rng.choice((d.isoformat(), mk.cn_date_padded(d), mk.cn_date(d)))

    def crumbs(self, col: _Column) -> list[tuple[str, str]]:
        return [*col.parent, (col.name, f"/{col.code}/index.html")]

    def gbk(self, col: _Column) -> str | None:
        return "header" if col.gbk else None

    def list_pages(self, col: _Column, items: list[_Item], *, intro: str = "") -> list[str]:
        """Write the column's list pages (paginated as the column says); returns their paths."""
        ordered = sorted(
            (i for i in items if not i.pinned),
            key=lambda i: i.shown or i.published or date.min,
            reverse=not col.oldest_first,
        )
        ordered = [i for i in items if i.pinned] + ordered
        chunks = [ordered[i : i + col.per_page] for i in range(0, len(ordered), col.per_page)]
        chunks = chunks or [[]]
        paths = []
        for n, chunk in enumerate(chunks):
            rows = [
                mk.Row(
                    i.title,
                    self._href(col, i.path),
                    col.date_format(i.shown) if i.shown else None,
                    i.pinned,
                )
                for i in chunk
            ]
            body = f'<div class="lanmu"><h2>{col.name}</h2>{intro}{mk.list_rows(rows, col.style)}'
            if len(chunks) > 1 and col.pager == "trs":
                body += mk.trs_pager(len(chunks), n)
            elif len(chunks) > 1:
                body += mk.plain_pager(len(chunks), n)
            body += "</div>"
            path = f"/{col.code}/index.html" if n == 0 else f"/{col.code}/index_{n}.html"
            self.page(path, col.name, self.crumbs(col), body, gbk=self.gbk(col))
            paths.append(path)
        return paths

    def _href(self, col: _Column, path: str) -> str:
        prefix = f"/{col.code}/"
        if col.relative_links and path.startswith(prefix):
            return "./" + path[len(prefix) :]
        return path

    def dates(self, newest: date, count: int, gap: tuple[int, int]) -> list[date]:
        out = [newest]
        while len(out) < count:
            out.append(out[-1] - timedelta(days=self.rng.randint(*gap)))
        return out

    def filler(self, col: _Column, kind: str, newest: date, count: int, gap=(3, 12)) -> list[_Item]:
        items = []
        for d in self.dates(newest, count, gap):
            title = self.w.title(kind, d.year)
            items.append(_Item(title, self.article(col, title, d), d, d))
        return items


def build_site(as_of: date = DEMO_AS_OF, seed: int = 7) -> Site:
    """All resources of the sample site, with its answer key. Deterministic for (as_of, seed)."""
    b = _Builder(as_of, seed)
    _static(b)
    blocks: dict[str, list[_Item]] = {}
    blocks["工作动态"] = _gzdt(b)
    blocks["县区动态"] = _xqdt(b)
    blocks["通知公告"] = _tzgg(b)
    policies = _zcwj(b)
    blocks["政策文件"] = policies
    normative = _gfxwj(b)
    blocks["政策解读"] = _zcjd(b, policies, normative)
    _rsxx(b)
    _ghjh(b)
    _czyjs(b)
    blocks["互动交流"] = _hdjl(b)
    blocks["公示公告"] = _gsgg(b)
    _empty_columns(b)
    blocks["法定主动公开内容"] = _xxgk(b)
    _services(b)
    _homepage(b, blocks)
    return b.site


# -- static resources and odd paths ----------------------------------------------------------------
def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xb4\x00\x00"))
        + chunk(b"IEND", b"")
    )


GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xb4\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _static(b: _Builder) -> None:
    b.put("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain; charset=utf-8")
    b.put("/css/style.css", mk.CSS.encode("utf-8"), "text/css; charset=utf-8")
    b.put("/js/common.js", mk.JS.encode("utf-8"), "application/javascript; charset=utf-8")
    b.put("/images/logo.png", _png(), "image/png")
    b.put("/images/banner.gif", GIF, "image/gif")
    b.put("/favicon.ico", _png(), "image/png")
    b.plant(
        "broken_link",
        "the shared footer's 网站地图 link is 404 on every page: one finding, all sources",
        target=mk.BROKEN_FOOTER_LINK,
    )
    contact = mk.article_body(
        "联系我们",
        "",
        [
            f"单位名称：{BUREAU}",
            "办公地址：临江市江滨大道188号市行政中心5号楼",
            "人社服务热线：12333（工作日 8:30—17:00）",
            "办公室电话：0571-87061234　传真：0571-87061235",
        ],
    )
    b.page("/lxwm.html", "联系我们", [("联系我们", "/lxwm.html")], contact)
    b.trap(
        "privacy_leak", "the 12333 hotline and office fixed lines", page="/lxwm.html", kind="mobile"
    )


# -- columns -------------------------------------------------------------------------------------
def _gzdt(b: _Builder) -> list[_Item]:
    col = _Column("gzdt", "工作动态", "span", pager="trs", per_page=15, relative_links=True)
    b.plant(
        "stale_column", "newest 工作动态 item is 20 days old (动态类: 14 days)", column=col.name
    )
    items = b.filler(col, "news", b.ago(20), 38, gap=(2, 6))
    # Planted words, on 2024 pages.
    d = b.ago(26)
    paras = b.w.paragraphs(d.year, 2) + [
        "截止2023年底，全市累计发放创业担保贷款4.6亿元，扶持创业1280人，带动就业3500余人。"
    ]
    items.append(
        _Item(
            "全市创业担保贷款工作综述", b.article(col, "全市创业担保贷款工作综述", d, paras), d, d
        )
    )
    b.plant("wrong_word", "截止 used for 截至 before a date", page=items[-1].path, term="截止")
    d = b.ago(33)
    paras = b.w.paragraphs(d.year, 2) + [
        "会议要求，要持续推进扫黑险恶常态化，深入整治人力资源市场领域乱象，维护劳动者合法权益。"
    ]
    title = "市人社局召开人力资源市场秩序专项整治会议"
    items.append(_Item(title, b.article(col, title, d, paras), d, d))
    b.plant(
        "wrong_word",
        "扫黑险恶 for 扫黑除恶 (political formulation)",
        page=items[-1].path,
        term="扫黑险恶",
    )
    d = b.ago(41)
    paras = b.w.paragraphs(d.year, 2) + [
        "全体党员干部要认真学习贯彻党的十九大四中全会精神，不断推进人社治理体系和治理能力现代化。"
    ]
    title = "局机关开展主题党日活动"
    items.append(_Item(title, b.article(col, title, d, paras), d, d))
    b.plant(
        "wrong_word",
        "十九大四中全会 for 十九届四中全会",
        page=items[-1].path,
        term="十九大四中全会",
    )
    # Traps: correct usage next to the planted errors.
    d = b.ago(47)
    paras = b.w.paragraphs(d.year, 2) + [
        "面对经营困难，我局通过稳岗返还、社保费缓缴等政策帮助中小微企业渡过难关。",
        "参保人可通过手机查询个人社保缴费记录，打印参保证明。",
    ]
    title = "多措并举助企纾困稳岗"
    items.append(_Item(title, b.article(col, title, d, paras), d, d))
    b.trap("wrong_word", "渡过难关 is correct", page=items[-1].path, term="渡过")
    b.trap("wrong_word", "人社 inside 个人社保 is no term", page=items[-1].path, term="人社")
    # A hacked page: gambling spam injected at the end of an old article.
    d = b.ago(130)
    spam = (
        '<div style="position:absolute;left:-9999px;top:-9999px">'
        "<p>网络赌博平台 最新博彩网站导航 注册即送88元 信誉第一 24小时在线</p></div>"
    )
    title = b.w.title("news", d.year)
    items.append(_Item(title, b.article(col, title, d, extra=spam), d, d))
    b.plant(
        "sensitive_word",
        "gambling spam injected into a page",
        page=items[-1].path,
        term="网络赌博平台",
    )
    b.plant(
        "sensitive_word", "gambling spam injected into a page", page=items[-1].path, term="博彩网站"
    )
    # A broken image inside an article, and the internal 404 linked from several pages.
    d = b.ago(55)
    title = "我市举办2024年春风行动专场招聘会"
    extra = '<p><img src="/images/2019/hdzp_01.jpg" alt="活动现场"></p>' + _jgzn_link()
    items.append(_Item(title, b.article(col, title, d, extra=extra), d, d))
    b.plant("broken_link", "an article's image is missing (404)", target="/images/2019/hdzp_01.jpg")
    img = f"/gzdt/{d:%Y%m}/W0{d:%Y%m%d}_01.png"
    b.put(img, _png(), "image/png")
    title = "市人社局走访慰问困难职工"
    d = b.ago(62)
    items.append(
        _Item(
            title, b.article(col, title, d, extra=f'<p><img src="{img}" alt="走访现场"></p>'), d, d
        )
    )
    b.list_pages(col, items)
    return items


def _jgzn_link() -> str:
    return '<p>相关链接：<a href="/xxgk/jgzn/index.html">机构职能</a></p>'


def _xqdt(b: _Builder) -> list[_Item]:
    col = _Column("xqdt", "县区动态", "bracket", pager="plain", per_page=12)
    b.trap(
        "stale_column",
        "newest item exactly 14 days old: on the boundary, not stale",
        column=col.name,
    )
    items = b.filler(col, "news", b.ago(14), 20, gap=(2, 9))
    b.list_pages(col, items)
    return items


def _tzgg(b: _Builder) -> list[_Item]:
    col = _Column("tzgg", "通知公告", "table", pager="plain", per_page=12)
    b.plant(
        "stale_column",
        "newest 通知公告 item is 200 days old (通知公告类: 180 days)",
        column=col.name,
    )
    newest = b.ago(200)
    items = b.filler(col, "notice", newest - timedelta(days=9), 20, gap=(5, 20))
    paras = b.w.paragraphs(newest.year, 2) + [
        "请各用人单位于规定时间内登陆临江市社会保险网上经办系统，完成年度缴费基数申报。",
        "报名截止时间为2023年9月30日17:00，逾期不再受理。",
        "参保单位可登录政务服务网下载申报表格，也可到各经办窗口领取。",
        '原通知详见：<a href="/old/tzgg.html">关于做好年度缴费基数申报的通知（旧版）</a>',
    ]
    title = f"关于{newest.year}年度社会保险缴费基数申报工作的通告"
    path = b.article(col, title, newest, paras, extra=_jgzn_link())
    items.append(_Item(title, path, newest, newest))
    b.plant("wrong_word", "登陆 (landing) for 登录 (log in)", page=path, term="登陆")
    b.trap("wrong_word", "报名截止 is the correct use of 截止", page=path, term="截止")
    b.trap("wrong_word", "登录 is correct", page=path, term="登录")
    b.plant(
        "broken_link", "301 → 302 → 404: a redirect chain ending in 404", target="/old/tzgg.html"
    )
    b.put("/old/tzgg.html", b"", HTML, status=301, headers=(("Location", "/old2/tzgg.html"),))
    b.put("/old2/tzgg.html", b"", HTML, status=302, headers=(("Location", "/tzgg/2019/old.html"),))
    b.list_pages(col, items)
    return items


def _zcwj(b: _Builder) -> list[_Item]:
    """政策文件: sorted oldest-first with plain 上一页/下一页 links; the newest item is on page 3."""
    col = _Column(
        "zcwj",
        "政策文件",
        "em",
        pager="plain",
        per_page=10,
        oldest_first=True,
        date_format=mk.cn_date,
    )
    b.trap(
        "stale_column",
        "sorted oldest-first: the newest item (30 days) is on the last page",
        column=col.name,
    )
    items = []
    for n, d in enumerate(b.dates(b.ago(30), 22, gap=(8, 30))):
        issued = d - timedelta(days=b.rng.randint(1, 5))
        title = b.w.title("policy", issued.year)
        number = f"{DOC_PREFIX}发〔{issued.year}〕{n + 10}号"
        path = b.document(col, title, issued, d, number=number, normative=False)
        items.append(_Item(title, path, d, d))
    # 2023: an agency renamed in March 2018 under its old name.
    issued, pub = date(2023, 6, 12), date(2023, 6, 15)
    paras = b.w.paragraphs(2023, 3) + [
        "各地要按照国家卫生和计划生育委员会、人力资源和社会保障部有关规定，做好卫生专业技术人员职称评审工作。"
    ]
    title = "关于做好2023年度卫生系列高级职称评审工作的通知"
    path = b.document(
        col,
        title,
        issued,
        pub,
        number=f"{DOC_PREFIX}发〔2023〕31号",
        normative=False,
        paragraphs=paras,
    )
    items.append(_Item(title, path, pub, pub))
    b.plant(
        "wrong_word",
        "国家卫生和计划生育委员会 on a 2023 page (renamed 2018-03)",
        page=path,
        term="国家卫生和计划生育委员会",
    )
    # 2016: the same kind of old name, correct at the time.
    issued, pub = date(2016, 9, 5), date(2016, 9, 8)
    paras = b.w.paragraphs(2016, 3) + [
        "根据国土资源部、人力资源和社会保障部有关规定，做好被征地农民就业培训和社会保障工作。"
    ]
    title = "关于做好被征地农民就业培训和社会保障工作的通知"
    path = b.document(
        col,
        title,
        issued,
        pub,
        number=f"{DOC_PREFIX}发〔2016〕52号",
        normative=False,
        paragraphs=paras,
        extra=f'<p>原文链接：<a href="{UNRESOLVABLE}">临江市人社局旧版网站</a></p>',
    )
    items.append(_Item(title, path, pub, pub))
    b.trap("wrong_word", "国土资源部 on a 2016 page: correct then", page=path, term="国土资源部")
    b.plant("broken_link", "external link to a host that does not resolve", target=UNRESOLVABLE)
    # Data quality: published before it was written, and no 发布日期 at all.
    issued, pub = date(2023, 6, 10), date(2023, 6, 1)
    title = "临江市就业见习管理办法"
    path = b.document(
        col, title, issued, pub, number=f"{DOC_PREFIX}发〔2023〕28号", normative=False
    )
    items.append(_Item(title, path, pub, pub))
    b.plant(
        "publication_date_invalid", "发布日期 2023-06-01 precedes 成文日期 2023-06-10", page=path
    )
    issued = date(2023, 4, 18)
    title = "临江市技能人才评价工作规程"
    path = f"/zcwj/content_{b.new_id()}.html"  # Hanweb-style URL: no date in it
    b.document(
        col, title, issued, None, number=f"{DOC_PREFIX}发〔2023〕19号", normative=False, path=path
    )
    items.append(_Item(title, path, None, date(2023, 4, 20)))
    b.plant("publication_date_missing", "document page has no 发布日期", page=path)
    b.list_pages(col, items)
    return items


def _gfxwj(b: _Builder) -> dict[str, _Item]:
    """规范性文件: the bureau's 7-day rule (published within 7 days of 成文)."""
    col = _Column("gfxwj", "规范性文件", "table", parent=XXGK)
    docs: dict[str, _Item] = {}
    seq = 1

    def doc(key: str, issued: date, pub: date, **kw: Any) -> str:
        nonlocal seq
        title = kw.pop("title", None) or b.w.title("policy", issued.year)
        number = f"{DOC_PREFIX}规〔{issued.year}〕{seq}号"
        seq += 1
        path = b.document(col, title, issued, pub, number=number, normative=True, **kw)
        docs[key] = _Item(title, path, pub, pub)
        return path

    for n, d in enumerate(b.dates(b.ago(50), 8, gap=(20, 50))):
        doc(f"filler{n}", d - timedelta(days=b.rng.randint(1, 5)), d)
    empty = "/gfxwj/202311/P020231120389412.pdf"
    b.put(empty, b"", "application/pdf")
    path = doc(
        "late",
        date(2023, 11, 8),
        date(2023, 11, 20),
        title="临江市职业技能培训补贴管理办法",
        extra=f'<p>附件：<a href="{empty}">职业技能培训补贴申请表.pdf</a></p>',
    )
    b.plant(
        "overdue_publication", "规范性文件 published 12 days after 成文 (7-day rule)", page=path
    )
    b.plant("broken_link", "an empty (0-byte) attachment", target=empty)
    doc_file = "/gfxwj/202312/P020231208517736.doc"
    form = office_html(
        "失业保险稳岗返还申请表",
        [["单位名称", "", "统一社会信用代码", ""], ["参保人数", "", "申请金额（元）", ""]],
        app="Word",
    )
    b.put(doc_file, form, "application/msword", behaviour="head_refused")
    path = doc(
        "on_time",
        date(2023, 12, 1),
        date(2023, 12, 8),
        title="临江市失业保险稳岗返还经办规程",
        extra=f'<p>附件：<a href="{doc_file}">稳岗返还申请表.doc</a></p>',
    )
    b.trap("overdue_publication", "规范性文件 published exactly 7 days after 成文", page=path)
    b.trap("broken_link", "attachment refuses HEAD (405) but serves GET", target=doc_file)
    pdf = "/gfxwj/202401/P020240105662103.pdf"
    full_text = [
        ["临江市灵活就业人员社会保险补贴办法", "第一条　为促进灵活就业，制定本办法。"],
        [
            "第十条　严厉打击网络赌博等违法活动中骗取补贴的行为。",
            "第十一条　本办法自发布之日起施行。",
        ],
    ]
    b.put(pdf, pdf_file(full_text), "application/pdf")
    b.plant(
        "sensitive_word",
        "a policy pdf that speaks of fighting 网络赌博: a 提示 for the staff (警示语境)",
        page=pdf,
        term="网络赌博",
        severity="minor",
        linked_from="/gfxwj/",
    )
    doc(
        "policy_e",
        date(2024, 1, 2),
        date(2024, 1, 5),
        title="临江市灵活就业人员社会保险补贴办法",
        extra=f'<p>附件：<a href="{pdf}">政策全文.pdf</a></p>',
    )
    b.list_pages(col, list(docs.values()))
    return docs


def _zcjd(b: _Builder, policies: list[_Item], normative: dict[str, _Item]) -> list[_Item]:
    """政策解读: published with its policy (同步发布); each links to the policy it explains."""
    col = _Column("zcjd", "政策解读", "span")
    items = []
    for policy in policies[:6]:  # the newest fillers: each 解读 the same day as its policy
        items.append(_interpretation(b, col, policy, policy.published))
    late = normative["policy_e"]
    pub = date(2024, 1, 19)  # 10 working days after 2024-01-05
    items.append(_interpretation(b, col, late, pub, jgzn=True))
    b.plant(
        "overdue_publication",
        "政策解读 published 10 working days after its policy",
        page=items[-1].path,
    )
    same = normative["on_time"]
    items.append(_interpretation(b, col, same, same.published))
    b.trap(
        "overdue_publication", "政策解读 published the same day as its policy", page=items[-1].path
    )
    soft = "/zcjd/202205/t20220510_998877.html"
    items.append(
        _Item("《临江市就业困难人员认定办法》政策解读", soft, date(2022, 5, 10), date(2022, 5, 10))
    )
    gone = mk.article_body(
        "页面不存在", "", ["抱歉，您访问的页面不存在或已被删除！", "请返回首页继续浏览。"]
    )
    b.page(soft, "页面不存在", [], gone)
    b.plant("broken_link", "soft 404: status 200 with a 页面不存在 page", target=soft)
    b.list_pages(col, items)
    return items


def _interpretation(
    b: _Builder, col: _Column, policy: _Item, pub: date, jgzn: bool = False
) -> _Item:
    title = f"一图读懂《{policy.title.removeprefix('关于')}》"
    paras = [
        f"近日，{BUREAU}印发了《{policy.title}》。为便于社会公众理解，现就有关内容解读如下。",
        *b.w.paragraphs(pub.year, 3),
    ]
    extra = f'<p>政策原文：<a href="{policy.path}">{escape(policy.title)}</a></p>'
    if jgzn:
        extra += _jgzn_link()
    return _Item(title, b.article(col, title, pub, paras, extra=extra), pub, pub)


def _rsxx(b: _Builder) -> None:
    col = _Column("rsxx", "人事信息", "bracket")
    b.plant(
        "stale_column", "newest 人事信息 item is 400 days old (人事类: 365 days)", column=col.name
    )
    b.list_pages(col, b.filler(col, "personnel", b.ago(400), 9, gap=(20, 60)))


def _ghjh(b: _Builder) -> None:
    col = _Column("ghjh", "规划计划", "span", date_format=lambda d: f"{d:%Y/%m/%d}")
    items = b.filler(col, "plan", b.ago(70), 6, gap=(40, 90))
    page_day, list_day = date(2023, 11, 2), date(2023, 11, 20)
    paras = b.w.paragraphs(2023, 3) + [
        "按照国土资源部和省有关部署，做好被征地农民参加基本养老保险工作，确保应保尽保。"
    ]
    title = "临江市2023年被征地农民社会保障工作计划"
    path = b.article(
        col, title, page_day, paras, info=f"发布时间：{page_day.isoformat()}　来源：{BUREAU_SHORT}"
    )
    items.append(_Item(title, path, page_day, list_day))
    b.plant(
        "date_mismatch",
        "list shows 2023-11-20, the page says 2023-11-02",
        page=path,
        list_page="/ghjh/index.html",
    )
    b.plant(
        "wrong_word", "国土资源部 on a 2023 page (renamed 2018-03)", page=path, term="国土资源部"
    )
    b.list_pages(col, items)


def _czyjs(b: _Builder) -> None:
    col = _Column("czyjs", "财政预决算", "span")
    items = []
    for n, d in enumerate(b.dates(b.ago(40), 7, gap=(30, 90))):
        title = b.w.title("budget", d.year)
        xls = f"/czyjs/{d:%Y%m}/P0{d:%Y%m%d}{b.new_id()}.xls"
        # Excel "saved as web page" and served as .xls: what many CMSs hold.
        sheet = office_html(
            title,
            [["项目", "预算数（万元）"], ["基本支出", f"{b.rng.randint(200, 900)}.5"]],
        )
        if n == 1:
            b.put(xls, sheet, "application/vnd.ms-excel", behaviour="rate_limited_once")
            b.trap("broken_link", "answers 429 once (Retry-After: 1), then 200", target=xls)
        else:
            b.put(xls, sheet, "application/vnd.ms-excel")
        extra = f'<p>附件：<a href="{xls}">{escape(title)}.xls</a></p>'
        items.append(_Item(title, b.article(col, title, d, extra=extra), d, d))
    d = b.ago(75)
    title = f"{BUREAU_SHORT}{d.year - 1}年“三公”经费预算说明"
    path = f"/czyjs/content_{b.new_id()}.html"  # no date in the URL either
    items.append(_Item(title, b.article(col, title, d, path=path), d, None))
    b.plant(
        "undated_item",
        "a row of a dated list without a date",
        page=items[-1].path,
        list_page="/czyjs/index.html",
    )
    b.list_pages(col, items)


def _hdjl(b: _Builder) -> list[_Item]:
    """互动交流: letters with question and answer dates; a 500 search behind it."""
    col = _Column("hdjl", "互动交流", "table", per_page=20)
    items = []
    for n, asked in enumerate(b.dates(b.ago(10), 12, gap=(3, 15))):
        answered = asked + timedelta(days=b.rng.randint(1, 6))
        title = b.w.title("question", asked.year)
        answer = b.w.answer()
        if n == 4:
            answer = (
                "您好！既使您已办理退休手续，仍可按规定申请补缴相关费用，具体请咨询参保地经办机构。"
            )
        info = (
            f"留言时间：{asked.isoformat()}　答复时间：{min(answered, b.as_of).isoformat()}"
            f"　答复单位：{b.rng.choice(UNITS)}"
        )
        paras = [
            f"留言内容：{title.removeprefix('关于')}，请问具体应该怎么办理？",
            "答复内容：" + answer,
        ]
        path = b.article(col, title, asked, paras, info=info)
        items.append(_Item(title, path, asked, asked))
        if n == 4:
            b.plant("wrong_word", "既使 for 即使", page=path, term="既使")
    items += _message_delays(b, col)
    intro = (
        '<form action="/hdjl/cx.jsp" method="get"><a href="/hdjl/cx.jsp">留言查询</a></form>'
        '<p><a href="/wsxf/index.html">网上信访</a></p>'
    )
    b.put("/hdjl/cx.jsp", b"<h1>500 Internal Server Error</h1>", HTML, status=500)
    b.plant("broken_link", "留言查询 answers 500", target="/hdjl/cx.jsp")
    b.list_pages(col, items, intro=intro)
    _wsxf(b)
    return items


def _letter(
    b: _Builder, col: _Column, asked: date, answered: date | None, labels=("留言", "答复")
) -> _Item:
    """One message page; unanswered ones show an empty reply and a 办理状态 of 未回复."""
    title = b.w.title("question", asked.year)
    ask_label, answer_label = labels
    if answered is None:
        info = f"{ask_label}时间：{asked.isoformat()}　办理状态：未回复"
        reply = f"{answer_label}内容：暂未{answer_label}"
    else:
        info = (
            f"{ask_label}时间：{asked.isoformat()}　{answer_label}时间：{answered.isoformat()}"
            f"　{answer_label}单位：{b.rng.choice(UNITS)}"
        )
        reply = f"{answer_label}内容：" + b.w.answer()
    paras = [f"{ask_label}内容：{title.removeprefix('关于')}，请问具体应该怎么办理？", reply]
    return _Item(title, b.article(col, title, asked, paras, info=info), asked, asked)


def _message_delays(b: _Builder, col: _Column) -> list[_Item]:
    """互动回应差 (国办秘函〔2019〕19号): a message of the year unanswered for over 3 months is a
    veto item; a reply after more than 90 days is late. Traps: a prompt reply, a recent
    unanswered message, and one asked before the year the indicator looks at."""
    items = [_letter(b, col, b.ago(120), None)]
    b.plant("unanswered_message", "unanswered for 120 days", page=items[-1].path)
    items.append(_letter(b, col, b.ago(150), b.ago(50), labels=("提问", "回复")))
    b.plant("late_reply", "answered 100 days after it was asked", page=items[-1].path)
    items.append(_letter(b, col, b.ago(200), b.ago(190)))
    b.trap("late_reply", "answered after 10 days", page=items[-1].path)
    items.append(_letter(b, col, b.ago(30), None))
    b.trap("unanswered_message", "unanswered, asked 30 days ago", page=items[-1].path)
    items.append(_letter(b, col, b.ago(400), None))
    b.trap(
        "unanswered_message",
        "unanswered, asked 400 days ago: before the year the indicator covers",
        page=items[-1].path,
    )
    return items


def _wsxf(b: _Builder) -> None:
    """网上信访 under 互动交流: 信访 is not a 政务咨询类 column, whatever its delays."""
    col = _Column("wsxf", "网上信访", "table", parent=(("互动交流", "/hdjl/index.html"),))
    item = _letter(b, col, b.ago(120), None, labels=("来信", "答复"))
    b.trap("unanswered_message", "a 信访 letter unanswered for 120 days", page=item.path)
    b.list_pages(col, [item])


def _gsgg(b: _Builder) -> list[_Item]:
    """公示公告: where personal data leaks; a pinned 2021 item sits on top of recent ones."""
    col = _Column("gsgg", "公示公告", "span", pager="trs", per_page=10)
    b.trap("stale_column", "an old pinned (置顶) item on top, recent items below", column=col.name)
    title = "关于公布社会保障卡服务网点的公告"
    d = date(2021, 6, 1)
    items = [_Item(title, b.article(col, title, d), d, d, pinned=True)]
    items += b.filler(col, "personnel", b.ago(9), 11, gap=(5, 20))
    # Planted: names + valid ID numbers + mobiles, not de-identified.
    d = b.ago(3)
    rows = []
    for i in range(5):
        birth = date(1975 + i * 4, 1 + i * 2, 3 + i * 5)
        number = id_number(f"33100{i + 2}", birth, 101 + i * 22)
        rows.append(
            f"<tr><td>{i + 1}</td><td>{b.w.name()}</td><td>{number}</td><td>{mobile(b.rng)}</td>"
            f"<td>{b.rng.choice(('电工', '焊工', '育婴员', '养老护理员'))}</td></tr>"
        )
    table = (
        '<table border="1"><tr><th>序号</th><th>姓名</th><th>身份证号</th><th>联系电话</th>'
        "<th>培训工种</th></tr>" + "".join(rows) + "</table>"
    )
    title = f"{d.year}年第一批职业技能培训补贴拟发放人员名单公示"
    paras = ["根据职业技能培训补贴有关规定，现将拟发放补贴人员名单予以公示，公示期为5个工作日。"]
    path = b.article(col, title, d, paras, extra=table)
    items.append(_Item(title, path, d, d))
    b.plant("privacy_leak", "公示 table with full ID numbers", page=path, kind="id_card")
    b.plant("privacy_leak", "公示 table with mobile numbers", page=path, kind="mobile")
    d = b.ago(6)
    card = luhn_complete("621700123456789012")
    paras = [
        "经审核，以下人员符合一次性创业补贴发放条件，现予公示。",
        f"申请人：{b.w.name()}，补贴金额：5000元，开户银行：临江农商银行，银行卡号：{card}。",
        "公示期间如有异议，请向市就业服务中心反映。",
    ]
    title = "一次性创业补贴发放对象公示"
    path = b.article(col, title, d, paras)
    items.append(_Item(title, path, d, d))
    b.plant(
        "privacy_leak", "a full bank card number (62…, Luhn-valid)", page=path, kind="bank_card"
    )
    # Traps: de-identified list, near misses.
    d = b.ago(16)
    rows = "".join(
        f"<tr><td>{b.w.name()}</td><td>{masked_id(id_number('331003', date(1988, 5, 9 + i), 311 + i))}</td>"
        f"<td>{b.rng.choice(('138', '159'))}****{b.rng.randint(1000, 9999)}</td></tr>"
        for i in range(4)
    )
    bad = id_with_wrong_check("331002", date(1990, 3, 7), 123)
    uscc = credit_code("91331000MA2H8K7L3")
    paras = [
        "现将2024年度就业见习补贴拟发放人员名单（已去标识化处理）公示如下。",
        f"受理编号：{bad}。见习基地：临江市江滨机械有限公司（统一社会信用代码：{uscc}）。",
        f"依据《临江市就业见习管理办法》（{DOC_PREFIX}发〔2023〕28号）执行。咨询电话：12333、0571-87061234。",
        "原文链接：http://rsj.linjiang.example.cn/gsgg/202401/t20240105_13912345678.html",
    ]
    title = "2024年度就业见习补贴拟发放人员名单公示"
    leaky, masked = _gsgg_spreadsheets(b, d)
    links = (
        f'<p>附件：<a href="{leaky}">就业见习补贴人员名单.xlsx</a>　'
        f'<a href="{masked}">见习基地汇总表.xlsx</a></p>'
    )
    path = b.article(col, title, d, paras, extra=f'<table border="1">{rows}</table>{links}')
    items.append(_Item(title, path, d, d))
    for kind, why in (
        (
            "id_card",
            "masked IDs, an 18-digit number with a wrong check digit, a 统一社会信用代码, a 文号",
        ),
        ("mobile", "masked mobiles, 12333, an office fixed line, 11 digits inside a URL"),
        ("bank_card", "no card number, only long digit runs that are not cards"),
    ):
        b.trap("privacy_leak", why, page=path, kind=kind)
    b.list_pages(col, items)
    return items


def _gsgg_spreadsheets(b: _Builder, d: date) -> tuple[str, str]:
    """The 公示 page is de-identified, but its attached list is not: one row kept a full ID."""
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    header = ["序号", "姓名", "身份证号", "联系电话", "见习单位"]
    rows: list[list[object]] = [header]
    for i in range(6):
        number = id_number("331004", date(1996 + i % 4, 2 + i, 11 + i), 207 + i * 10)
        shown = number if i == 2 else masked_id(number)  # row 4 (C4) was never masked
        phone = f"{b.rng.choice(('137', '158'))}****{b.rng.randint(1000, 9999)}"
        rows.append([i + 1, b.w.name(), shown, phone, "临江市江滨机械有限公司"])
    leaky = f"/gsgg/{d:%Y%m}/P0{d:%Y%m%d}{b.new_id()}.xlsx"
    b.put(leaky, xlsx_file({"公示名单": rows}), xlsx)
    b.plant(
        "privacy_leak",
        "attached xlsx: one unmasked ID number (公示名单!C4) among masked ones",
        page=leaky,
        kind="id_card",
        location="公示名单!C4",
    )
    bad = id_with_wrong_check("331004", date(1992, 8, 1), 555)
    uscc = credit_code("91331000MA2J5N8P4")
    summary = [
        ["见习基地", "统一社会信用代码", "联系人身份证号", "联系电话"],
        [
            "临江市江滨机械有限公司",
            uscc,
            masked_id(id_number("331002", date(1980, 1, 9), 3)),
            "0571-87061234",
        ],
        ["临江市滨江养老服务中心", "—", bad, "139****5678"],
    ]
    masked = f"/gsgg/{d:%Y%m}/P0{d:%Y%m%d}{b.new_id()}.xlsx"
    b.put(masked, xlsx_file({"汇总表": summary}), xlsx)
    for kind in ("id_card", "mobile"):
        b.trap(
            "privacy_leak",
            "attached xlsx with masked IDs and mobiles, a 统一社会信用代码, a wrong check digit",
            page=masked,
            kind=kind,
        )
    return leaky, masked


def _service_attachments(b: _Builder) -> list[str]:
    """表格下载 on the 办事服务 page: a docx with a typo, a pdf with spam, two unreadable files."""
    guide = "/bsfw/files/P020240110338201.docx"
    paragraphs = [
        "就业困难人员认定办事指南",
        "一、办理依据：原劳动和社会保障部《就业服务与就业管理规定》。",
        "二、请各街道（乡镇）认真贯切落实，做好认定工作。",
    ]
    b.put(guide, docx_file(paragraphs), "application/octet-stream")
    b.plant("wrong_word", "typo in an attached docx (第3段)", page=guide, term="贯切落实")
    b.trap(
        "wrong_word",
        "原劳动和社会保障部 in a docx: a historical name",
        page=guide,
        term="劳动和社会保障部",
    )
    leaflet = "/bsfw/files/P020240112556702.pdf"
    pages = [
        ["临江人社政策宣传手册"],
        ["社保卡申领流程：携带身份证到网点办理。", "点击进入在线赌场注册即送彩金"],
    ]
    b.put(leaflet, pdf_file(pages), "application/pdf")
    b.plant(
        "sensitive_word",
        "spam text injected in an attached pdf (第2页)",
        page=leaflet,
        term="在线赌场",
    )
    locked = "/bsfw/files/P020240115778903.pdf"
    b.put(locked, pdf_file([["内部资料"]], encrypted=True), "application/pdf")
    b.plant(
        "unreadable_attachment", "a password-protected pdf: its text cannot be checked", page=locked
    )
    broken = "/bsfw/files/P020240116201904.docx"
    b.put(broken, corrupt_docx(docx_file(["参保登记表"])), "application/octet-stream")
    b.plant("unreadable_attachment", "a docx cut off in upload (corrupt zip)", page=broken)
    return [
        f'<a href="{guide}">就业困难人员认定办事指南.docx</a>',
        f'<a href="{leaflet}">政策宣传手册.pdf</a>',
        f'<a href="{locked}">经办内部资料.pdf</a>',
        f'<a href="{broken}">参保登记表.docx</a>',
    ]


def _empty_columns(b: _Builder) -> None:
    zpxx = _Column("zpxx", "招聘信息", "span")
    body = '<div class="lanmu"><h2>招聘信息</h2><div class="nodata">暂无信息</div></div>'
    b.page("/zpxx/index.html", zpxx.name, b.crumbs(zpxx), body)
    b.plant("empty_column", "the column page says 暂无信息", column=zpxx.name)
    wjy = _Column("wjyzt", "稳就业专题", "span")
    b.list_pages(wjy, [])  # an empty <ul class="list"></ul>
    b.plant("empty_column", "the column's list container is empty", column=wjy.name)


def _xxgk(b: _Builder) -> list[_Item]:
    """The 政府信息公开 section, GBK-encoded as on many TRS sites (镕 and 喆 are not in GB2312)."""
    zn = _Column("xxgk/xxgkzn", "政府信息公开指南", "span", parent=XXGK, gbk=True)
    guide = mk.article_body(
        "临江市人力资源和社会保障局政府信息公开指南",
        "更新时间：2023-12-20",
        [
            "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
            "一、主动公开。主动公开的政府信息自形成或者变更之日起20个工作日内予以公开。",
            "二、依申请公开。申请人可通过当面、邮寄、在线等方式提出申请。",
            "三、受理机构：局办公室。联系人：陈喆。办公时间：工作日上午8:30—12:00，下午14:30—17:30。",
            "联系电话：0571-87061234；传真：0571-87061235；人社服务热线：12333。",
        ],
    )
    b.page("/xxgk/xxgkzn/index.html", zn.name, b.crumbs(zn), guide, gbk="meta")
    b.trap(
        "privacy_leak",
        "fixed lines and 12333 in the 信息公开指南 (GBK, charset only in meta)",
        page="/xxgk/xxgkzn/index.html",
        kind="mobile",
    )

    zd = _Column("xxgk/xxgkzd", "政府信息公开制度", "table", parent=XXGK, gbk=True)
    items = b.filler(zd, "plan", date(2023, 9, 12), 3, gap=(100, 300))
    d = date(2022, 3, 15)
    title = "临江市人力资源和社会保障局政府信息公开保密审查制度"
    paras = [
        "第一条　为规范政府信息公开保密审查工作，依据《中华人民共合国保守国家秘密法》和《中华人民共和国政府信息公开条例》，制定本制度。",
        "第二条　拟公开的政府信息，由承办科室负责初审，局办公室复审，分管领导李镕审定。",
        f'第三条　内部事项通过<a href="{CLOSED_PORT_URL}">网上办公系统</a>办理，不得对外公开。',
        *b.w.paragraphs(2022, 2),
    ]
    path = b.article(zd, title, d, paras, gbk="header")
    items.append(_Item(title, path, d, d))
    b.plant(
        "wrong_word",
        "中华人民共合国 for 中华人民共和国 (GBK page)",
        page=path,
        term="中华人民共合国",
    )
    b.plant("broken_link", "a link to a closed port on 127.0.0.1", target=CLOSED_PORT_URL)
    d = date(2021, 11, 30)
    title = "临江市人力资源和社会保障局政府信息公开工作考核制度"
    paras = [
        "第一条　为推进政府信息公开工作，提高工作质量，结合本局实际，制定本制度。",
        "第二条　考核工作由局政务公开领导小组组织实施，办公室主任王镕负责日常工作。",
        *b.w.paragraphs(2021, 3),
    ]
    items.append(_Item(title, b.article(zd, title, d, paras, gbk="none"), d, d))
    b.list_pages(zd, items)

    fd = _Column(
        "xxgk/fdzdgknr",
        "法定主动公开内容",
        "table",
        pager="trs",
        per_page=10,
        parent=XXGK,
        gbk=True,
    )
    docs = []
    for n, d in enumerate(b.dates(b.ago(6), 14, gap=(6, 25))):
        issued = d - timedelta(days=b.rng.randint(1, 6))
        title = b.w.title("notice", issued.year)
        path = b.document(
            fd,
            title,
            issued,
            d,
            number=f"{DOC_PREFIX}函〔{issued.year}〕{n + 40}号",
            normative=False,
        )
        docs.append(_Item(title, path, d, d))
    issued, pub = date(2023, 8, 1), date(2023, 9, 15)
    title = "关于公布2023年临江市技能人才紧缺职业（工种）目录的通知"
    path = b.document(fd, title, issued, pub, number=f"{DOC_PREFIX}函〔2023〕18号", normative=False)
    docs.append(_Item(title, path, pub, pub))
    b.plant(
        "overdue_publication",
        "主动公开 published 31 working days after 成文 (art. 26: 20)",
        page=path,
    )
    issued, pub = date(2023, 9, 20), date(2023, 10, 24)
    title = "关于做好2023年度企业职工基本养老金调整发放工作的通知"
    path = b.document(fd, title, issued, pub, number=f"{DOC_PREFIX}函〔2023〕23号", normative=False)
    docs.append(_Item(title, path, pub, pub))
    b.trap(
        "overdue_publication",
        "34 calendar days but exactly 20 working days across National Day",
        page=path,
    )
    d = date(2023, 5, 22)
    spam = '<div style="display:none"><a href="/xxgk/fdzdgknr/index.html">六合彩开奖结果 在线投注</a></div>'
    title = "关于开展2023年度劳动保障书面审查工作的通知"
    path = b.document(
        fd,
        title,
        d - timedelta(days=3),
        d,
        number=f"{DOC_PREFIX}函〔2023〕9号",
        normative=False,
        extra=spam,
    )
    docs.append(_Item(title, path, d, d))
    b.plant("sensitive_word", "lottery spam hidden in a GBK page", page=path, term="六合彩")
    b.list_pages(fd, docs)

    _annual_reports(b)
    index = (
        '<nav class="xxgk-nav"><ul>'
        '<li><a href="/xxgk/xxgkzn/index.html">政府信息公开指南</a></li>'
        '<li><a href="/xxgk/xxgkzd/index.html">政府信息公开制度</a></li>'
        '<li><a href="/xxgk/fdzdgknr/index.html">法定主动公开内容</a></li>'
        '<li><a href="/xxgk/xxgknb/index.html">政府信息公开年报</a></li>'
        '<li><a href="/gfxwj/index.html">规范性文件</a></li></ul></nav>'
        '<div class="lanmu"><h2>最新公开</h2>'
        + mk.list_rows(
            [mk.Row(i.title, i.path, i.published.isoformat()) for i in docs[:6] if i.published],
            "span",
        )
        + "</div>"
    )
    b.page("/xxgk/index.html", "政府信息公开", list(XXGK), index, gbk="header")
    return docs


ANNUAL_SECTIONS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


def _annual_reports(b: _Builder) -> None:
    """政府信息公开工作年度报告 (条例 art. 49: by 31 January; art. 50: six sections)."""
    col = _Column("xxgk/xxgknb", "政府信息公开年报", "table", parent=XXGK, gbk=True)
    items = []
    last = b.as_of.year - 1
    for year in range(last - 4, last + 1):
        pub = date(year + 1, 1, b.rng.randint(12, 28))
        sections = list(ANNUAL_SECTIONS)
        if year == last:
            sections.remove("四、政府信息公开行政复议、行政诉讼情况")
        paras = [
            f"本报告根据《中华人民共和国政府信息公开条例》要求编制，报告中所列数据统计期限自{year}年1月1日起至{year}年12月31日止。"
        ]
        for heading in sections:
            paras.append(f"<b>{heading}</b>")
            paras += b.w.paragraphs(year, 1)
        title = f"临江市人力资源和社会保障局{year}年政府信息公开工作年度报告"
        path = b.article(col, title, pub, paras, gbk="header")
        items.append(_Item(title, path, pub, pub))
        if year == last:
            b.plant(
                "annual_report_incomplete",
                "the previous year's annual report lacks 行政复议、行政诉讼情况 (art. 50)",
                page=path,
            )
        else:
            b.trap("annual_report_incomplete", f"{year} annual report: six sections", page=path)
    b.list_pages(col, items)


def _services(b: _Builder) -> None:
    """办事服务: behind a 301 → 302 → 200 chain; links to a slow query page and a HEAD-refusing form."""
    b.put("/go/bsfw", b"", HTML, status=301, headers=(("Location", "/go/bsfw/"),))
    b.put("/go/bsfw/", b"", HTML, status=302, headers=(("Location", "/bsfw/index.html"),))
    b.trap("broken_link", "301 → 302 → 200: a redirect chain that works", target="/go/bsfw")
    slow = mk.article_body("社保参保信息查询", "", ["请输入身份证号码和姓名查询参保信息。"])
    b.page("/sbcx/query.html", "社保参保信息查询", [("社保查询", "/sbcx/query.html")], slow)
    b.site.resources["/sbcx/query.html"] = Resource(
        b.site.resources["/sbcx/query.html"].body, HTML, behaviour="slow"
    )
    b.plant("broken_link", "slow page: answers after the timeout", target="/sbcx/query.html")
    body = mk.article_body(
        "办事服务",
        "",
        [
            '<a href="/sbcx/query.html">社保参保信息查询</a>',
            '<a href="/gfxwj/202312/P020231208517736.doc">稳岗返还申请表下载</a>',
            *_service_attachments(b),
            '<a href="tel:12333">拨打12333咨询</a>　<a href="#top">返回顶部</a>',
            "个人可登录临江人社网上办事大厅办理社保查询、就业登记、职业资格证书查询等业务。",
        ],
    )
    b.page("/bsfw/index.html", "办事服务", [("办事服务", "/bsfw/index.html")], body)


def _homepage(b: _Builder, blocks: dict[str, list[_Item]]) -> None:
    parts = ['<div class="banner"><img src="/images/banner.gif" alt="临江人社"></div>']
    for name, items in blocks.items():
        code = items[0].path.rsplit("/", 2)[0].lstrip("/")  # /<code>/<yyyymm>/t….html
        newest = sorted(
            (i for i in items if i.shown and not i.pinned), key=lambda i: i.shown, reverse=True
        )[:6]
        rows = [mk.Row(i.title, i.path, i.shown.isoformat()) for i in newest if i.shown]
        parts.append(
            f'<div class="block"><h3><a href="/{code}/index.html">{name}</a>'
            f'<a class="more" href="/{code}/index.html">更多&gt;&gt;</a></h3>'
            f"{mk.list_rows(rows, 'span')}</div>"
        )
    parts.append(
        '<div class="zt"><h3>专题专栏</h3>'
        '<a href="/wjyzt/index.html">稳就业专题</a> <a href="/ztzl/2019zt/index.html">2019年人社服务专题</a>'
        ' <a href="/zpxx/index.html">招聘信息</a> <a href="/rsxx/index.html">人事信息</a>'
        ' <a href="/ghjh/index.html">规划计划</a> <a href="/czyjs/index.html">财政预决算</a>'
        ' <a href="/gfxwj/index.html">规范性文件</a> <a href="/bsfw/index.html">办事服务</a>'
        ' <a href="javascript:void(0)" onclick="window.open(\'/hdjl/index.html\')">我要留言</a></div>'
        '<div class="hotline">人社服务热线：<b>12333</b></div>'
    )
    b.plant(
        "broken_link",
        "a homepage link to a removed 专题 (homepage: critical)",
        target="/ztzl/2019zt/index.html",
    )
    b.trap(
        "broken_link",
        "mailto:, tel:, javascript: and #top links are not targets",
        target="mailto:rsjbgs@linjiang.example.cn",
    )
    html = mk.shell("首页", [], "\n".join(parts), year=b.as_of.year)
    html = html.replace('<div class="position">当前位置：</div>\n', "")
    b.put("/", html.encode("utf-8"), HTML)
    b.plant(
        "broken_link",
        "internal 404 linked from several pages: one finding, all sources",
        target="/xxgk/jgzn/index.html",
    )
