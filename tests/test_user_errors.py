"""A careless or hostile user: every command given bad input says what is wrong in one line
`govaudit: ...`, exits 2 (or its documented status), never prints a traceback and never damages
what is stored.

The commands run in this process (`govaudit.cli.main`): every error here stops before a crawl.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from reports_store import SITE, broken, make_audit, new_store, word

from govaudit.audit import output_dir
from govaudit.checks.judge import judge
from govaudit.cli import main
from govaudit.core.store import SCHEMA_VERSION, Store
from govaudit.reports import report_settings, write_reports

URL = "http://127.0.0.1:9/"  # never fetched: every case fails before the crawl


def fails(capsys, *argv: str, status: int = 2) -> str:
    """Run the CLI; assert one line `govaudit: ...`, the exit status and no traceback."""
    assert main([str(a) for a in argv]) == status
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("govaudit: "), err
    return lines[0]


def audit(capsys, tmp_path: Path, *extra: str, url: str | None = URL) -> str:
    args = ["audit", *([url] if url is not None else []), "--as-of", "2024-03-01", "--quiet"]
    if "--out" not in extra:
        args += ["--out", tmp_path / "out"]
    return fails(capsys, *args, *extra)


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


# -- --out and --db ----------------------------------------------------------------------------


def test_out_is_a_file(capsys, tmp_path):
    file = write(tmp_path / "out.txt", "x")
    assert "是文件，不是目录" in audit(capsys, tmp_path, "--out", file)
    assert "无法创建" in audit(capsys, tmp_path, "--out", file / "sub")
    assert file.read_text() == "x"
    assert "是文件" in fails(capsys, "demo", "--out", file)


def test_log_that_cannot_be_a_file(capsys, tmp_path):
    """Refused before the audit starts: no audit is left unfinished in the store."""
    file = write(tmp_path / "f.txt", "x")
    assert "是目录，不是文件" in audit(capsys, tmp_path, "--log", tmp_path)
    assert "f.txt 不是目录" in audit(capsys, tmp_path, "--log", file / "x.log")
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_out_not_writable(capsys, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    assert "没有写权限" in audit(capsys, tmp_path, "--out", locked)


def test_two_audits_on_one_out_directory(capsys, tmp_path):
    """The second waits for nothing and mixes nothing: it is refused, naming the first."""
    out = tmp_path / "out"
    with output_dir(out):
        line = audit(capsys, tmp_path, "--out", out)
    assert "正被另一次审计使用" in line and f"pid {os.getpid()}" in line
    with output_dir(out):  # released when the first audit ends
        pass


@pytest.mark.parametrize(
    "kind", ["text", "directory", "corrupt", "foreign", "foreign_pages", "newer", "no_dir"]
)
def test_db_that_is_not_a_usable_store_is_left_untouched(capsys, tmp_path, kind):
    db = tmp_path / "store.db"
    if kind == "text":
        write(db, "id,name\n1,x\n")
    elif kind == "directory":
        db.mkdir()
    elif kind == "corrupt":
        write(db, b"SQLite format 3\x00" + bytes(range(256)) * 32)
    elif kind == "newer":
        Store(db).close()
        conn = sqlite3.connect(db)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.close()
    elif kind in ("foreign", "foreign_pages"):
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE pages (x)" if kind == "foreign_pages" else "CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    else:
        db = tmp_path / "missing" / "store.db"
    before = db.read_bytes() if db.is_file() else None
    line = audit(capsys, tmp_path, "--db", db)
    expected = {
        "text": "不是可用的 govaudit 数据库",
        "directory": "是目录，不是数据库文件",
        "corrupt": "不是可用的 govaudit 数据库",
        "foreign": "不是 govaudit 数据库（是含有 t 等表的 SQLite 数据库）",
        "foreign_pages": "不是 govaudit 数据库（是含有 pages 等表的 SQLite 数据库）",
        "newer": "由更新版本的 govaudit 写入",
        "no_dir": "不存在",
    }[kind]
    assert expected in line
    if before is not None:
        assert db.read_bytes() == before
    if kind != "no_dir":
        for command in (["audits"], ["report", "--out", tmp_path / "r"]):
            assert expected in fails(capsys, *command, "--db", db)


def test_a_govaudit_store_with_a_missing_column_is_refused(capsys, tmp_path):
    db = tmp_path / "store.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE audits (id INTEGER PRIMARY KEY, site TEXT)")
    conn.close()
    assert "表 audits 没有" in audit(capsys, tmp_path, "--db", db)


def test_an_old_store_is_opened_and_versioned(tmp_path):
    db = tmp_path / "old.db"
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 0")  # a store made before versions
    conn.close()
    store = Store(db)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store.close()


# -- --config ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (
            b'[site]\nname = "\xb9\xfa\xbc\xd2"\n',
            "不是 UTF-8 编码（第 15 字节）；请把配置文件另存为 UTF-8",
        ),
        (b"[site\n", "不是有效的 TOML"),
        (
            b"[checks.typo_section]\nx = 1\n",
            "[checks.typo_section] 不是已有的检查（可选：broken_link, confirmation,",
        ),
        (b"[checks]\nwords = 3\n", "checks.words 应为表"),
        (
            '[checks.stale_column.thresholds]\n"动态" = "abc"\n'.encode(),
            "checks.stale_column.thresholds.动态 应为整数",
        ),
        (b"[checks.stale_column]\nthresholds = 5\n", "checks.stale_column.thresholds 应为"),
        (b"[checks.broken_link]\nbogus = 1\n", "checks.broken_link.bogus 不是可用的设置"),
        (b'[report]\ndeadline_days = "x"\n', "report.deadline_days 应为表"),
        (b"[report]\ndepartments = 3\n", "report.departments 应为由表组成的列表"),
        (b"[crawl]\ntimeout = inf\n", "crawl.timeout 应为正数"),
        (b"[crawl]\ndownload_delay = nan\n", "crawl.download_delay 应为正数"),
        (b'[crawl]\nexclude = ["["]\n', "crawl.exclude：'[' 不是有效的正则表达式"),
        (b"[crawl]\nmax_pages = 1.5\n", "crawl.max_pages 应为整数"),
        (b"[site]\nstart_urls = 42\n", "site.start_urls 应为字符串列表"),
        (b"[sites]\n", "[sites] 中没有站点"),
    ],
)
def test_bad_profile(capsys, tmp_path, profile, expected):
    path = write(tmp_path / "site.toml", profile)
    url = None if b"start_urls" in profile or b"[sites]" in profile else URL
    assert expected in audit(capsys, tmp_path, "--config", path, url=url)
    assert not (tmp_path / "out").exists()  # nothing made before the profile is valid


def test_config_is_a_directory_or_missing(capsys, tmp_path):
    assert "无法读取" in audit(capsys, tmp_path, "--config", tmp_path)
    assert "文件不存在" in audit(capsys, tmp_path, "--config", tmp_path / "nope.toml")


# -- START_URL, --as-of, --wordlist ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ftp://example.gov.cn/", "应为 http(s) 地址"),
        ("example.gov.cn", "应为 http(s) 地址"),
        ("http:///index.html", "应为 http(s) 地址"),
        ("http://exa mple.gov.cn/", "的主机名中有空格"),
        ("http://[::1:8080/", "不是有效的地址（Invalid IPv6 URL）"),
        ("http://127.0.0.1:99999/", "不是有效的地址（Port out of range"),
        ("http://127.0.0.1:abc/", "不是有效的地址"),
    ],
)
def test_bad_start_url(capsys, tmp_path, url, expected):
    assert expected in audit(capsys, tmp_path, url=url)


def test_good_but_unusual_start_urls_are_accepted():
    from govaudit.core.config import load_config

    for url, host in (
        ("http://[::1]:8080/", "::1"),
        ("http://测试.政府.cn/", "测试.政府.cn"),
        ("http://www.example.gov.cn/a b.html", "www.example.gov.cn"),
    ):
        assert load_config(None, start_url=url, as_of=date(2024, 3, 1)).allowed_hosts == (host,)


def test_bad_as_of(capsys, tmp_path):
    for value in ("2024-02-30", "yesterday", ""):
        line = fails(capsys, "audit", URL, "--out", tmp_path / "out", "--as-of", value)
        assert "参数 --as-of：应为日期 YYYY-MM-DD" in line


def test_bad_wordlist(capsys, tmp_path):
    assert "是目录，不是 TSV 文件" in audit(capsys, tmp_path, "--wordlist", tmp_path)
    binary = write(tmp_path / "bin.tsv", bytes(range(255, 0, -1)))
    assert "不是 UTF-8 编码" in audit(capsys, tmp_path, "--wordlist", binary)
    assert "不存在" in audit(capsys, tmp_path, "--wordlist", tmp_path / "no.tsv")


# -- report, audits, review import, summary ----------------------------------------------------


@pytest.fixture
def audited(tmp_path):
    store = new_store(tmp_path)
    findings = [word("杜家豪"), broken(f"{SITE}/a.pdf")]
    audit_id = make_audit(store, findings, as_of=date(2024, 3, 1))
    paths, _ = write_reports(store, audit_id, tmp_path / "lists", report_settings({}), judge)
    xlsx = next(p for p in paths if p.suffix == ".xlsx")
    store.close()
    return tmp_path / "audits.db", xlsx, [f.id for f in findings]


def fill(path: Path, header_changes: dict[str, str | None], status: str = "已整改") -> Path:
    """Mark every row of the list, then rename (or delete, None) header cells, as staff might."""
    wb = load_workbook(path)
    ws = wb["问题清单"]
    header = [c.value for c in ws[1]]
    status_col = header.index("整改状态") + 1
    for row in range(2, ws.max_row + 1):
        ws.cell(row, status_col).value = status
    for old, new in header_changes.items():
        col = header.index(old) + 1
        if new is None:
            ws.delete_cols(col)
            header.pop(col - 1)
        else:
            ws.cell(1, col).value = new
    out = path.with_name(f"filled-{len(header_changes)}-{status}.xlsx")
    wb.save(out)
    return out


def reviews(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def test_report_of_a_missing_audit(capsys, tmp_path, audited):
    db, _, _ = audited
    assert "--audit 999：" in fails(
        capsys, "report", "--db", db, "--audit", 999, "--out", tmp_path / "r"
    )
    file = write(tmp_path / "r.txt", "x")
    assert "是文件" in fails(capsys, "report", "--db", db, "--out", file)
    assert "文件不存在" in fails(capsys, "report", "--db", tmp_path / "no.db", "--out", file)
    assert "应为正整数" in fails(
        capsys, "report", "--db", db, "--audit", "-1", "--out", tmp_path / "r"
    )


def test_review_import_of_a_list_with_a_renamed_or_deleted_column(capsys, audited):
    db, xlsx, _ = audited
    for changes, missing in (
        ({"整改状态": "状态"}, "缺少「整改状态」列"),
        ({"问题编号": None}, "缺少「问题编号」列"),
    ):
        filled = fill(xlsx, changes)
        assert missing in fails(capsys, "review", "import", filled, "--db", db)
    assert reviews(db) == 0


def test_review_import_into_another_store(capsys, tmp_path, audited):
    _, xlsx, _ = audited
    filled = fill(xlsx, {})
    empty = tmp_path / "empty.db"
    Store(empty).close()
    assert "审计编号 1 不在" in fails(capsys, "review", "import", filled, "--db", empty)
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = new_store(other_dir)  # audit 1 of another site: the list's ids are not its findings
    make_audit(other, [broken(f"{SITE}/z.pdf")], site="另一局")
    other.close()
    line = fails(capsys, "review", "import", filled, "--db", other_dir / "audits.db")
    assert "这是「示例局」的整改清单" in line and "却是「另一局」的" in line
    assert reviews(other_dir / "audits.db") == 0


def test_review_import_of_a_bad_status_then_a_good_one(capsys, audited):
    db, xlsx, ids = audited
    bad = fill(xlsx, {}, status="搞定了")
    assert main(["review", "import", str(bad), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    headline, *problems = err.strip().splitlines()  # one line, then one line per bad row
    assert headline.startswith("govaudit: ") and f"{len(ids)} 处无法读取" in headline
    assert len(problems) == len(ids) and "Traceback" not in err
    assert all("整改状态「搞定了」不是已整改/误报/暂不整改之一" in p for p in problems)
    assert reviews(db) == 0
    assert main(["review", "import", str(fill(xlsx, {})), "--db", str(db)]) == 0
    assert reviews(db) == len(ids)


def test_review_import_of_files_that_are_not_lists(capsys, tmp_path, audited):
    db, _, _ = audited
    text = write(tmp_path / "list.xlsx", "not a workbook")
    assert "不是 xlsx 工作簿" in fails(capsys, "review", "import", text, "--db", db)
    assert "不是 xlsx 工作簿" in fails(capsys, "review", "import", tmp_path, "--db", db)
    assert "文件不存在" in fails(capsys, "review", "import", tmp_path / "no.xlsx", "--db", db)
    assert "请指明操作" in fails(capsys, "review")


def test_audits_and_summary(capsys, tmp_path):
    assert "文件不存在" in fails(capsys, "audits", "--db", tmp_path / "no.db")
    assert "下没有 summary.json" in fails(capsys, "summary", "--results", tmp_path / "none")
    assert "缺少必需的参数：--db" in fails(capsys, "audits")


# -- the distributed commands without Redis ----------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_worker_and_enqueue_without_redis(capsys, tmp_path):
    pytest.importorskip("rq")
    from govaudit.distributed.jobs import EXIT_QUEUE_LOST

    queue = f"redis://127.0.0.1:{closed_port()}/0"
    line = fails(capsys, "worker", "--queue", queue, "--burst", status=EXIT_QUEUE_LOST)
    assert f"无法连接队列 {queue}" in line
    profile = write(
        tmp_path / "sites.toml",
        '[sites.a.site]\nstart_urls = ["http://127.0.0.1:9/"]\n',
    )
    line = fails(capsys, "enqueue", "--config", profile, "--queue", queue, status=EXIT_QUEUE_LOST)
    assert "无法连接队列" in line
    assert "--queue 应为 redis://" in fails(capsys, "worker", "--queue", "nonsense")
    single = write(tmp_path / "one.toml", '[site]\nstart_urls = ["http://127.0.0.1:9/"]\n')
    assert "需要多站点配置" in fails(capsys, "enqueue", "--config", single, "--queue", queue)
