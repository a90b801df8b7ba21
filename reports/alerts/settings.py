"""The `[alerts]` section of the site profile, validated into a frozen `AlertSettings`.

    [alerts]
    wecom_webhook = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..."
    dingtalk_webhook = "https://oapi.dingtalk.com/robot/send?access_token=..."
    dingtalk_secret = "SEC..."              # the robot's 加签 secret
    report_url = "http://intranet/govaudit/portal/"   # where OUT is served (else its path)
    timeout = 10                            # seconds per send
    top = 5                                 # 严重 problems listed by name

    [alerts.email]
    host = "smtp.example.gov.cn"
    port = 465
    security = "ssl"                        # ssl, starttls or none (an intranet relay)
    username = "audit@example.gov.cn"
    password_env = "GOVAUDIT_SMTP_PASSWORD" # the password itself never sits in the file
    from = "audit@example.gov.cn"
    to = ["office@example.gov.cn"]

    [alerts.departments."宣传科"]           # a 责任科室 of [report] departments: its own share
    wecom_webhook = "..."
    email_to = ["xck@example.gov.cn"]

Every mistake raises `ConfigError` naming the key, before the crawl starts. The password is
read from its environment variable here, once, so a missing one stops the audit at load time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from govaudit.core.config import ConfigError
from govaudit.reports.settings import ReportSettings

SECURITY = ("ssl", "starttls", "none")
_CHANNEL_KEYS = {"wecom_webhook", "dingtalk_webhook", "dingtalk_secret"}
_KEYS = _CHANNEL_KEYS | {"report_url", "timeout", "top", "email", "departments"}
_EMAIL_KEYS = {"host", "port", "security", "username", "password_env", "from", "to"}
_DEPARTMENT_KEYS = _CHANNEL_KEYS | {"email_to"}


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    security: str  # one of SECURITY
    sender: str
    username: str = ""
    password: str = field(default="", repr=False)  # from the environment, never logged


@dataclass(frozen=True)
class Audience:
    """Who hears of an audit, and through which channels: the whole site (`department` None)
    or one 责任科室, which hears only of its own rows."""

    department: str | None
    wecom_webhook: str = ""
    dingtalk_webhook: str = ""
    dingtalk_secret: str = field(default="", repr=False)
    email_to: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.department or "全站"


@dataclass(frozen=True)
class AlertSettings:
    audiences: tuple[Audience, ...] = ()
    mail: MailServer | None = None
    report_url: str = ""
    timeout: float = 10.0
    top: int = 5

    @property
    def enabled(self) -> bool:
        return bool(self.audiences)


def alert_settings(
    raw: Mapping[str, Any] | None,
    report: ReportSettings,
    environ: Mapping[str, str] = os.environ,
) -> AlertSettings:
    """Validate the `[alerts]` table (departments against `report`'s 责任科室); raises
    ConfigError with one line naming the key."""
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise ConfigError("[alerts] 应为表")
    _only("alerts", raw, _KEYS)
    mail = _mail(raw["email"], environ) if "email" in raw else None
    site = _audience("alerts", None, raw, mail, "to")
    known = ({r.department for r in report.departments} | {report.default_department}) - {""}
    departments = raw.get("departments", {})
    if not isinstance(departments, Mapping):
        raise ConfigError('alerts.departments 应为表，如 [alerts.departments."宣传科"]')
    shares = []
    for name, table in departments.items():
        where = f"alerts.departments.{name}"
        if name not in known:
            listed = "、".join(sorted(known)) or "无（请先在 [report] departments 中映射责任科室）"
            raise ConfigError(f"{where}：不是 [report] 中映射的责任科室（已映射：{listed}）")
        if not isinstance(table, Mapping):
            raise ConfigError(f"[{where}] 应为表")
        _only(where, table, _DEPARTMENT_KEYS)
        shares.append(_audience(where, name, table, mail, "email_to"))
    audiences = tuple(a for a in (site, *shares) if _has_channel(a))
    timeout = raw.get("timeout", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 300:
        raise ConfigError("alerts.timeout 应为 0 到 300 之间的秒数")
    top = raw.get("top", 5)
    if isinstance(top, bool) or not isinstance(top, int) or not 0 <= top <= 50:
        raise ConfigError("alerts.top 应为 0 到 50 之间的整数")
    report_url = raw.get("report_url", "")
    if report_url and not _is_http(report_url):
        raise ConfigError("alerts.report_url 应为 http(s) 地址")
    return AlertSettings(audiences, mail, report_url, float(timeout), top)


def _audience(
    where: str,
    department: str | None,
    table: Mapping[str, Any],
    mail: MailServer | None,
    to_key: str,
) -> Audience:
    for key in ("wecom_webhook", "dingtalk_webhook"):
        if key in table and not _is_http(table[key]):
            raise ConfigError(f"{where}.{key} 应为 http(s) 地址")
    secret = table.get("dingtalk_secret", "")
    if not isinstance(secret, str):
        raise ConfigError(f"{where}.dingtalk_secret 应为字符串")
    if secret and not table.get("dingtalk_webhook"):
        raise ConfigError(f"{where}.dingtalk_secret 需要同时设置 dingtalk_webhook")
    if to_key == "to":  # the site's recipients are the [alerts.email] table's own `to`
        source, key_where = (table.get("email") or {}), f"{where}.email.to"
    else:
        source, key_where = table, f"{where}.email_to"
    recipients = _addresses(key_where, source.get(to_key, []))
    if recipients and mail is None:
        raise ConfigError(f"{key_where} 需要 [alerts.email] 中的邮件服务器设置")
    return Audience(
        department,
        table.get("wecom_webhook", ""),
        table.get("dingtalk_webhook", ""),
        secret,
        recipients,
    )


def _mail(table: Any, environ: Mapping[str, str]) -> MailServer:
    if not isinstance(table, Mapping):
        raise ConfigError("[alerts.email] 应为表")
    if "password" in table:
        raise ConfigError(
            "alerts.email.password 不能写在配置文件中：请用 password_env 指定保存密码的环境变量名"
        )
    _only("alerts.email", table, _EMAIL_KEYS)
    for key in ("host", "from"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise ConfigError(f"alerts.email.{key} 缺失或不是字符串")
    security = table.get("security", "ssl" if table.get("port") == 465 else "starttls")
    if security not in SECURITY:
        raise ConfigError(f"alerts.email.security 应为 {'、'.join(SECURITY)} 之一")
    port = table.get("port", 465 if security == "ssl" else 587 if security == "starttls" else 25)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ConfigError("alerts.email.port 应为 1 到 65535 之间的整数")
    username = table.get("username", "")
    variable = table.get("password_env", "")
    if not isinstance(username, str) or not isinstance(variable, str):
        raise ConfigError("alerts.email.username 和 password_env 应为字符串")
    if username and not variable:
        raise ConfigError("alerts.email.password_env 缺失：请指定保存邮箱密码的环境变量名")
    if username and security == "none":
        raise ConfigError(
            "alerts.email.username：未加密的连接（security = none）上不发送邮箱密码，"
            "请设 security = starttls 或 ssl"
        )
    if variable and variable not in environ:
        raise ConfigError(f"alerts.email.password_env：环境变量 {variable} 未设置")
    _addresses("alerts.email.from", [table["from"]])
    return MailServer(
        table["host"].strip(),
        port,
        security,
        table["from"].strip(),
        username,
        environ.get(variable, "") if variable else "",
    )


def _addresses(where: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} 应为邮箱地址列表")
    for address in value:
        # One address a string: a comma or a line break would smuggle more recipients or headers.
        if address.count("@") != 1 or any(c in address for c in ",;<>\r\n \t"):
            raise ConfigError(f"{where}：{address!r} 不是邮箱地址")
    return tuple(value)


def _has_channel(audience: Audience) -> bool:
    return bool(audience.wecom_webhook or audience.dingtalk_webhook or audience.email_to)


def _is_http(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _only(where: str, table: Mapping[str, Any], known: set[str]) -> None:
    for key in table:
        if key not in known:
            raise ConfigError(f"{where}.{key} 不是可用的设置（可用：{', '.join(sorted(known))}）")
