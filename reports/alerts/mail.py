"""E-mail: one plain-text message to an audience's recipients through `[alerts.email]`.

`security` is "ssl" (SMTP over TLS, port 465), "starttls" (587: the session upgraded before
login) or "none" (an intranet relay, without login: a password never goes in clear text). The password comes
from the environment variable the profile names (reports/alerts/settings.py).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from govaudit.reports.alerts.delivery import SendFailed
from govaudit.reports.alerts.settings import MailServer


def mail_message(server: MailServer, to: tuple[str, ...], subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())  # one line: no header smuggled in
    message["From"] = server.sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=server.sender.partition("@")[2] or None)
    message.set_content(body, charset="utf-8")
    return message


def send_mail(
    server: MailServer, to: tuple[str, ...], subject: str, body: str, timeout: float
) -> None:
    message = mail_message(server, to, subject, body)
    context = ssl.create_default_context()
    if server.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            server.host, server.port, timeout=timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
    with smtp:
        if server.security == "starttls":
            smtp.starttls(context=context)
        if server.username:  # never over "none": refused at load (settings.py)
            smtp.login(server.username, server.password)
        refused = smtp.send_message(message)
    if refused:
        raise SendFailed(f"收件人被拒绝：{'、'.join(sorted(refused))}")
