"""The sample site's model: its resources, the answer key, and the builder every column writes
through (pages, links and dates placed relative to `as_of`).
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from govaudit.sample_site import markup as mk
from govaudit.sample_site.corpus import BUREAU, BUREAU_SHORT, UNITS, Writer

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
class Item:
    title: str
    path: str
    published: date | None  # the date on the item's own page
    shown: date | None  # the date the list shows (None: an undated row)
    pinned: bool = False


@dataclass(frozen=True)
class Column:
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


class SiteBuilder:
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
        col: Column,
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
        col: Column,
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

    def crumbs(self, col: Column) -> list[tuple[str, str]]:
        return [*col.parent, (col.name, f"/{col.code}/index.html")]

    def gbk(self, col: Column) -> str | None:
        return "header" if col.gbk else None

    def list_pages(self, col: Column, items: list[Item], *, intro: str = "") -> list[str]:
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

    def _href(self, col: Column, path: str) -> str:
        prefix = f"/{col.code}/"
        if col.relative_links and path.startswith(prefix):
            return "./" + path[len(prefix) :]
        return path

    def dates(self, newest: date, count: int, gap: tuple[int, int]) -> list[date]:
        out = [newest]
        while len(out) < count:
            out.append(out[-1] - timedelta(days=self.rng.randint(*gap)))
        return out

    def filler(self, col: Column, kind: str, newest: date, count: int, gap=(3, 12)) -> list[Item]:
        items = []
        for d in self.dates(newest, count, gap):
            title = self.w.title(kind, d.year)
            items.append(Item(title, self.article(col, title, d), d, d))
        return items


def png_image() -> bytes:
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
