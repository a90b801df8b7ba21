"""Alerts after every audit: one message per channel and audience (reports/alerts/settings.py).

    settings = alert_settings(config.alerts, report_settings(config.report))   # at load time
    outcome = send_alerts(listing, settings, out_dir / "report.html", say)

The whole site's channels hear of every row; each 责任科室 of `[alerts.departments]` hears of
its own rows only, and only when it has something to hear (a problem, a fix, a 预警). A channel
per module (wecom, dingtalk, mail), the words in message.py. A failed send is one Chinese line
(said, and returned) and nothing more: the audit's outputs and exit status do not depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from govaudit.reports.alerts.message import (
    AlertSummary,
    alert_summary,
    headline,
    mail_subject,
    mail_text,
    robot_markdown,
)
from govaudit.reports.alerts.settings import AlertSettings, Audience, alert_settings
from govaudit.reports.listing import ReportData

__all__ = ["AlertOutcome", "AlertSettings", "alert_settings", "send_alerts"]


@dataclass(frozen=True)
class AlertOutcome:
    sent: list[str] = field(default_factory=list)  # "企业微信（全站）" ...
    failed: list[str] = field(default_factory=list)  # one line each, as said


def send_alerts(
    data: ReportData,
    settings: AlertSettings,
    report_path: Path,
    say: Callable[[str], None] = lambda line: None,
) -> AlertOutcome:
    """Send every audience its message; each failure is said in one line and kept."""
    import smtplib  # requests (~0.1 s) only when there is something to send

    import requests

    from govaudit.reports.alerts.delivery import SendFailed, failure_reason

    # What a send may raise that is the network's or the receiver's fault, never the audit's.
    send_errors = (SendFailed, requests.RequestException, smtplib.SMTPException, OSError)
    link = f"{settings.report_url.rstrip('/')}/report.html" if settings.report_url else ""
    outcome = AlertOutcome()
    for audience in settings.audiences:
        summary = alert_summary(data, audience.department, link or str(report_path), settings.top)
        if audience.department and not _has_news(summary):
            continue
        for channel, send in _channels(audience, summary, settings):
            name = f"{channel}（{audience.label}）"
            try:
                send()
            except send_errors as error:
                line = f"告警未发送：{name}：{failure_reason(error)}"
                outcome.failed.append(line)
                say(line)
            else:
                outcome.sent.append(name)
                say(f"告警已发送：{name}")
    return outcome


def _has_news(summary: AlertSummary) -> bool:
    return bool(
        summary.total_open or summary.counts["fixed"] or summary.warnings or summary.outside
    )


def _channels(
    audience: Audience, summary: AlertSummary, settings: AlertSettings
) -> Iterator[tuple[str, Callable[[], None]]]:
    """(channel name, a send with no arguments) for each channel the audience has."""
    from govaudit.reports.alerts import dingtalk, mail, wecom
    from govaudit.reports.alerts.delivery import host_of

    timeout = settings.timeout
    if audience.wecom_webhook:
        content = robot_markdown(summary, wecom.CONTENT_LIMIT)
        host = host_of(audience.wecom_webhook)
        yield (
            f"企业微信 {host}",
            lambda: wecom.send_wecom(audience.wecom_webhook, content, timeout),
        )
    if audience.dingtalk_webhook:
        text = robot_markdown(summary, dingtalk.TEXT_LIMIT)
        host = host_of(audience.dingtalk_webhook)
        yield (
            f"钉钉 {host}",
            lambda: dingtalk.send_dingtalk(
                audience.dingtalk_webhook,
                audience.dingtalk_secret,
                headline(summary),
                text,
                timeout,
            ),
        )
    if audience.email_to and settings.mail is not None:
        server = settings.mail
        yield (
            f"邮件 {server.host}",
            lambda: mail.send_mail(
                server, audience.email_to, mail_subject(summary), mail_text(summary), timeout
            ),
        )
