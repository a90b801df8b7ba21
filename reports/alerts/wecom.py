"""The 企业微信 group robot: one markdown message a send (`[alerts] wecom_webhook`).

The robot takes `{"msgtype": "markdown", "markdown": {"content": ...}}`, at most 4096 bytes of
UTF-8 content, and answers HTTP 200 with `{"errcode": 0}` on success (a non-zero errcode, e.g.
93000 for a bad key, on failure).
"""

from __future__ import annotations

import requests

from govaudit.reports.alerts.delivery import SendFailed, robot_answer

CONTENT_LIMIT = 4096  # bytes of UTF-8, the robot's documented limit for markdown content


def send_wecom(webhook: str, content: str, timeout: float) -> None:
    payload = {"msgtype": "markdown", "markdown": {"content": content}}
    if len(content.encode("utf-8")) > CONTENT_LIMIT:
        raise SendFailed(f"消息超过 {CONTENT_LIMIT} 字节")
    robot_answer(requests.post(webhook, json=payload, timeout=timeout))
