"""A static site of N pages in the style of a Chinese bureau's TRS-built website, for benchmarks.

Why a generator rather than the sample site: throughput and memory must be measured at 2,000 and
20,000 pages with a known answer key, and every tool (govaudit and the peers) must be able to reach
every page through ordinary `<a href>` links, so pagination is written both by script (TRS's
`createPageHTML`) and as plain anchors.

Deterministic from a seed: same seed, pages and hosts give byte-identical files, and each file gets
its own mtime (its publication time), so nginx's mtime+size ETags never collide.
"""

from __future__ import annotations

import json
import os
import random
import struct
import zlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

AS_OF = date(2025, 6, 30)  # the newest publication date on the site; pass it as --as-of
ITEMS_PER_LIST_PAGE = 20
FIXED_PAGES = 3  # home, about/index.html, about/contact.html

# (code, name, share of the articles, kind, encoding): kind "document" pages carry the metadata
# table (索引号 ...); one column is GBK-encoded and declares gb2312, as many TRS sites still do.
COLUMNS = (
    ("gzdt", "工作动态", 0.26, "article", "utf-8"),
    ("tzgg", "通知公告", 0.16, "article", "gbk"),
    ("zcwj", "政策文件", 0.12, "document", "utf-8"),
    ("gfxwj", "规范性文件", 0.06, "document", "utf-8"),
    ("zcjd", "政策解读", 0.10, "article", "utf-8"),
    ("rsxx", "人事信息", 0.10, "article", "utf-8"),
    ("ghjh", "规划计划", 0.08, "document", "utf-8"),
    ("czyjs", "财政预决算", 0.12, "document", "utf-8"),
)
BUREAU = "某市人力资源和社会保障局"

_TOPICS = (
    "就业创业",
    "社会保险",
    "人才引进",
    "职业技能培训",
    "劳动关系",
    "工资收入分配",
    "人事考试",
    "养老保险",
    "失业保险",
    "工伤保险",
    "高校毕业生就业",
    "农民工工资",
    "技工教育",
    "专业技术人员",
    "公共就业服务",
    "劳动保障监察",
    "事业单位公开招聘",
    "社保卡服务",
    "稳岗返还",
    "创业担保贷款",
)
_TITLE_FORMS = (
    "关于做好{y}年{t}工作的通知",
    "{b}召开{t}工作推进会",
    "关于印发《{t}实施办法》的通知",
    "{y}年{t}工作要点",
    "关于开展{t}专项行动的公告",
    "一图读懂{t}新政策",
    "{b}{y}年{m}月{t}情况通报",
    "关于{t}有关事项的公示",
    "市领导调研{t}工作",
    "关于进一步加强{t}工作的意见",
)
_SENTENCES = (
    "为深入贯彻落实党中央、国务院关于{t}的决策部署，进一步提升服务水平，现就有关事项通知如下。",
    "各区县人力资源和社会保障部门要高度重视，加强组织领导，明确责任分工，确保各项工作落到实处。",
    "会议强调，要坚持以人民为中心的发展思想，聚焦群众急难愁盼问题，持续优化{t}服务流程。",
    "今年以来，全市累计办理{t}业务{n}件，群众满意度达到百分之九十八以上。",
    "各单位要按照属地管理原则，做好政策宣传解读，及时回应社会关切，营造良好舆论氛围。",
    "对工作中遇到的新情况、新问题，请及时向市人力资源和社会保障局报告。",
    "本办法自发布之日起施行，有效期五年，由市人力资源和社会保障局负责解释。",
    "下一步，我局将继续深化{t}领域改革，推动“高效办成一件事”走深走实。",
    "申请人可通过政务服务网、社保卡服务窗口或自助终端办理，全程不收取任何费用。",
    "联系电话：0551-6{n}，工作日上午九时至十二时，下午一时半至五时半。",
)
_DEPARTMENTS = ("办公室", "就业促进科", "社会保险科", "人才开发科", "劳动关系科", "政策法规科")

# A 1x1 PNG: a real file with the right magic bytes, small enough to be cheap.
_PNG = (
    b"\x89PNG\r\n\x1a\n"
    + struct.pack(">I", 13)
    + b"IHDR"
    + struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)))
    + struct.pack(">I", 10)
    + b"IDAT"
    + zlib.compress(b"\x00\x00")
    + struct.pack(">I", zlib.crc32(b"IDAT" + zlib.compress(b"\x00\x00")))
    + struct.pack(">I", 0)
    + b"IEND"
    + struct.pack(">I", zlib.crc32(b"IEND"))
)

_CSS = "body{font-family:'Microsoft YaHei',SimSun,sans-serif}.list li{line-height:2}\n"
_JS = """function createPageHTML(total, current, prefix, suffix) {
  if (total <= 1) return;
  var html = "";
  for (var i = 0; i < total; i++) {
    var name = i == 0 ? prefix + "." + suffix : prefix + "_" + i + "." + suffix;
    html += i == current ? "<span>" + (i + 1) + "</span> " : "<a href=\\"" + name + "\\">" + (i + 1) + "</a> ";
  }
  document.write(html);
}
"""


def _pdf(text: str) -> bytes:
    """A valid one-page PDF with an ASCII text line (correct xref), so attachment readers parse it."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@dataclass
class Planted:
    url: str
    kind: str  # internal_404, missing_image, missing_attachment, boilerplate_404, external_404
    sources: int  # how many pages link to it


@dataclass
class Manifest:
    """The answer key: what the site holds and which distinct link targets are broken."""

    root: str
    base_url: str
    seed: int
    pages: int  # HTML pages on the site (what "pages per second" divides by)
    resources: int  # images, attachments, css, js that exist
    external_pages: int
    links: int  # link edges written (a, img, link, script), boilerplate included
    bytes: int
    planted: list[Planted] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class _Article:
    col: str
    path: str  # site path, e.g. /col/gzdt/202401/t20240105_100123.html
    title: str
    when: datetime


def _png_name(article: _Article, n: int) -> str:
    return article.path.rsplit("/", 1)[0] + f"/W0{article.when:%Y%m%d}{n:06d}.png"


def generate_site(
    root: Path, pages: int, seed: int = 1, base_url: str = "", external_base: str = ""
) -> Manifest:
    """Write a site of `pages` HTML pages under `root` and return its answer key.

    `base_url` (e.g. http://127.0.0.1:18091) makes the planted URLs absolute; `external_base`
    (another host name for the same server, e.g. http://localhost:18091) hosts the footer's
    "external" links, which every tool checks but must not crawl.
    """
    if pages < 60:
        raise ValueError("pages must be at least 60 (a few list pages per column)")
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    ext = external_base or base_url
    per_col = _split(pages - FIXED_PAGES)
    next_id = 100000

    # Newest first per column, one to three days apart, ending at AS_OF.
    columns: dict[str, list[_Article]] = {}
    for (code, _, _, _, _), count in zip(COLUMNS, per_col, strict=True):
        when = datetime.combine(AS_OF, datetime.min.time()) + timedelta(hours=17)
        items = []
        for _ in range(count):
            when -= timedelta(hours=rng.randint(6, 60), minutes=rng.randint(0, 59))
            next_id += 1
            t = rng.choice(_TOPICS)
            title = rng.choice(_TITLE_FORMS).format(y=when.year, m=when.month, t=t, b=BUREAU)
            path = f"/col/{code}/{when:%Y%m}/t{when:%Y%m%d}_{next_id}.html"
            items.append(_Article(code, path, title, when))
        columns[code] = items

    # The answer key: distinct broken targets, chosen before writing so pages can link to them.
    n_broken_pages = max(3, pages // 250)
    n_missing_images = max(3, pages // 500)
    n_missing_attachments = max(2, pages // 1000)
    all_articles = [a for items in columns.values() for a in items]
    carriers = rng.sample(all_articles, n_broken_pages + n_missing_images + n_missing_attachments)
    broken_link_at: dict[str, str] = {}  # article path -> dead article path it links to
    missing_image_at: set[str] = set()
    missing_attachment_at: set[str] = set()
    for i, a in enumerate(carriers):
        if i < n_broken_pages:
            dead = f"/col/{a.col}/{a.when:%Y%m}/t{a.when:%Y%m%d}_{900000 + i}.html"
            broken_link_at[a.path] = dead
        elif i < n_broken_pages + n_missing_images:
            missing_image_at.add(a.path)
        else:
            missing_attachment_at.add(a.path)

    w = _Writer(root)
    planted: dict[str, Planted] = {}

    def plant(url: str, kind: str) -> None:
        planted.setdefault(url, Planted(url, kind, 0)).sources += 1

    nav = _nav()
    footer = _footer(ext)
    home_dead = "/col/gzdt/zt/index.html"  # a homepage link to a removed special topic (专题)

    def boilerplate_planted() -> None:
        plant(base_url + "/sitemap.html", "boilerplate_404")
        plant(ext + "/ext/province.html", "external_404")

    # Home: a block of the newest items per column, one dead link.
    blocks = []
    for code, name, _, _, _ in COLUMNS:
        lis = "".join(
            f'<li><a href="{a.path}">{a.title}</a><span>{a.when:%Y-%m-%d}</span></li>'
            for a in columns[code][:5]
        )
        more = f'<a class="more" href="/col/{code}/index.html">更多</a>'
        blocks.append(f'<div class="block"><h3>{name}</h3>{more}<ul>{lis}</ul></div>')
    blocks.append(f'<div class="banner"><a href="{home_dead}">专题专栏：稳就业促发展</a></div>')
    plant(base_url + home_dead, "internal_404")
    boilerplate_planted()
    w.page("index.html", _html(BUREAU, nav, "".join(blocks), footer), AS_OF)

    for name in ("index.html", "contact.html"):
        body = f'<div class="crumb"><a href="/">首页</a> &gt; 关于我们</div><p>{BUREAU}</p>'
        boilerplate_planted()
        w.page(f"about/{name}", _html("关于我们", nav, body, footer), AS_OF)

    ext_page = _html("外部网站", "", "<p>中国政府网（基准测试中的外部站点）</p>", "")
    w.page("ext/www.gov.cn.html", ext_page, AS_OF, count=False)

    for code, col_name, _, kind, encoding in COLUMNS:
        items = columns[code]
        n_lists = -(-len(items) // ITEMS_PER_LIST_PAGE)
        for k in range(n_lists):
            chunk = items[k * ITEMS_PER_LIST_PAGE : (k + 1) * ITEMS_PER_LIST_PAGE]
            lis = "".join(
                f'<li><a href=".{a.path[len(f"/col/{code}") :]}" target="_blank" '
                f'title="{a.title}">{a.title}</a><span class="date">{a.when:%Y-%m-%d}</span></li>'
                for a in chunk
            )
            body = (
                f'<div class="crumb"><a href="/">首页</a> &gt; <a href="index.html">{col_name}</a>'
                f'</div><ul class="list">{lis}</ul>{_pager(n_lists, k)}'
            )
            name = "index.html" if k == 0 else f"index_{k}.html"
            boilerplate_planted()
            w.page(
                f"col/{code}/{name}",
                _html(col_name, nav, body, footer, encoding),
                chunk[0].when.date(),
                encoding,
            )
        for i, a in enumerate(items):
            extras = []
            if a.path in missing_image_at:
                src = _png_name(a, 999000 + i)
                plant(base_url + src, "missing_image")
                extras.append(
                    f'<p style="text-align:center"><img src="./{src.rsplit("/", 1)[1]}"></p>'
                )
            elif rng.random() < 0.25:
                src = _png_name(a, i)
                w.resource(src.lstrip("/"), _PNG, a.when)
                extras.append(
                    f'<p style="text-align:center"><img src="./{src.rsplit("/", 1)[1]}"></p>'
                )
            if a.path in missing_attachment_at:
                pdf = a.path.rsplit("/", 1)[0] + f"/P0{a.when:%Y%m%d}{999000 + i:06d}.pdf"
                plant(base_url + pdf, "missing_attachment")
                extras.append(f'<p>附件：<a href="./{pdf.rsplit("/", 1)[1]}">{a.title}.pdf</a></p>')
            elif kind == "document" and rng.random() < 0.3:
                pdf = a.path.rsplit("/", 1)[0] + f"/P0{a.when:%Y%m%d}{i:06d}.pdf"
                w.resource(pdf.lstrip("/"), _pdf(f"Attachment {a.when:%Y-%m-%d} No. {i}"), a.when)
                extras.append(f'<p>附件：<a href="./{pdf.rsplit("/", 1)[1]}">{a.title}.pdf</a></p>')
            related = [items[j] for j in (i - 1, i + 1) if 0 <= j < len(items)]
            rel = "".join(f'<li><a href="{r.path}">{r.title}</a></li>' for r in related)
            if a.path in broken_link_at:
                dead = broken_link_at[a.path]
                plant(base_url + dead, "internal_404")
                rel += f'<li><a href="{dead}">相关文件（已撤稿）</a></li>'
            paras = "".join(
                "<p>"
                + rng.choice(_SENTENCES).format(t=rng.choice(_TOPICS), n=rng.randint(1000, 99999))
                + rng.choice(_SENTENCES).format(t=rng.choice(_TOPICS), n=rng.randint(1000, 99999))
                + "</p>"
                for _ in range(rng.randint(4, 9))
            )
            meta = _meta_table(a, rng) if kind == "document" else ""
            body = (
                f'<div class="crumb"><a href="/">首页</a> &gt; '
                f'<a href="/col/{code}/index.html">{col_name}</a></div>{meta}'
                f'<h1>{a.title}</h1><div class="info">发布时间：{a.when:%Y-%m-%d %H:%M} '
                f"来源：{BUREAU}{rng.choice(_DEPARTMENTS)}</div>"
                f'<div class="content">{paras}{"".join(extras)}</div>'
                f'<div class="related"><h4>相关信息</h4><ul>{rel}</ul></div>'
            )
            boilerplate_planted()
            w.page(
                a.path.lstrip("/"), _html(a.title, nav, body, footer, encoding), a.when, encoding
            )

    w.resource("css/style.css", _CSS.encode(), AS_OF)
    w.resource("js/common.js", _JS.encode(), AS_OF)
    w.resource("images/logo.png", _PNG, AS_OF)
    assert w.pages == pages, (w.pages, pages)
    manifest = Manifest(
        root=str(root),
        base_url=base_url,
        seed=seed,
        pages=w.pages,
        resources=w.resources,
        external_pages=1,
        links=w.links,
        bytes=w.bytes,
        planted=sorted(planted.values(), key=lambda p: p.url),
    )
    (root.parent / f"{root.name}.manifest.json").write_text(
        json.dumps(manifest.to_json(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def _lists(articles: int) -> int:
    return -(-articles // ITEMS_PER_LIST_PAGE)


def _split(budget: int) -> list[int]:
    """Articles per column such that articles + their list pages = budget, exactly."""
    total = budget * ITEMS_PER_LIST_PAGE // (ITEMS_PER_LIST_PAGE + 1)
    per_col = [max(1, int(total * share)) for _, _, share, _, _ in COLUMNS]
    while True:
        target = budget - sum(n + _lists(n) for n in per_col[1:])
        guess = target * ITEMS_PER_LIST_PAGE // (ITEMS_PER_LIST_PAGE + 1)
        for n in (guess - 1, guess, guess + 1, guess + 2):
            if n > 0 and n + _lists(n) == target:
                per_col[0] = n
                return per_col
        per_col[1] -= 1  # x + ceil(x/20) skips a value at each multiple of 20: shift by one


class _Writer:
    """Writes files, counts what it wrote, and stamps each with a distinct mtime."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pages = self.resources = self.links = self.bytes = 0
        self._dirs: set[Path] = set()
        self._tick = 0

    def _write(self, rel: str, data: bytes, when: date | datetime) -> None:
        path = self.root / rel
        if path.parent not in self._dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(path.parent)
        path.write_bytes(data)
        moment = when if isinstance(when, datetime) else datetime.combine(when, datetime.min.time())
        self._tick += 1  # distinct mtimes: no two files share an nginx ETag
        stamp = moment.timestamp() + self._tick
        os.utime(path, (stamp, stamp))
        self.bytes += len(data)

    def page(
        self, rel: str, html: str, when: date | datetime, encoding: str = "utf-8", count=True
    ) -> None:
        self._write(rel, html.encode(encoding), when)
        if count:
            self.pages += 1
            self.links += html.count(' href="') + html.count(' src="')

    def resource(self, rel: str, data: bytes, when: date | datetime) -> None:
        self._write(rel, data, when)
        self.resources += 1


def _html(title: str, nav: str, body: str, footer: str, encoding: str = "utf-8") -> str:
    charset = "gb2312" if encoding == "gbk" else "utf-8"
    return (
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" '
        f'content="text/html; charset={charset}"><title>{title}_{BUREAU}</title>'
        f'<meta name="SiteName" content="{BUREAU}">'
        f'<link rel="stylesheet" href="/css/style.css"><script src="/js/common.js"></script>'
        f'</head><body><div class="header"><img src="/images/logo.png" alt="{BUREAU}"></div>'
        f'{nav}<div class="main">{body}</div>{footer}</body></html>\n'
    )


def _nav() -> str:
    links = "".join(f'<li><a href="/col/{c}/index.html">{n}</a></li>' for c, n, *_ in COLUMNS)
    return f'<div class="nav"><ul><li><a href="/">首页</a></li>{links}</ul></div>'


def _footer(ext: str) -> str:
    return (
        '<div class="footer"><a href="/about/index.html">关于我们</a> | '
        '<a href="/about/contact.html">联系我们</a> | <a href="/sitemap.html">网站地图</a>'
        f'<div class="links"><a href="{ext}/ext/www.gov.cn.html" target="_blank">中国政府网</a> '
        f'<a href="{ext}/ext/province.html" target="_blank">省人民政府</a></div>'
        f"<p>主办单位：{BUREAU}　网站标识码：3401000001　皖ICP备05001234号</p></div>"
    )


def _pager(total: int, current: int) -> str:
    """TRS writes pagination by script; plain anchors follow so every tool can reach every page."""

    def name(k: int) -> str:
        return "index.html" if k == 0 else f"index_{k}.html"

    anchors = [f'<a href="{name(0)}">首页</a>']
    if current > 0:
        anchors.append(f'<a href="{name(current - 1)}">上一页</a>')
    for k in range(max(0, current - 3), min(total, current + 4)):
        if k != current:
            anchors.append(f'<a href="{name(k)}">{k + 1}</a>')
    if current < total - 1:
        anchors.append(f'<a href="{name(current + 1)}">下一页</a>')
    anchors.append(f'<a href="{name(total - 1)}">尾页</a>')
    return (
        f'<div class="page"><script>createPageHTML({total}, {current}, "index", "html");'
        f"</script>{' '.join(anchors)}</div>"
    )


def _meta_table(a: _Article, rng: random.Random) -> str:
    issued = a.when.date() - timedelta(days=rng.randint(1, 10))
    rows = (
        ("索引号", f"11340100MB1234567X/{a.when:%Y}-{rng.randint(1, 9999):05d}"),
        ("发布机构", BUREAU),
        ("成文日期", f"{issued:%Y-%m-%d}"),
        ("发布日期", f"{a.when:%Y-%m-%d}"),
        ("文号", f"市人社〔{a.when:%Y}〕{rng.randint(1, 200)}号"),
        ("主题分类", rng.choice(("劳动、人事、监察", "就业", "社会保障"))),
        ("有效性", "有效"),
    )
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="xxgk-meta">{cells}</table>'
