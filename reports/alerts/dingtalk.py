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
import json
import time
from urllib.parse import quote_plus

import requests

from govaudit.reports.alerts.delivery import SendFailed, robot_answer

# The robot refuses a request body over 20,000 bytes: errcode 460101, "body 大小不合法;请保持大小
# 在 20000bytes 以内" (older wording: "message too long, exceed 20000 bytes"), the answer quoted in
# feiyu563/PrometheusAlert#318 and Le0nsec/SecCrawler#12; open.dingtalk.com's 自定义机器人 page
# states no figure. The limit is on the whole JSON body, so it is sent as UTF-8 (not \uXXXX
# escapes, six bytes a character) and measured as sent.
BODY_LIMIT = 20000
# The markdown itself is kept well inside that, so that a chat shows it without a "展开全文" wall.
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
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    if len(body) > BODY_LIMIT:
        raise SendFailed(f"消息超过 {BODY_LIMIT} 字节")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    robot_answer(requests.post(url, data=body, headers=headers, timeout=timeout))
