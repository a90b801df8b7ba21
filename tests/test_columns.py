"""Column detection: grouping by pagination, first page, names, categories, overrides, lookup."""

from datetime import date

import pytest

from govaudit.core.columns import categorize, column_for_url, detect_columns
from govaudit.core.model import Link, ListItem, PageRecord
from govaudit.core.store import Store

SITE = "http://127.0.0.1:8000"


def item(path: str, day: int | None = 1, position: int = 0) -> ListItem:
    return ListItem(f"{SITE}{path}", "标题", date(2024, 5, day) if day else None, position)


def page(path: str, kind: str = "list", **kw) -> PageRecord:
    return PageRecord(url=f"{SITE}{path}", status=200, kind=kind, **kw)


def columns_of(tmp_path, *records: PageRecord, overrides=()) -> list:
    store = Store(tmp_path / "audit.db")
    audit_id = store.start_audit("site", f"{SITE}/", date(2024, 6, 1), {})
    store.add_pages(audit_id, records)
    return detect_columns(store.view(audit_id), overrides)


def test_pagination_groups_pages_and_the_unnumbered_page_comes_first(tmp_path):
    pages = [f"{SITE}/tzgg/index.html", f"{SITE}/tzgg/index_1.html", f"{SITE}/tzgg/index_2.html"]
    records = [
        page(
            p.removeprefix(SITE),
            breadcrumb=("首页", "通知公告", "列表"),
            pagination=tuple(pages[1:]) if i == 0 else (pages[0], pages[-1]),
            list_items=(item(f"/tzgg/{i}.html", day=i + 1),),
        )
        for i, p in enumerate(reversed(pages))  # stored in reverse: order must not matter
    ]
    (column,) = columns_of(tmp_path, *records)
    assert column.url == pages[0] and column.pages == tuple(pages)
    assert column.name == "通知公告" and column.category == "通知公告政策文件"
    assert len(column.items) == 3 and not column.placeholder


def test_name_from_anchor_text_ignoring_pagination_and_more_links(tmp_path):
    records = [
        page("/", kind="home", links=(Link(f"{SITE}/gzdt/", "a", "href", "更多>>"),)),
        page(
            "/x.html", kind="article", links=(Link(f"{SITE}/gzdt/", "a", "href", "工作动态", True),)
        ),
        page(
            "/y.html", kind="article", links=(Link(f"{SITE}/gzdt/", "a", "href", "工作动态", True),)
        ),
        page(
            "/gzdt/",
            title="列表页",
            links=(Link(f"{SITE}/gzdt/", "a", "href", "首页"),),
            list_items=(item("/gzdt/a.html"),),
        ),
    ]
    (column,) = columns_of(tmp_path, *records)
    assert column.name == "工作动态" and column.category == "动态要闻"


@pytest.mark.parametrize(
    "title, name",
    [
        ("人事信息 - 临江市人社局", "人事信息"),
        ("人事信息_临江市人力资源和社会保障局", "人事信息"),
        ("人事信息|临江市人社局", "人事信息"),
        ("人事信息", "人事信息"),
    ],
)
def test_name_from_title_without_site_suffix(tmp_path, title, name):
    (column,) = columns_of(tmp_path, page("/rsxx/", title=title, list_items=(item("/r.html"),)))
    assert column.name == name and column.category == "人事规划计划"


def test_hub_of_sub_columns_is_not_a_column(tmp_path):
    records = [
        page(
            "/zwgk/",
            breadcrumb=("首页", "政务公开"),
            list_items=(item("/zwgk/tzgg/", None, 0), item("/zwgk/gzdt/", None, 1)),
        ),
        page("/zwgk/tzgg/", breadcrumb=("首页", "通知公告"), list_items=(item("/t/1.html"),)),
        page("/zwgk/gzdt/", breadcrumb=("首页", "工作动态"), list_items=(item("/g/1.html"),)),
    ]
    assert [c.name for c in columns_of(tmp_path, *records)] == ["工作动态", "通知公告"]


def test_failed_and_placeholder_pages(tmp_path):
    records = [
        PageRecord(url=f"{SITE}/dead/", status=404, kind="list"),
        page("/empty/", kind="other", title="规划计划", text="本栏目暂无信息"),
        page("/long/", kind="other", title="说明", text="暂无信息" + "正文内容" * 200),
    ]
    (column,) = columns_of(tmp_path, *records)
    assert column.name == "规划计划" and column.placeholder and column.items == ()


def test_column_for_url_by_membership_then_directory(tmp_path):
    records = [
        page("/tzgg/index.html", breadcrumb=("通知公告",), list_items=(item("/other/a.html"),)),
        page("/tzgg/sub/index.html", breadcrumb=("分栏",), list_items=(item("/s/b.html"),)),
        page("/list.jsp", breadcrumb=("工作动态",), list_items=(item("/c.html"),)),
    ]
    lookup = column_for_url(columns_of(tmp_path, *records))
    assert lookup(f"{SITE}/other/a.html").name == "通知公告"  # listed there
    assert lookup(f"{SITE}/tzgg/202401/t1.html").name == "通知公告"  # under its directory
    assert lookup(f"{SITE}/tzgg/sub/x.html").name == "分栏"  # the longest prefix wins
    assert lookup(f"{SITE}/c.html").name == "工作动态"
    assert lookup(f"{SITE}/about.html") is None  # a root-level list claims no directory


def test_overrides_exact_beats_prefix_and_adds_uncrawled_only_when_recorded(tmp_path):
    records = [
        page("/zwgk/a/", breadcrumb=("甲",), list_items=(item("/a.html"),)),
        page("/zwgk/b/", breadcrumb=("乙",), list_items=(item("/b.html"),)),
        page("/special/index.html", kind="other", title="专题"),
    ]
    overrides = [
        {"url": f"{SITE}/zwgk/", "threshold_days": 30},
        {"url": f"{SITE}/zwgk/b/", "name": "工作动态"},
        {"url": f"{SITE}/special/", "name": "专题专栏", "category": "动态要闻"},
        {"url": f"{SITE}/never-crawled/", "name": "未抓取"},
    ]
    got = {
        (c.url, c.name, c.category, c.threshold_days)
        for c in columns_of(tmp_path, *records, overrides=overrides)
    }
    assert got == {
        (f"{SITE}/special/index.html", "专题专栏", "动态要闻", None),
        (f"{SITE}/zwgk/a/", "甲", "其他", 30),
        (f"{SITE}/zwgk/b/", "工作动态", "动态要闻", None),
    }


@pytest.mark.parametrize(
    "name, category",
    [
        ("首页", "首页"),
        ("工作动态", "动态要闻"),
        ("图片新闻", "动态要闻"),
        ("县区要闻", "动态要闻"),
        ("通知公告", "通知公告政策文件"),
        ("公示公告", "通知公告政策文件"),
        ("规范性文件", "通知公告政策文件"),
        ("政策解读", "通知公告政策文件"),
        ("人事任免", "人事规划计划"),
        ("发展规划", "人事规划计划"),
        ("机构职能", "其他"),
    ],
)
def test_categorize(name, category):
    assert categorize(name) == category


def test_page_showing_only_its_name_is_an_empty_column(tmp_path):
    crumbs = ("首页", "稳就业专题")
    records = [
        page(
            "/wjyzt/",
            kind="other",
            title="稳就业专题_临江市人社局",
            breadcrumb=crumbs,
            text="当前位置：首页 > 稳就业专题\n稳就业专题",
        ),
        page(
            "/query/",
            kind="other",
            title="社保查询",
            breadcrumb=("首页", "社保查询"),
            text="当前位置：首页 > 社保查询\n请输入身份证号码查询参保信息。",
        ),
        page(
            "/ztzl/",
            kind="other",
            title="专题专栏",
            breadcrumb=("首页", "专题专栏"),
            text="当前位置：首页 > 专题专栏",
            links=(
                Link(f"{SITE}/ztzl/a.jpg", "img", "src", "图片专题"),
                Link(f"{SITE}/", "a", "href", "首页"),
            ),
        ),
        page("/untitled.html", kind="other", text=""),
    ]
    (column,) = columns_of(tmp_path, *records)
    assert column.name == "稳就业专题" and column.items == () and not column.placeholder


def test_directory_and_its_index_page_are_one_column(tmp_path):
    items = (item("/tzgg/a.html"),)
    records = [
        page("/tzgg/", breadcrumb=("通知公告",), list_items=items),
        page("/tzgg/index.html", breadcrumb=("通知公告",), list_items=items),
    ]
    (column,) = columns_of(tmp_path, *records)
    assert column.url == f"{SITE}/tzgg/" and len(column.pages) == 2
    overrides = [{"url": f"{SITE}/tzgg/index.html", "name": "公告"}]
    (tmp_path / "b").mkdir()
    (renamed,) = columns_of(tmp_path / "b", *records[:1], overrides=overrides)
    assert renamed.name == "公告"


def test_item_listed_by_two_columns_belongs_to_the_one_holding_it(tmp_path):
    shared = (item("/zwgk/tzgg/a.html"),)
    records = [
        page("/zwgk/tzgg/index.html", breadcrumb=("通知公告",), list_items=shared),
        page("/a-latest/index.html", breadcrumb=("最新公开",), list_items=shared),
    ]
    lookup = column_for_url(columns_of(tmp_path, *records))
    assert lookup(f"{SITE}/zwgk/tzgg/a.html").name == "通知公告"


def test_an_item_listed_on_several_pages_of_a_column_counts_once(tmp_path):
    """A pinned item repeats on every page; a dated showing wins over an undated one."""
    from govaudit.core.columns import _distinct

    pinned = "http://127.0.0.1/tzgg/t1.html"
    items = [
        ListItem(pinned, "置顶：办事指南", None, 0),
        ListItem("http://127.0.0.1/tzgg/t2.html", "通知二", date(2024, 3, 1), 1),
        ListItem(pinned, "置顶：办事指南", date(2023, 1, 5), 0),
    ]
    assert [(i.url, i.date) for i in _distinct(items)] == [
        (pinned, date(2023, 1, 5)),
        ("http://127.0.0.1/tzgg/t2.html", date(2024, 3, 1)),
    ]


def test_listing_pages_and_the_site_lookup_are_made_once_per_view(tmp_path):
    from govaudit.core.columns import listing_pages, site_column_of

    shared = item("/zwgk/tzgg/a.html")
    store = Store(tmp_path / "audit.db")
    audit_id = store.start_audit("site", f"{SITE}/", date(2024, 6, 1), {})
    store.add_pages(
        audit_id,
        [
            page("/zwgk/tzgg/index.html", breadcrumb=("通知公告",), list_items=(shared,)),
            page("/a-latest/index.html", breadcrumb=("最新公开",), list_items=(shared,)),
            page("/a-latest/index_1.html", breadcrumb=("最新公开",), list_items=(shared,)),
        ],
    )
    view = store.view(audit_id, snapshot=True)
    assert listing_pages(view) == {
        shared.url: (
            f"{SITE}/a-latest/index.html",
            f"{SITE}/a-latest/index_1.html",
            f"{SITE}/zwgk/tzgg/index.html",
        )
    }
    assert listing_pages(view) is listing_pages(view)
    lookup = site_column_of(view)
    assert lookup is site_column_of(view)
    expected = column_for_url(detect_columns(view))
    for url in (shared.url, f"{SITE}/a-latest/x.html", f"{SITE}/zwgk/tzgg/index.html", f"{SITE}/x"):
        assert lookup(url) == expected(url)
