"""Words every room shares, defined once: the homepage's names, the breadcrumb words that name a
page type rather than a column, the Chinese numerals of written dates, and the fetch errors as
people read them (the reports, the broken-link findings and the completeness verdict say the same).
"""

HOMEPAGE = "首页"  # the homepage's column
HOME_NAMES = frozenset({"首页", "网站首页", "主页"})
# Breadcrumb tails that name the page type, not the column (… > 通知公告 > 正文).
PAGE_TYPE_CRUMBS = frozenset(
    {"正文", "列表", "内容", "详情", "正文内容", "详细内容", "文章", "当前位置", "阅读", "查看",
     "信息列表", "信件详情", "留言详情"}
)  # fmt: skip

# 二〇二四年: each numeral's digit (O and Ｏ: the letter typed for 〇).
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip

# Fetch error kinds (crawler/errors.py) → what the reports, findings and verdicts say.
ERROR_NAMES = {
    "dns": "域名无法解析",
    "refused": "连接被拒绝",
    "timeout": "访问超时",
    "tls": "证书/TLS 错误",
    "too_many_redirects": "重定向过多",
    "malformed": "链接地址格式错误",
    "cancelled": "文件超过大小上限",
    "connection": "连接中断",
    "other": "其他错误",
    "empty": "空文件",
    "soft_404": "错误页面（软 404）",
}
