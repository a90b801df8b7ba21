"""The 企业微信 group robot: one markdown message a send (`[alerts] wecom_webhook`).

The robot takes `{"msgtype": "markdown", "markdown": {"content": ...}}`, at most 4096 bytes of
UTF-8 content, and answers HTTP 200 with `{"errcode": 0}` on success (a non-zero errcode, e.g.
93000 for a bad key, on failure).
"""

from __future__ import annotations

import requests

from govaudit.reports.alerts.delivery import SendFailed, robot_answer

# Bytes of UTF-8 in markdown.content: 企业微信's 群机器人配置说明 ("markdown内容，最长不超过4096个
# 字节，必须是utf8编码", as quoted in cnblogs.com/tiandi/p/17768525.html and ymlluo/group-robot);
# over it the robot answers errcode 40058 "markdown.content exceed max length 4096"
# (dromara/domain-admin#82, RayWangQvQ/BiliBiliToolPro#702).
CONTENT_LIMIT = 4096


def send_wecom(webhook: str, content: str, timeout: float) -> None:
    payload = {"msgtype": "markdown", "markdown": {"content": content}}
    if len(content.encode("utf-8")) > CONTENT_LIMIT:
        raise SendFailed(f"消息超过 {CONTENT_LIMIT} 字节")
    robot_answer(requests.post(webhook, json=payload, timeout=timeout))
