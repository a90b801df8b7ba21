from dataclasses import replace
from datetime import date

import pytest

from govaudit.core.model import Finding, Link, ListItem, PageRecord, fingerprint
from govaudit.core.store import Store


def _page(url: str, **kw) -> PageRecord:
    return PageRecord(url=url, status=200, kind="list", title="通知公告", **kw)


def test_pages_links_and_items_round_trip(tmp_path):
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", "http://127.0.0.1/", date(2024, 5, 1), {})
    record = _page(
        "http://127.0.0.1/tzgg/",
        published=date(2024, 4, 1),
        meta={"文号": "人社发〔2024〕1号"},
        pagination=("http://127.0.0.1/tzgg/index_1.html",),
        links=(Link("http://127.0.0.1/a.html", "a", "href", "关于……的通知"),),
        list_items=(ListItem("http://127.0.0.1/a.html", "关于……的通知", date(2024, 3, 2), 0),),
    )
    store.add_pages(audit, [record])
    view = store.view(audit)
    (page,) = list(view.pages())
    assert page.meta == {"文号": "人社发〔2024〕1号"} and page.published == date(2024, 4, 1)
    assert page.pagination == ("http://127.0.0.1/tzgg/index_1.html",)
    assert list(view.links()) == [("http://127.0.0.1/tzgg/", record.links[0])]
    assert list(view.list_items()) == [("http://127.0.0.1/tzgg/", record.list_items[0])]


def test_a_batch_with_undecodable_text_is_stored_not_lost(tmp_path):
    """A lone surrogate (bytes kept undecoded) cannot be UTF-8: it becomes U+FFFD, and the rest
    of the batch, written in the same transaction, is kept."""
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", "http://127.0.0.1/", date(2024, 5, 1), {})
    odd = _page(
        "http://127.0.0.1/odd.html",
        etag='"caf\udce9"',
        meta={"发布机构": "人社局\udcff"},
        links=(Link("http://127.0.0.1/a.html", "a", "href", "通知\udc80"),),
    )
    store.add_pages(audit, [_page("http://127.0.0.1/"), odd])
    view = store.view(audit)
    assert store.recorded_urls(audit) == {"http://127.0.0.1/", "http://127.0.0.1/odd.html"}
    page = view.page("http://127.0.0.1/odd.html")
    assert page.etag == '"caf\ufffd"' and page.meta == {"发布机构": "人社局\ufffd"}
    assert [link.text for _, link in view.links()] == ["通知\ufffd"]


def test_rewriting_a_page_replaces_its_edges(tmp_path):
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", "http://127.0.0.1/", date(2024, 5, 1), {})
    link = Link("http://127.0.0.1/a.html", "a", "href", "a")
    store.add_pages(audit, [_page("http://127.0.0.1/", links=(link,))])
    store.add_pages(audit, [_page("http://127.0.0.1/", links=(link,))])
    assert len(list(store.view(audit).links())) == 1
    assert store.recorded_urls(audit) == {"http://127.0.0.1/"}


def test_many_audits_in_one_file_and_unfinished_marking(tmp_path):
    path = tmp_path / "a.db"
    store = Store(path)
    first = store.start_audit("site", "http://127.0.0.1/", date(2024, 5, 1), {})
    store.finish_audit(first, "finished", {"pages": 3})
    second = store.start_audit("site", "http://127.0.0.1/", date(2024, 6, 1), {})
    store.close()
    reopened = Store(path)
    assert [a["status"] for a in reopened.audits("site")] == ["finished", "running"]
    assert reopened.previous_audit(second) == first
    assert reopened.audit(first)["counters"] == {"pages": 3}


def test_findings_and_first_seen(tmp_path):
    store = Store(tmp_path / "a.db")
    finding = Finding(
        id=fingerprint("broken_link", "http://127.0.0.1/x"),
        check="broken_link",
        severity="major",
        page_url="http://127.0.0.1/",
        title="链接不可用",
        details={
            "target_url": "http://127.0.0.1/x",
            "status": 404,
            "error": None,
            "source_pages": ["a"],
        },
    )
    a1 = store.start_audit("site", "u", date(2024, 5, 1), {})
    store.save_findings(a1, [finding])
    a2 = store.start_audit("site", "u", date(2024, 6, 1), {})
    store.save_findings(a2, [finding])
    assert store.findings(a2) == [finding]
    assert store.first_seen("site", [finding.id]) == {finding.id: "2024-05-01"}
    assert fingerprint("broken_link", "http://127.0.0.1/x") == finding.id


def test_filtered_reads_return_what_the_full_reads_hold(tmp_path):
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", "http://127.0.0.1/", date(2024, 5, 1), {})
    base = "http://127.0.0.1"
    report = Link(f"{base}/nb.html", "a", "href", "2023年政府信息 公开工作年报")
    pages = [
        _page(
            f"{base}/{i}.html",
            text=f"正文{i}",
            links=(Link(f"{base}/{(i + 1) % 4}.html", "a", "href", f"链接{i}"), report),
            list_items=(ListItem(f"{base}/{i}.html", "条目", None, 0),),
        )
        for i in range(4)
    ]
    store.add_pages(audit, pages)
    view = store.view(audit)
    every = list(view.links())
    assert list(view.links(sources=[f"{base}/1.html"])) == [e for e in every if "/1." in e[0]]
    assert list(view.links(targets=[f"{base}/nb.html"])) == [e for e in every if e[1] == report]
    assert list(view.links(anchor_like=["%公%开%", "%年%报%"])) == list(
        view.links(targets=[f"{base}/nb.html"])
    )
    assert list(view.links(sources=[])) == []
    (two,) = view.pages(urls=[f"{base}/2.html", f"{base}/none.html"], with_text=False)
    assert two.url == f"{base}/2.html" and two.text == "" and two.title == "通知公告"
    assert view.texts([f"{base}/2.html", f"{base}/none.html"]) == {f"{base}/2.html": "正文2"}
    assert [p for p, _ in view.list_items(pages=[f"{base}/3.html"])] == [f"{base}/3.html"]
    calls = []
    assert view.memo("k", lambda: calls.append(1) or 5) == view.memo("k", lambda: 6) == 5
    assert calls == [1]


def test_snapshot_view_reads_as_the_live_view_and_a_write_drops_it(tmp_path):
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", "http://127.0.0.1/", date(2024, 5, 1), {})
    base = "http://127.0.0.1"
    menu = Link(f"{base}/0.html", "a", "href", "首页", in_boilerplate=True)
    pages = [
        PageRecord(
            url=f"{base}/{i}.html",
            status=200,
            kind=("list", "document", "resource")[i % 3],
            internal=i != 4,
            text=f"正文{i}",
            links=(Link(f"{base}/{(i + 1) % 5}.html", "a", "href", f"链接{i}"), menu),
            list_items=(ListItem(f"{base}/{i}.html", "条目", None, 0),),
        )
        for i in range(5)
    ]
    store.add_pages(audit, pages)
    live, snap = store.view(audit), store.view(audit, snapshot=True)
    assert store.view(audit, snapshot=True) is snap
    for kwargs in (
        {},
        {"kind": "document"},
        {"internal": False},
        {"kind": "list", "internal": True, "with_text": False},
        {"urls": [f"{base}/3.html", f"{base}/1.html", f"{base}/9.html"]},
    ):
        textless = [p.with_text("") for p in snap.pages(**kwargs)]
        assert textless == [p.with_text("") for p in live.pages(**kwargs)], kwargs
        if kwargs.get("with_text", True):
            assert list(snap.pages(**kwargs)) == list(live.pages(**kwargs)), kwargs
    # A snapshot has read every text: it gives it even when not asked to.
    assert [p.text for p in snap.pages(kind="list", with_text=False)] == ["正文0", "正文3"]
    assert list(snap.list_items()) == list(live.list_items())
    assert list(snap.list_items(pages=[f"{base}/2.html"])) == list(
        live.list_items(pages=[f"{base}/2.html"])
    )
    assert [s for s, _ in live.links(boilerplate=True)] == [p.url for p in pages]
    assert [e.text for _, e in live.links(boilerplate=False)] == [f"链接{i}" for i in range(5)]
    store.add_pages(audit, [PageRecord(url=f"{base}/new.html", status=200)])
    fresh = store.view(audit, snapshot=True)
    assert fresh is not snap and len(list(fresh.pages())) == 6


def test_a_snapshot_without_texts_holds_none_and_reads_each_when_asked(tmp_path):
    """The audit process's view while its helper runs the text checks: no text kept, and a
    caller that asks for texts gets them from the file, never "" in their place."""
    store, audit, base = _six_pages(tmp_path)
    live, bare = store.view(audit), store.view(audit, snapshot=True, texts=False)
    assert store.view(audit, snapshot=True) is bare  # asked again: the one made first
    wanted = [f"{base}/5.html", f"{base}/1.html", f"{base}/none.html"]
    for _ in range(2):  # the second time from the view's memo
        for kwargs in ({}, {"kind": "document"}, {"internal": True}, {"urls": wanted}):
            assert list(bare.pages(**kwargs)) == list(live.pages(**kwargs)), kwargs
            textless = list(bare.pages(with_text=False, **kwargs))
            assert textless == [p.with_text("") for p in live.pages(**kwargs)], kwargs
        assert bare.texts() == live.texts() and bare.texts(wanted) == live.texts(wanted)
    # What it read for its callers it did not keep.
    assert [p.text for p in bare.pages(with_text=False)] == [""] * 6
    assert [p.text for p in bare.pages()] == ["", "正文1", "", "正文3", "", "正文5"]
    # A snapshot with texts made first is the one a second request gets, texts and all.
    other = Store(tmp_path / "a.db")
    full = other.view(audit, snapshot=True)
    assert other.view(audit, snapshot=True, texts=False) is full
    assert [p.text for p in full.pages(with_text=False)][:2] == ["", "正文1"]
    # Rows gone behind its back (never in a finished audit) fail loudly, not as empty texts.
    store.db.execute("DELETE FROM pages WHERE audit = ? AND url = ?", [audit, f"{base}/3.html"])
    with pytest.raises(LookupError, match="3.html"):
        list(bare.pages())


def test_link_sources_and_anchor_counts_answer_without_every_edge(tmp_path):
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", "http://127.0.0.1/", date(2024, 5, 1), {})
    base = "http://127.0.0.1"
    texts = ["通知公告", " 更多 ", "通知公告 ", "", "公告"]
    store.add_pages(
        audit,
        [
            _page(f"{base}/{i}.html", links=(Link(f"{base}/tzgg/", "a", "href", text),))
            for i, text in enumerate(texts)
        ]
        + [_page(f"{base}/f.html", links=(Link(f"{base}/tzgg/", "iframe", "src"),))],
    )
    view = store.view(audit)
    every = [s for s, _ in view.links(targets=[f"{base}/tzgg/"])]
    assert view.link_sources([f"{base}/tzgg/"]) == every
    assert view.link_sources([f"{base}/tzgg/"], not_from=every[:2], limit=1) == every[2:3]
    assert view.anchor_counts(f"{base}/tzgg/", not_from=[f"{base}/4.html"]) == [
        ("通知公告", 1),
        (" 更多 ", 1),
        ("通知公告 ", 1),
        ("", 2),
    ]
    assert [s for s, _ in view.links(tags=["iframe"])] == [f"{base}/f.html"]


def _open_and_write(path: str, site: str, barrier) -> None:
    barrier.wait()  # every process opens the fresh file at the same moment
    store = Store(path)
    audit = store.start_audit(site, "http://127.0.0.1/", date(2024, 5, 1), {})
    for i in range(20):
        store.add_pages(audit, [_page(f"http://127.0.0.1/{site}/{i}")])
    store.finish_audit(audit, "finished", {})


def test_a_store_written_before_list_dates_had_a_source_is_read(tmp_path):
    """An older store's list items have no `date_from`, its links no `rel`: opening it adds the
    columns; its items read as of unknown source (they then prove no date mismatch), its links
    with no rel (a .css suffix then names a sheet), new ones as written."""
    path = tmp_path / "old.db"
    store = Store(path)
    audit = store.start_audit("site", "http://127.0.0.1/", date(2024, 5, 1), {})
    old_item = ListItem("http://127.0.0.1/a.html", "通知", date(2024, 3, 2), 0)
    sheet = Link("http://127.0.0.1/s.css", "link", "href", rel="stylesheet")
    store.add_pages(
        audit, [_page("http://127.0.0.1/tzgg/", list_items=(old_item,), links=(sheet,))]
    )
    store.db.execute("ALTER TABLE list_items DROP COLUMN date_from")
    store.db.execute("ALTER TABLE links DROP COLUMN rel")
    store.close()
    store = Store(path)
    ((_, item),) = store.view(audit).list_items()
    assert item.date == date(2024, 3, 2) and item.date_from is None
    assert store.view(audit).links_of("http://127.0.0.1/tzgg/") == [replace(sheet, rel="")]
    by_url = ListItem("http://127.0.0.1/b.html", "公告", date(2024, 4, 1), 0, date_from="url")
    store.add_pages(audit, [_page("http://127.0.0.1/gg/", list_items=(by_url,))])
    assert dict(store.view(audit).list_items())["http://127.0.0.1/gg/"] == by_url


def test_several_processes_can_open_and_write_one_new_store(tmp_path):
    """`--jobs N` and workers start audits together on one store: none may fail on the schema."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(4)
    path = str(tmp_path / "shared.db")
    procs = [ctx.Process(target=_open_and_write, args=(path, f"s{k}", barrier)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert sorted(a["site"] for a in Store(path).audits()) == ["s0", "s1", "s2", "s3"]


def test_with_text_is_replace_of_the_text():
    from dataclasses import replace

    page = PageRecord(url="http://a.gov.cn/1.html", status=200, title="标题", text="正文")
    copy = page.with_text("")
    assert copy == replace(page, text="") and copy is not page and page.text == "正文"


def test_linking_pages_sum_up_the_edges_to_each_target(tmp_path):
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", "http://127.0.0.1/", date(2024, 5, 1), {})
    base = "http://127.0.0.1"
    menu = Link(f"{base}/dead/", "a", "href", " 办事 ", in_boilerplate=True)
    pages = [_page(f"{base}/{i}.html", links=(menu,)) for i in range(3)]
    pages.append(
        _page(
            f"{base}/3.html",
            links=(
                Link(f"{base}/dead/", "a", "href", "办事服务"),
                menu,
                Link(f"{base}/x.png", "img", "src"),
            ),
        )
    )
    store.add_pages(audit, pages)
    view = store.view(audit)
    groups = list(view.linking_pages([f"{base}/dead/", f"{base}/x.png", f"{base}/none/"]))
    assert groups == [
        (menu, {f"{base}/{i}.html" for i in range(4)}),
        (Link(f"{base}/dead/", "a", "href", "办事服务"), {f"{base}/3.html"}),
        (Link(f"{base}/x.png", "img", "src"), {f"{base}/3.html"}),
    ]
    edges = list(view.links(targets=[f"{base}/dead/", f"{base}/x.png"]))
    assert {(link, source) for link, sources in groups for source in sources} == {
        (link, source) for source, link in edges
    }


def test_edges_read_alike_with_one_audit_or_several_in_the_store(tmp_path):
    """A store of one audit is read in table order, one of several by the audit's index; the
    shorter of `sources` and `targets` picks the index: the edges are the same either way."""
    store = Store(tmp_path / "a.db")
    base = "http://127.0.0.1"

    def crawl(audit: int, anchor: str) -> None:
        store.add_pages(
            audit,
            [
                _page(
                    f"{base}/{i}.html",
                    links=(
                        Link(f"{base}/{(i + 1) % 5}.html", "a", "href", f"{anchor}{i}"),
                        Link(f"{base}/frame{i}.html", "iframe", "src"),
                        Link(f"{base}/nb.html", "a", "href", "2023年政府信息公开工作年报"),
                    ),
                )
                for i in range(5)
            ],
        )

    first = store.start_audit("site", f"{base}/", date(2024, 5, 1), {})
    crawl(first, "链接")
    alone = store.view(first)
    before = {
        "tags": list(alone.links(tags=["iframe"])),
        "anchors": list(alone.links(anchor_like=["%公%开%", "%年%报%"])),
        "all": list(alone.links()),
    }
    assert [s for s, _ in before["tags"]] == [f"{base}/{i}.html" for i in range(5)]
    second = store.start_audit("site", f"{base}/", date(2024, 6, 1), {})
    crawl(second, "第二次")
    for audit in (first, second):
        view = store.view(audit)
        assert list(view.links(tags=["iframe"])) == before["tags"]
        assert list(view.links(anchor_like=["%公%开%", "%年%报%"])) == before["anchors"]
        every = list(view.links())
        assert len(every) == 15 and (audit == second or every == before["all"])
        sources, targets = [f"{base}/{i}.html" for i in range(4)], [f"{base}/2.html"]
        expected = [e for e in every if e[0] in sources and e[1].target in targets]
        assert list(view.links(sources=sources, targets=targets)) == expected
        assert list(view.links(sources=sources[:1], targets=[e.target for _, e in every])) == [
            e for e in every if e[0] == sources[0]
        ]


def _six_pages(tmp_path) -> tuple[Store, int, str]:
    """An audit of six pages of three kinds, one external, every other one without text."""
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", "http://127.0.0.1/", date(2024, 5, 1), {})
    base = "http://127.0.0.1"
    store.add_pages(
        audit,
        [
            PageRecord(
                url=f"{base}/{i}.html",
                status=200,
                kind=("home", "list", "document")[i % 3],
                internal=i != 4,
                text=f"正文{i}" if i % 2 else "",
            )
            for i in range(6)
        ],
    )
    return store, audit, base


def test_snapshot_texts_and_filters_read_as_the_live_view(tmp_path):
    store, audit, base = _six_pages(tmp_path)
    live, snap = store.view(audit), store.view(audit, snapshot=True)
    assert (
        dict(snap.texts())
        == live.texts()
        == {f"{base}/{i}.html": f"正文{i}" if i % 2 else "" for i in range(6)}
    )
    wanted = [f"{base}/5.html", f"{base}/1.html", f"{base}/none.html", f"{base}/5.html"]
    assert snap.texts(wanted) == live.texts(wanted)
    for _ in range(2):  # the second time from the view's memo
        for kwargs in (
            {"kind": "document", "urls": wanted},
            {"internal": True, "with_text": False},
            {"kind": "home"},
            {"urls": wanted, "with_text": False},
        ):
            textless = [p.with_text("") for p in snap.pages(**kwargs)]
            assert textless == [p.with_text("") for p in live.pages(**kwargs)], kwargs
            if kwargs.get("with_text", True):
                assert list(snap.pages(**kwargs)) == list(live.pages(**kwargs)), kwargs


def _tables_of_a_copy(db, tmp_path) -> list[str]:
    """What a copy of the store file alone (a backup, a share) holds: no -wal beside it."""
    import shutil
    import sqlite3

    copy = tmp_path / "copy" / "govaudit.db"
    copy.parent.mkdir(exist_ok=True)
    shutil.copyfile(db, copy)
    conn = sqlite3.connect(copy)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    finally:
        conn.close()


def test_close_leaves_the_store_file_complete_while_others_hold_it_open(tmp_path):
    import sqlite3

    db = tmp_path / "govaudit.db"
    store = Store(db)
    other = sqlite3.connect(db)  # e.g. a report being read: SQLite's own close-time checkpoint
    other.execute("SELECT count(*) FROM audits").fetchall()  # is skipped while another
    try:  # connection is open, so only ours can empty the log
        audit = store.start_audit("site", "http://127.0.0.1/", date(2024, 5, 1), {})
        store.add_pages(audit, [_page("http://127.0.0.1/a/")])
        assert (tmp_path / "govaudit.db-wal").stat().st_size > 0
        assert "audits" not in _tables_of_a_copy(db, tmp_path)  # the trap this avoids
        store.close()
        assert (tmp_path / "govaudit.db-wal").stat().st_size == 0
        assert {"audits", "pages", "findings", "reviews"} <= set(_tables_of_a_copy(db, tmp_path))
    finally:
        other.close()


def test_checkpoint_says_when_another_writer_holds_the_log(tmp_path):
    import sqlite3

    store = Store(tmp_path / "govaudit.db")
    writer = sqlite3.connect(tmp_path / "govaudit.db", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO reviews (finding_id) VALUES ('x')")
        assert store.checkpoint() is False
        writer.execute("COMMIT")
        assert store.checkpoint() is True
    finally:
        writer.close()
        store.close()


def test_a_page_copy_masks_a_number_its_markup_splits(tmp_path):
    """A browser shows `<span>1101011990</span><span>03074514</span>` as one ID number: the
    stored evidence copy must not keep it (nor a mobile number split the same way)."""
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", "http://x.gov.cn/", date(2024, 3, 15), {})
    html = (
        "<p>身份证号：<span>1101011990</span><span>03074514</span></p>"
        "<p>电话：<b>138</b>1234<i>5678</i></p><p>2024年3月15日，第 12 期</p>"
    )
    page = PageRecord(url="http://x.gov.cn/a.html", status=200, kind="article", source=html)
    store.add_pages(audit, [page])
    copy = store.page_copy(audit, page.url)
    store.close()
    digits = "".join(c for c in copy if c.isdigit())
    assert "110101199003074514" not in digits and "13812345678" not in digits
    assert "<span>110*******</span>" in copy and "2024年3月15日，第 12 期" in copy
    raw = (tmp_path / "a.db").read_bytes()
    assert b"03074514" not in raw and b"5678</i>" not in raw


def test_a_page_copy_is_found_by_its_address_or_where_it_redirected(tmp_path):
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", "http://x.gov.cn/", date(2024, 3, 15), {})
    moved = PageRecord(
        url="http://x.gov.cn/old.html",
        final_url="http://x.gov.cn/new.html",
        status=200,
        kind="article",
        source="<p>搬家后的页面</p>",
    )
    store.add_pages(audit, [moved])
    try:
        assert "搬家后的页面" in store.page_copy(audit, "http://x.gov.cn/old.html")
        assert "搬家后的页面" in store.page_copy(audit, "http://x.gov.cn/new.html")
        assert store.page_copy(audit, "http://x.gov.cn/none.html") is None
    finally:
        store.close()


def test_urls_and_records_with_a_meta_key_read_as_in_the_live_view(tmp_path):
    """`urls()` lists the records in the order of `pages()` without reading them; `meta_key`
    keeps the records whose meta holds it (the attachments' `format`), chosen by SQLite."""
    store = Store(tmp_path / "s.db")
    audit = store.start_audit("s", "http://a.gov.cn/", date(2024, 6, 1), {})
    pages = [
        PageRecord(
            url="http://a.gov.cn/b.pdf", status=200, kind="resource", meta={"format": "pdf"}
        ),
        PageRecord(url="http://a.gov.cn/", status=200, kind="home", meta={"home": True}),
        PageRecord(url="http://x.org/", status=200, internal=False),
        PageRecord(url="http://a.gov.cn/c.xls", status=200, kind="other", meta={"format": None}),
    ]
    store.add_pages(audit, pages)
    store.add_pages(audit, [replace(pages[0], title="重写")])  # written again: now the last
    for view in (store.view(audit), store.view(audit, snapshot=True)):
        assert view.urls() == [p.url for p in view.pages()]
        assert view.urls(internal=True) == [
            "http://a.gov.cn/",
            "http://a.gov.cn/c.xls",
            "http://a.gov.cn/b.pdf",
        ]
        chosen = view.pages(internal=True, with_text=False, meta_key="format")
        assert [p.url for p in chosen] == ["http://a.gov.cn/c.xls", "http://a.gov.cn/b.pdf"]
