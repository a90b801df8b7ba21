"""问题详情 texts: what staff need to fix a finding, for known and unknown checks."""

from govaudit.core.model import Finding
from govaudit.reports.labels import check_name, detail_text


def finding(check, **details):
    return Finding(f"{check}-1", check, "major", "http://127.0.0.1/", "t", details)


def test_broken_link_says_why():
    soft = finding(
        "broken_link",
        target_url="http://127.0.0.1/a",
        status=200,
        error=None,
        error_kind="soft_404",
        source_pages=["x"],
        final_url="http://127.0.0.1/b",
    )
    text = detail_text(soft)
    assert "访问结果：HTTP 200，错误页面（软 404）" in text and "跳转至：http://127.0.0.1/b" in text
    dns = finding(
        "broken_link",
        target_url="http://x.invalid/",
        status=None,
        error="dns",
        source_pages=["a", "b", "c"],
    )
    assert "访问结果：域名无法解析" in detail_text(dns) and "引用页面：3 个" in detail_text(dns)


def test_overdue_and_dates():
    overdue = finding(
        "overdue_publication",
        issued="2023-08-01",
        published="2023-09-15",
        deadline="2023-08-29",
        rule="条例第二十六条",
        days_late=17,
        workdays_late=13,
        document_number="临人社函〔2023〕18号",
        approximate=True,
    )
    text = detail_text(overdue)
    assert "文号：临人社函〔2023〕18号" in text and "公开时限：2023-08-29（约）" in text
    assert "逾期 17 天（13 个工作日）" in text
    missing = finding("publication_date_missing", issued="2023-04-18", published=None)
    assert "发布日期：未注明" in detail_text(missing)
    assert check_name("publication_date_missing") == "缺少发布日期"


def test_an_interpretation_says_how_it_was_paired_and_a_warned_word_why_it_is_a_hint():
    reading = finding(
        "overdue_publication",
        issued="2024-03-01",
        published="2024-03-08",
        deadline="2024-03-06",
        rule="政策解读应与政策文件同步发布（国办发〔2016〕80号）",
        paired_by="文号",
        paired_on="某人社发〔2024〕3号",
    )
    assert "配对方式：按文号（某人社发〔2024〕3号）" in detail_text(reading).splitlines()
    assert "配对方式" not in detail_text(finding("overdue_publication", issued="2024-03-01"))
    warned = finding(
        "sensitive_word",
        term="网络赌博",
        context="严厉打击网络赌博。",
        warning_context="所在句含“打击”",
    )
    lines = detail_text(warned).splitlines()
    assert "警示语境：所在句含“打击”，请人工确认页面是否可保留该用语" in lines
    assert "上下文：严厉打击网络赌博。" in lines
    assert "警示语境" not in detail_text(finding("sensitive_word", term="网络赌博"))


def test_unknown_check_shows_its_fields():
    text = detail_text(finding("new_check", item_url="http://127.0.0.1/x", extra=[1, 2], none=None))
    assert text.splitlines() == ["信息地址：http://127.0.0.1/x", "extra：1、2"]
    assert check_name("new_check") == "new_check"


def test_a_word_finding_names_its_built_in_source_and_not_a_users_note():
    builtin = detail_text(finding("wrong_word", term="澈底", suggestion="彻底", note="YXC1"))
    assert "依据：教育部、国家语言文字工作委员会《第一批异形词整理表》" in builtin
    own = detail_text(finding("wrong_word", term="按装", suggestion="安装", note="GOVAUDIT; x"))
    assert "依据：govaudit 内置词表" in own
    users = detail_text(finding("wrong_word", term="某词", suggestion="另词", note="本局规定"))
    assert "依据" not in users
