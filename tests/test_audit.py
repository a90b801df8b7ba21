from datetime import date

from govaudit.audit import run_checks
from govaudit.core.model import ListItem, PageRecord
from govaudit.core.store import Store

BASE = "http://127.0.0.1:8000"


def test_findings_without_a_column_get_the_column_of_their_page(tmp_path):
    """The privacy check knows nothing of columns; the list still says where the leak is."""
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", BASE + "/", date(2024, 3, 15), {})
    leak_url = BASE + "/gsgg/202403/t20240312_1.html"
    list_page = PageRecord(
        url=BASE + "/gsgg/",
        status=200,
        kind="list",
        title="公示公告",
        breadcrumb=("首页", "公示公告"),
        list_items=tuple(
            ListItem(url, f"关于第{i}批就业见习人员名单的公示", date(2024, 3, 12 - i), i)
            for i, url in enumerate(
                [
                    leak_url,
                    BASE + "/gsgg/202403/t20240311_2.html",
                    BASE + "/gsgg/202403/t20240310_3.html",
                ]
            )
        ),
    )
    article = PageRecord(
        url=leak_url,
        status=200,
        kind="article",
        title="关于第0批就业见习人员名单的公示",
        text="姓名 张某 身份证号 11010519491231002X",
        published=date(2024, 3, 12),
    )
    store.add_pages(audit, [list_page, article])
    findings = run_checks(store, audit, _default_rules(), date(2024, 3, 15))
    leaks = [f for f in findings if f.check == "privacy_leak"]
    assert leaks and all(f.column == "公示公告" for f in leaks)


def _default_rules():
    from govaudit import checks

    return {m.SECTION: dict(m.DEFAULTS) for m in checks.REGISTRY}


def test_findings_on_the_homepage_are_in_the_homepage_column(tmp_path):
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", BASE + "/", date(2024, 3, 15), {})
    home = PageRecord(
        url=BASE + "/", status=200, kind="home", title="首页", text="请扫黑险恶，维护秩序。"
    )
    store.add_pages(audit, [home])
    findings = run_checks(store, audit, _default_rules(), date(2024, 3, 15))
    words = [f for f in findings if f.check == "wrong_word"]
    assert words and all(f.column == "首页" for f in words)
