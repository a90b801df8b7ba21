"""A send's outcome in words: what the robots answer, and why a send failed, in one line.

A webhook URL carries its token (`key=`, `access_token=`): a failure names the channel and the
host, never the URL.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from urllib.parse import urlsplit

import requests


class SendFailed(Exception):
    """A channel refused or could not take the message; the text is the reason, in Chinese."""


def robot_answer(response: requests.Response) -> None:
    """Raise SendFailed unless the robot said HTTP 200 and errcode 0."""
    if response.status_code != 200:
        raise SendFailed(f"服务器返回 HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        raise SendFailed("服务器的应答不是 JSON") from None
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if code != 0:
        message = str(answer.get("errmsg", "")) if isinstance(answer, dict) else ""
        raise SendFailed(f"机器人返回错误码 {code}" + (f"（{message[:80]}）" if message else ""))


def failure_reason(error: BaseException) -> str:
    """One Chinese line for a failed send."""
    if isinstance(error, SendFailed):
        return str(error)
    if isinstance(error, ssl.SSLError | requests.exceptions.SSLError):
        return "TLS 握手失败（请核对 security 和 port，或服务器证书）"
    if isinstance(error, requests.Timeout | socket.timeout | TimeoutError):
        return "连接超时"
    if isinstance(error, requests.ConnectionError | ConnectionRefusedError):
        return "无法连接"
    if isinstance(error, smtplib.SMTPNotSupportedError):
        # smtplib raises it for a missing STARTTLS and for a missing AUTH alike
        if "AUTH" in str(error):
            return "邮件服务器不接受登录（请核对 security 和 port，或去掉 username）"
        return "邮件服务器不支持 STARTTLS（请核对 security 和 port）"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "邮箱用户名或密码错误"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "收件人被拒绝：" + "、".join(sorted(error.recipients))
    if isinstance(error, smtplib.SMTPResponseException):
        return f"邮件服务器拒绝（{error.smtp_code}）"
    return f"发送失败（{type(error).__name__}）"


def host_of(url: str) -> str:
    try:
        return urlsplit(url).netloc.rpartition("@")[2] or "?"
    except ValueError:
        return "?"
