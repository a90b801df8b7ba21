"""Alerts after an audit, sent to real receivers on 127.0.0.1: the 企业微信 and 钉钉 robots'
JSON and signature, the mail aiosmtpd receives, each department's share, the byte limit, what a
hostile page title can do to the markdown (nothing), and failed sends (one line, nothing more)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date

import pytest
from alert_receivers import MailReceiver, RobotReceiver, TlsMailReceiver, free_port
from reports_store import RAW_ID, SITE, broken, make_audit, new_store, stale, word

from govaudit.checks.judge import judge
from govaudit.core.config import ConfigError
from govaudit.reports import build_listing, report_settings
from govaudit.reports.alerts import alert_settings, send_alerts
from govaudit.reports.alerts.message import alert_summary, link_target, plain, robot_markdown

REPORT = {
    "bureau": "示例市政务公开办公室",
    "default_department": "办公室",
    "departments": [{"column": "工作动态", "department": "宣传科"}],
}
HOSTILE = (
    '[点我](http://evil.example/) <font color="warning">**假**</font>\n# 标题 ![x](http://e/x.png)'
)


def listing(tmp_path, findings, previous=None, report=REPORT):
    store = new_store(tmp_path)
    if previous is not None:
        make_audit(store, previous, as_of=date(2024, 2, 1), report=report)
    audit = make_audit(store, findings, report=report)
    data = build_listing(store, audit, report_settings(report), judge)
    store.close()
    return data


def findings():
    return [
        broken(f"{SITE}/gone.pdf", "critical", title=f"链接不可用：{HOSTILE}"),
        stale("工作动态", 30),
        word("杜家豪", context=f"联系电话 {RAW_ID} 13812345678"),
    ]


def settings(raw, report=REPORT, environ=None):
    return alert_settings(raw, report_settings(report), environ or {})


def tls_mail(port: int, security: str) -> dict:
    """[alerts] for the TLS receiver: its login, the password from $PW."""
    email = {"host": "127.0.0.1", "port": port, "security": security, "username": "audit@b.cn"}
    email |= {"password_env": "PW", "from": "audit@b.cn", "to": ["office@d.cn"]}
    return {"timeout": 5, "email": email}


def test_wecom_robot_receives_one_markdown_message_with_the_outcome(tmp_path):
    data = listing(tmp_path, findings(), previous=[broken(f"{SITE}/fixed.html")])
    with RobotReceiver() as robot:
        outcome = send_alerts(
            data, settings({"wecom_webhook": robot.webhook()}), tmp_path / "report.html"
        )
    assert outcome.failed == [] and len(outcome.sent) == 1
    (request,) = robot.requests
    assert request["query"] == {"key": "T0KEN"}
    assert request["content_type"].startswith("application/json")
    assert set(request["json"]) == {"msgtype", "markdown"}
    assert request["json"]["msgtype"] == "markdown"
    content = request["json"]["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    assert "示例局" in content and "总体结论：否决" in content
    assert "新发现 3，持续存在 0，重新出现 0；已整改 1" in content
    assert "严重问题 2 条" in content
    assert f"报告位置：`{tmp_path / 'report.html'}`" in content


def test_crawled_text_cannot_make_links_tags_or_headings(tmp_path):
    data = listing(tmp_path, findings())
    content = robot_markdown(alert_summary(data, None, "/r/report.html"), 4096)
    assert "](http://evil" not in content and "<font" not in content and "![" not in content
    assert "**假**" not in content
    # Every heading is ours; the title's "# 标题" stayed inside its line.
    assert [line for line in content.splitlines() if line.startswith("#")] == [
        "### 网站监测：示例局 2024-03-01"
    ]
    assert "［点我］（http://evil.example/）" in content  # still readable as text
    assert RAW_ID not in content and "13812345678" not in content
    assert link_target("http://x/a) [b](http://evil") == "http://x/a%29%20%5Bb%5D%28http://evil"
    assert link_target("javascript:alert(1)") == ""
    assert plain("a\n# b\r\n> c") == "a ＃ b ＞ c"


def test_dingtalk_request_is_signed_as_dingtalk_documents(tmp_path):
    data = listing(tmp_path, findings())
    secret = "SEC0123456789abcdef"
    raw = {"dingtalk_webhook": "", "dingtalk_secret": secret}
    with RobotReceiver() as robot:
        raw["dingtalk_webhook"] = robot.webhook("/robot/send", "access_token=ABC")
        outcome = send_alerts(data, settings(raw), tmp_path / "report.html")
    assert outcome.failed == []
    (request,) = robot.requests
    query = request["query"]
    assert query["access_token"] == "ABC"
    timestamp = int(query["timestamp"])
    assert abs(timestamp - request["received_ms"]) < 60_000  # DingTalk refuses > 1 hour
    expected = hmac.new(
        secret.encode(), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256
    ).digest()
    assert base64.b64decode(query["sign"]) == expected  # parse_qs undid the URL encoding
    body = request["json"]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "网站监测：示例局 2024-03-01"
    assert "总体结论：否决" in body["markdown"]["text"]


def test_mail_reaches_the_smtp_server_with_subject_and_body(tmp_path):
    data = listing(tmp_path, findings())
    with MailReceiver() as smtp:
        raw = {
            "report_url": "http://intranet.example/govaudit/portal/",
            "email": {
                "host": "127.0.0.1",
                "port": smtp.port,
                "security": "none",
                "from": "audit@example.gov.cn",
                "to": ["office@example.gov.cn", "lead@example.gov.cn"],
            },
        }
        outcome = send_alerts(data, settings(raw), tmp_path / "report.html")
    assert outcome.failed == [] and outcome.sent == ["邮件 127.0.0.1（全站）"]
    (sender, recipients, message) = smtp.messages[0]
    assert sender == "audit@example.gov.cn"
    assert recipients == ["office@example.gov.cn", "lead@example.gov.cn"]
    assert message["Subject"] == "【网站监测】网站监测：示例局 2024-03-01 总体结论：否决"
    text = message.get_content()
    assert "严重问题 2 条" in text and "http://127.0.0.1:8000/zwgk/a.html" in text
    assert "报告：http://intranet.example/govaudit/portal/report.html" in text
    assert RAW_ID not in text and "13812345678" not in text


def test_each_department_hears_of_its_own_rows_only(tmp_path):
    data = listing(tmp_path, findings())
    with RobotReceiver() as office, RobotReceiver() as press, MailReceiver() as smtp:
        raw = {
            "wecom_webhook": office.webhook(),
            "email": {"host": "127.0.0.1", "port": smtp.port, "security": "none", "from": "a@b.cn"},
            "departments": {
                "宣传科": {"wecom_webhook": press.webhook(), "email_to": ["xck@example.gov.cn"]}
            },
        }
        outcome = send_alerts(data, settings(raw), tmp_path / "report.html")
    assert outcome.failed == [] and len(outcome.sent) == 3
    whole = office.requests[0]["json"]["markdown"]["content"]
    share = press.requests[0]["json"]["markdown"]["content"]
    assert "待整改问题 3 条" in whole and "链接不可用" in whole
    assert "（宣传科）" in share and "待整改问题 2 条" in share
    assert "链接不可用" not in share and "gone.pdf" not in share  # the 办公室's row
    (_, recipients, message) = smtp.messages[0]
    assert recipients == ["xck@example.gov.cn"] and "（宣传科）" in message["Subject"]


def test_a_long_list_stays_inside_the_robots_limit_and_says_what_is_left_out(tmp_path):
    many = [broken(f"{SITE}/{i}/{'很长的文件名' * 20}.pdf", "critical") for i in range(200)]
    data = listing(tmp_path, many)
    content = robot_markdown(alert_summary(data, None, "/r/report.html", top=50), 4096)
    assert len(content.encode("utf-8")) <= 4096
    assert "严重问题 200 条" in content and "……另有" in content and "见报告" in content
    assert content.rstrip().endswith("报告位置：`/r/report.html`")


def test_a_long_dingtalk_message_goes_as_utf8_inside_the_robots_body_limit(tmp_path):
    from govaudit.reports.alerts.dingtalk import BODY_LIMIT

    many = [broken(f"{SITE}/{i}/{'很长的文件名' * 20}.pdf", "critical") for i in range(200)]
    data = listing(tmp_path, many)
    with RobotReceiver() as robot:
        raw = {"dingtalk_webhook": robot.webhook("/robot/send", "access_token=ABC"), "top": 50}
        outcome = send_alerts(data, settings(raw), tmp_path / "report.html")
    assert outcome.failed == []
    (request,) = robot.requests
    assert BODY_LIMIT == 20000 and len(request["raw"]) <= BODY_LIMIT
    # Chinese as UTF-8, not \uXXXX escapes (six bytes a character against the limit)
    assert "严重问题 200 条".encode() in request["raw"] and b"\\u" not in request["raw"]
    assert "……另有" in request["json"]["markdown"]["text"]


def test_early_warnings_are_listed_apart_and_not_counted_as_problems(tmp_path):
    from dataclasses import replace

    from govaudit.core.verdicts import EarlyWarning

    due = EarlyWarning(
        id="column_due-x",
        kind="column_due",
        title="栏目“工作动态”将于 3 天后超期未更新",
        page_url=f"{SITE}/gzdt/",
        column="工作动态",
        days_left=3,
    )
    data = listing(tmp_path, findings())
    data = replace(data, warnings=[*data.warnings, due])
    summary = alert_summary(data, None, "/r/report.html")
    assert summary.total_open == 3
    assert any("将于 3 天后超期未更新" in w for w in summary.warnings)
    content = robot_markdown(summary, 4096)
    assert f"**预警 {len(data.warnings)} 项**" in content
    share = alert_summary(data, "宣传科", "/r/report.html")
    assert share.total_open == 2 and len(share.warnings) == 1


@pytest.mark.parametrize("kind", ["500", "errcode", "closed", "timeout"])
def test_a_failed_send_is_one_line_and_the_others_still_go(tmp_path, kind):
    data = listing(tmp_path, findings())
    said = []
    status, errcode, delay = {"500": (500, 0, 0), "errcode": (200, 93000, 0)}.get(kind, (200, 0, 0))
    if kind == "timeout":
        delay = 1.5
    with RobotReceiver(status, errcode, delay) as bad, RobotReceiver() as good:
        hook = f"http://127.0.0.1:{free_port()}/send?key=SECRET" if kind == "closed" else None
        raw = {
            "wecom_webhook": hook or bad.webhook(token="key=SECRET"),
            "dingtalk_webhook": good.webhook("/robot/send", "access_token=x"),
            "timeout": 0.5,
        }
        outcome = send_alerts(data, settings(raw), tmp_path / "report.html", said.append)
        assert len(good.requests) == 1
    assert len(outcome.failed) == 1 and outcome.sent == [f"钉钉 {good.url[7:]}（全站）"]
    line = outcome.failed[0]
    assert line in said and "\n" not in line and line.startswith("告警未发送：企业微信")
    assert "SECRET" not in line  # the webhook's key is a credential
    assert {
        "500": "HTTP 500",
        "errcode": "错误码 93000",
        "closed": "无法连接",
        "timeout": "连接超时",
    }[kind] in line


@pytest.mark.parametrize(
    ("raw", "environ", "message"),
    [
        ({"wecom_webhook": "ftp://x"}, {}, "alerts.wecom_webhook 应为 http(s) 地址"),
        ({"dingtalk_secret": "SEC"}, {}, "需要同时设置 dingtalk_webhook"),
        ({"webhook": "http://x"}, {}, "alerts.webhook 不是可用的设置"),
        ({"email": {"host": "h", "from": "a@b.cn", "password": "p"}}, {}, "不能写在配置文件中"),
        (
            {"email": {"host": "h", "from": "a@b.cn", "username": "u", "password_env": "PW"}},
            {},
            "环境变量 PW 未设置",
        ),
        (
            {"email": {"host": "h", "from": "a@b.cn", "security": "none", "username": "u"}},
            {"PW": "x"},
            "password_env 缺失",
        ),
        ({"email": {"host": "h", "from": "a@b.cn", "to": ["a@b.cn, c@d.cn"]}}, {}, "不是邮箱地址"),
        ({"departments": {"财务科": {"wecom_webhook": "http://x"}}}, {}, "不是 [report] 中映射"),
        ({"departments": {"宣传科": {"email_to": ["x@y.cn"]}}}, {}, "需要 [alerts.email]"),
        ({"timeout": 0}, {}, "alerts.timeout"),
    ],
)
def test_bad_alert_settings_are_one_config_error_naming_the_key(raw, environ, message):
    with pytest.raises(ConfigError) as error:
        settings(raw, environ=environ)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_the_password_comes_from_the_environment_and_never_shows(tmp_path):
    raw = {
        "email": {
            "host": "smtp.example.gov.cn",
            "from": "a@b.cn",
            "username": "a@b.cn",
            "password_env": "GOVAUDIT_SMTP_PASSWORD",
            "to": "office@b.cn",
        }
    }
    loaded = settings(raw, environ={"GOVAUDIT_SMTP_PASSWORD": "s3cret"})
    assert loaded.mail.password == "s3cret" and loaded.mail.security == "starttls"
    assert loaded.mail.port == 587 and "s3cret" not in repr(loaded)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_mail_logs_in_over_tls_and_arrives(tmp_path, monkeypatch, security):
    """A real TLS session: the sender verifies the server's certificate (its CA trusted through
    SSL_CERT_FILE, as an office trusts its intranet CA), logs in, and the message arrives."""
    data = listing(tmp_path, findings())
    with TlsMailReceiver(security, tmp_path, "audit@b.cn", "s3cret") as smtp:
        monkeypatch.setenv("SSL_CERT_FILE", smtp.ca_file)
        raw = {
            "timeout": 5,
            "email": {
                "host": "127.0.0.1",
                "port": smtp.port,
                "security": security,
                "username": "audit@b.cn",
                "password_env": "GOVAUDIT_SMTP_PASSWORD",
                "from": "audit@b.cn",
                "to": ["office@d.cn"],
            },
        }
        loaded = settings(raw, environ={"GOVAUDIT_SMTP_PASSWORD": "s3cret"})
        outcome = send_alerts(data, loaded, tmp_path / "report.html")
    assert outcome.failed == [] and outcome.sent == ["邮件 127.0.0.1（全站）"]
    assert len(smtp.logins) == 1 and smtp.logins[0].endswith(":audit@b.cn")
    ((sender, recipients, message),) = smtp.messages
    assert (sender, recipients) == ("audit@b.cn", ["office@d.cn"])
    assert "总体结论：否决" in message["Subject"] and "严重问题 2 条" in message.get_content()


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_mail_to_a_server_whose_certificate_is_not_trusted_is_refused(tmp_path, security):
    data = listing(tmp_path, findings())
    with TlsMailReceiver(security, tmp_path, "audit@b.cn", "s3cret") as smtp:
        raw = tls_mail(smtp.port, security)
        outcome = send_alerts(data, settings(raw, environ={"PW": "s3cret"}), tmp_path / "r.html")
    assert smtp.logins == [] and smtp.messages == []  # no password sent to an unknown server
    assert len(outcome.failed) == 1 and "TLS 握手失败" in outcome.failed[0]


@pytest.mark.parametrize(
    ("password", "offer_auth", "reason"),
    [("wrong", True, "邮箱用户名或密码错误"), ("s3cret", False, "邮件服务器不接受登录")],
)
def test_a_refused_login_over_tls_is_one_line(tmp_path, monkeypatch, password, offer_auth, reason):
    data = listing(tmp_path, findings())
    security = "starttls" if offer_auth else "ssl"
    with TlsMailReceiver(security, tmp_path, "audit@b.cn", "s3cret", offer_auth) as smtp:
        monkeypatch.setenv("SSL_CERT_FILE", smtp.ca_file)
        raw = tls_mail(smtp.port, security)
        outcome = send_alerts(data, settings(raw, environ={"PW": password}), tmp_path / "r.html")
    assert smtp.messages == []
    assert len(outcome.failed) == 1 and reason in outcome.failed[0]


@pytest.mark.parametrize(
    ("security", "reason"),
    [("starttls", "不支持 STARTTLS"), ("ssl", "TLS 握手失败")],
)
def test_mail_security_the_server_does_not_speak_is_one_line(tmp_path, security, reason):
    data = listing(tmp_path, findings())
    with MailReceiver() as smtp:  # plain SMTP, no STARTTLS offered
        raw = {
            "timeout": 2,
            "email": {
                "host": "127.0.0.1",
                "port": smtp.port,
                "security": security,
                "from": "a@b.cn",
                "to": ["c@d.cn"],
            },
        }
        outcome = send_alerts(data, settings(raw), tmp_path / "report.html")
        assert smtp.messages == []  # nothing went out in clear text
    assert len(outcome.failed) == 1 and reason in outcome.failed[0]


def test_a_multi_site_profile_shares_alerts_and_places_a_mistake(tmp_path):
    from govaudit.core.config import load_sites
    from govaudit.multisite import validate_sites

    profile = tmp_path / "sites.toml"
    profile.write_text(
        '[defaults.alerts]\nwecom_webhook = "http://127.0.0.1:9/hook"\n'
        '[sites.portal.site]\nstart_urls = ["http://127.0.0.1:9/"]\n'
        '[sites.rsj.site]\nstart_urls = ["http://127.0.0.1:9/rsj/"]\n'
        '[sites.rsj.alerts]\ndingtalk_webhook = "oapi.dingtalk.com/robot/send"\n',
        encoding="utf-8",
    )
    sites = load_sites(profile)
    portal = alert_settings(sites["portal"].config().alerts, report_settings({}))
    assert portal.audiences[0].wecom_webhook == "http://127.0.0.1:9/hook"
    with pytest.raises(ConfigError) as error:
        validate_sites(sites)
    assert str(error.value) == "sites.rsj.alerts.dingtalk_webhook 应为 http(s) 地址"


def test_outside_lists_stay_counted_inside_the_limit_and_the_most_overdue_row_comes_first(
    tmp_path,
):
    from dataclasses import replace

    from govaudit.core.outside_records import OutsideRow, OutsideStatus

    def row(i: int, deadline: str, source: str = "市公开办") -> OutsideStatus:
        place = f"问题清单 第 {i + 2} 行"
        url = f"{SITE}/{i}/{'很长的文件名' * 10}.html"
        written = OutsideRow(i, source, "2024-02-20", f"{source}.xlsx", place, url, "死链", "打不开" * 30, "", deadline)  # fmt: skip
        return OutsideStatus(written, "仍存在")

    many = [broken(f"{SITE}/{i}/{'很长的文件名' * 20}.pdf", "critical") for i in range(50)]
    data = listing(tmp_path, many)
    # 2024-03-01: 150 rows overdue by 1 to 150 days (the oldest last), one due later, a vendor's.
    rows = [row(i, f"{date.fromordinal(date(2024, 2, 29).toordinal() - i)}") for i in range(150)]
    rows += [row(150, "2024-04-30"), row(151, "2024-03-02", "服务商")]
    data = replace(data, outside=rows)
    with RobotReceiver() as robot:
        raw = {"wecom_webhook": robot.webhook(), "top": 50}
        outcome = send_alerts(data, settings(raw), tmp_path / "report.html")
    assert outcome.failed == []
    content = robot.requests[0]["json"]["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    # Each list's counts stay whatever is left out; every section keeps its first lines.
    assert "市公开办《市公开办.xlsx》 151 条：仍存在 151" in content
    assert "服务商《服务商.xlsx》 1 条：仍存在 1" in content
    assert "整改时限已过或将到（150 条）：" in content and "……另有" in content
    assert "整改时限已过或将到（1 条）：" in content  # the vendor's, due tomorrow
    first = content.split("整改时限已过或将到（150 条）：\n\n")[1].split("\n\n")[0]
    assert first.startswith("1. 死链：") and "已超期 150 天，整改时限 2023-10-03" in first
    assert "2024-04-30" not in content and content.rstrip().endswith("report.html`")
