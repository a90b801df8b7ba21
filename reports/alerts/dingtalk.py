"""The 钉钉 group robot: one markdown message a send (`dingtalk_webhook`, `dingtalk_secret`).

With 加签 on, each request carries `timestamp` (milliseconds) and `sign`: the Base64 of
HMAC-SHA256 over "timestamp\\nsecret" keyed by the secret, URL-encoded; the robot refuses a
timestamp more than an hour off. The body is `{"msgtype": "markdown", "markdown": {"title",
"text"}}`; the answer is HTTP 200 with `{"errcode": 0}` on success (310000: bad signature).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

import requests

from govaudit.reports.alerts.delivery import robot_answer

# The robots accept ~20,000 bytes a message; markdown is kept well inside it so that a chat
# shows it without a "展开全文" wall.
TEXT_LIMIT = 8000


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The `sign` parameter as DingTalk documents it (not yet URL-encoded)."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), to_sign, digestmod=hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_url(webhook: str, secret: str, timestamp_ms: int) -> str:
    if not secret:
        return webhook
    joiner = "&" if "?" in webhook else "?"
    sign = quote_plus(dingtalk_sign(secret, timestamp_ms))
    return f"{webhook}{joiner}timestamp={timestamp_ms}&sign={sign}"


def send_dingtalk(webhook: str, secret: str, title: str, text: str, timeout: float) -> None:
    url = signed_url(webhook, secret, int(time.time() * 1000))
    payload = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    robot_answer(requests.post(url, json=payload, timeout=timeout))
