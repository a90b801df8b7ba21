"""The sample site's 政府信息公开 platform: its documents, 年度报告 and 办事服务."""

from __future__ import annotations

from datetime import date, timedelta

from govaudit.sample_site import markup as mk
from govaudit.sample_site.corpus import DOC_PREFIX
from govaudit.sample_site.service_columns import service_attachments
from govaudit.sample_site.site import (
    CLOSED_PORT_URL,
    HTML,
    XXGK,
    Column,
    Item,
    Resource,
    SiteBuilder,
)


def xxgk_platform(b: SiteBuilder) -> list[Item]:
    """The 政府信息公开 section, GBK-encoded as on many TRS sites (镕 and 喆 are not in GB2312)."""
    zn = Column("xxgk/xxgkzn", "政府信息公开指南", "span", parent=XXGK, gbk=True)
    guide = mk.article_body(
        "临江市人力资源和社会保障局政府信息公开指南",
        "更新时间：2023-12-20",
        [
            "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
            "一、主动公开。主动公开的政府信息自形成或者变更之日起20个工作日内予以公开。",
            "二、依申请公开。申请人可通过当面、邮寄、在线等方式提出申请。",
            "三、受理机构：局办公室。联系人：陈喆。办公时间：工作日上午8:30—12:00，下午14:30—17:30。",
            "联系电话：0571-87061234；传真：0571-87061235；人社服务热线：12333。",
        ],
    )
    b.page("/xxgk/xxgkzn/index.html", zn.name, b.crumbs(zn), guide, gbk="meta")
    b.trap(
        "privacy_leak",
        "fixed lines and 12333 in the 信息公开指南 (GBK, charset only in meta)",
        page="/xxgk/xxgkzn/index.html",
        kind="mobile",
    )

    zd = Column("xxgk/xxgkzd", "政府信息公开制度", "table", parent=XXGK, gbk=True)
    items = b.filler(zd, "plan", date(2023, 9, 12), 3, gap=(100, 300))
    d = date(2022, 3, 15)
    title = "临江市人力资源和社会保障局政府信息公开保密审查制度"
    paras = [
        "第一条　为规范政府信息公开保密审查工作，依据《中华人民共合国保守国家秘密法》和《中华人民共和国政府信息公开条例》，制定本制度。",
        "第二条　拟公开的政府信息，由承办科室负责初审，局办公室复审，分管领导李镕审定。",
        f'第三条　内部事项通过<a href="{CLOSED_PORT_URL}">网上办公系统</a>办理，不得对外公开。',
        *b.w.paragraphs(2022, 2),
    ]
    path = b.article(zd, title, d, paras, gbk="header")
    items.append(Item(title, path, d, d))
    b.plant(
        "wrong_word",
        "中华人民共合国 for 中华人民共和国 (GBK page)",
        page=path,
        term="中华人民共合国",
    )
    b.plant("broken_link", "a link to a closed port on 127.0.0.1", target=CLOSED_PORT_URL)
    d = date(2021, 11, 30)
    title = "临江市人力资源和社会保障局政府信息公开工作考核制度"
    paras = [
        "第一条　为推进政府信息公开工作，提高工作质量，结合本局实际，制定本制度。",
        "第二条　考核工作由局政务公开领导小组组织实施，办公室主任王镕负责日常工作。",
        *b.w.paragraphs(2021, 3),
    ]
    items.append(Item(title, b.article(zd, title, d, paras, gbk="none"), d, d))
    b.list_pages(zd, items)

    fd = Column(
        "xxgk/fdzdgknr",
        "法定主动公开内容",
        "table",
        pager="trs",
        per_page=10,
        parent=XXGK,
        gbk=True,
    )
    docs = []
    for n, d in enumerate(b.dates(b.ago(6), 14, gap=(6, 25))):
        issued = d - timedelta(days=b.rng.randint(1, 6))
        title = b.w.title("notice", issued.year)
        path = b.document(
            fd,
            title,
            issued,
            d,
            number=f"{DOC_PREFIX}函〔{issued.year}〕{n + 40}号",
            normative=False,
        )
        docs.append(Item(title, path, d, d))
    issued, pub = date(2023, 8, 1), date(2023, 9, 15)
    title = "关于公布2023年临江市技能人才紧缺职业（工种）目录的通知"
    path = b.document(fd, title, issued, pub, number=f"{DOC_PREFIX}函〔2023〕18号", normative=False)
    docs.append(Item(title, path, pub, pub))
    b.plant(
        "overdue_publication",
        "主动公开 published 31 working days after 成文 (art. 26: 20)",
        page=path,
    )
    issued, pub = date(2023, 9, 20), date(2023, 10, 24)
    title = "关于做好2023年度企业职工基本养老金调整发放工作的通知"
    path = b.document(fd, title, issued, pub, number=f"{DOC_PREFIX}函〔2023〕23号", normative=False)
    docs.append(Item(title, path, pub, pub))
    b.trap(
        "overdue_publication",
        "34 calendar days but exactly 20 working days across National Day",
        page=path,
    )
    d = date(2023, 5, 22)
    spam = '<div style="display:none"><a href="/xxgk/fdzdgknr/index.html">六合彩开奖结果 在线投注</a></div>'
    title = "关于开展2023年度劳动保障书面审查工作的通知"
    path = b.document(
        fd,
        title,
        d - timedelta(days=3),
        d,
        number=f"{DOC_PREFIX}函〔2023〕9号",
        normative=False,
        extra=spam,
    )
    docs.append(Item(title, path, d, d))
    b.plant("sensitive_word", "lottery spam hidden in a GBK page", page=path, term="六合彩")
    b.list_pages(fd, docs)

    _annual_reports(b)
    index = (
        '<nav class="xxgk-nav"><ul>'
        '<li><a href="/xxgk/xxgkzn/index.html">政府信息公开指南</a></li>'
        '<li><a href="/xxgk/xxgkzd/index.html">政府信息公开制度</a></li>'
        '<li><a href="/xxgk/fdzdgknr/index.html">法定主动公开内容</a></li>'
        '<li><a href="/xxgk/xxgknb/index.html">政府信息公开年报</a></li>'
        '<li><a href="/gfxwj/index.html">规范性文件</a></li></ul></nav>'
        '<div class="lanmu"><h2>最新公开</h2>'
        + mk.list_rows(
            [mk.Row(i.title, i.path, i.published.isoformat()) for i in docs[:6] if i.published],
            "span",
        )
        + "</div>"
    )
    b.page("/xxgk/index.html", "政府信息公开", list(XXGK), index, gbk="header")
    return docs


ANNUAL_SECTIONS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


def _annual_reports(b: SiteBuilder) -> None:
    """政府信息公开工作年度报告 (条例 art. 49: by 31 January; art. 50: six sections)."""
    col = Column("xxgk/xxgknb", "政府信息公开年报", "table", parent=XXGK, gbk=True)
    items = []
    last = b.as_of.year - 1
    for year in range(last - 4, last + 1):
        pub = date(year + 1, 1, b.rng.randint(12, 28))
        sections = list(ANNUAL_SECTIONS)
        if year == last:
            sections.remove("四、政府信息公开行政复议、行政诉讼情况")
        paras = [
            f"本报告根据《中华人民共和国政府信息公开条例》要求编制，报告中所列数据统计期限自{year}年1月1日起至{year}年12月31日止。"
        ]
        for heading in sections:
            paras.append(f"<b>{heading}</b>")
            paras += b.w.paragraphs(year, 1)
        title = f"临江市人力资源和社会保障局{year}年政府信息公开工作年度报告"
        path = b.article(col, title, pub, paras, gbk="header")
        items.append(Item(title, path, pub, pub))
        if year == last:
            b.plant(
                "annual_report_incomplete",
                "the previous year's annual report lacks 行政复议、行政诉讼情况 (art. 50)",
                page=path,
            )
        else:
            b.trap("annual_report_incomplete", f"{year} annual report: six sections", page=path)
    b.list_pages(col, items)


def service_pages(b: SiteBuilder) -> None:
    """办事服务: behind a 301 → 302 → 200 chain; links to a slow query page and a HEAD-refusing form."""
    b.put("/go/bsfw", b"", HTML, status=301, headers=(("Location", "/go/bsfw/"),))
    b.put("/go/bsfw/", b"", HTML, status=302, headers=(("Location", "/bsfw/index.html"),))
    b.trap("broken_link", "301 → 302 → 200: a redirect chain that works", target="/go/bsfw")
    slow = mk.article_body("社保参保信息查询", "", ["请输入身份证号码和姓名查询参保信息。"])
    b.page("/sbcx/query.html", "社保参保信息查询", [("社保查询", "/sbcx/query.html")], slow)
    b.site.resources["/sbcx/query.html"] = Resource(
        b.site.resources["/sbcx/query.html"].body, HTML, behaviour="slow"
    )
    b.plant("broken_link", "slow page: answers after the timeout", target="/sbcx/query.html")
    body = mk.article_body(
        "办事服务",
        "",
        [
            '<a href="/sbcx/query.html">社保参保信息查询</a>',
            '<a href="/gfxwj/202312/P020231208517736.doc">稳岗返还申请表下载</a>',
            *service_attachments(b),
            '<a href="tel:12333">拨打12333咨询</a>　<a href="#top">返回顶部</a>',
            "个人可登录临江人社网上办事大厅办理社保查询、就业登记、职业资格证书查询等业务。",
        ],
    )
    b.page("/bsfw/index.html", "办事服务", [("办事服务", "/bsfw/index.html")], body)
