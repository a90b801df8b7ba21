"""The sample site's other columns: 人事信息, 规划计划, 财政预决算, 互动交流, 网上信访, 公示公告,
办事服务 attachments, and the empty columns.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from govaudit.sample_site.corpus import BUREAU_SHORT, DOC_PREFIX, UNITS
from govaudit.sample_site.documents import (
    corrupt_docx,
    docx_file,
    office_html,
    pdf_file,
    xlsx_file,
)
from govaudit.sample_site.numbers import (
    credit_code,
    id_number,
    id_with_wrong_check,
    luhn_complete,
    masked_id,
    mobile,
)
from govaudit.sample_site.site import HTML, Column, Item, SiteBuilder


def rsxx(b: SiteBuilder) -> None:
    col = Column("rsxx", "人事信息", "bracket")
    b.plant(
        "stale_column", "newest 人事信息 item is 400 days old (人事类: 365 days)", column=col.name
    )
    b.list_pages(col, b.filler(col, "personnel", b.ago(400), 9, gap=(20, 60)))


def ghjh(b: SiteBuilder) -> None:
    col = Column("ghjh", "规划计划", "span", date_format=lambda d: f"{d:%Y/%m/%d}")
    items = b.filler(col, "plan", b.ago(70), 6, gap=(40, 90))
    page_day, list_day = date(2023, 11, 2), date(2023, 11, 20)
    paras = b.w.paragraphs(2023, 3) + [
        "按照国土资源部和省有关部署，做好被征地农民参加基本养老保险工作，确保应保尽保。"
    ]
    title = "临江市2023年被征地农民社会保障工作计划"
    path = b.article(
        col, title, page_day, paras, info=f"发布时间：{page_day.isoformat()}　来源：{BUREAU_SHORT}"
    )
    items.append(Item(title, path, page_day, list_day))
    b.plant(
        "date_mismatch",
        "list shows 2023-11-20, the page says 2023-11-02",
        page=path,
        list_page="/ghjh/index.html",
    )
    b.plant(
        "wrong_word", "国土资源部 on a 2023 page (renamed 2018-03)", page=path, term="国土资源部"
    )
    b.list_pages(col, items)


def czyjs(b: SiteBuilder) -> None:
    col = Column("czyjs", "财政预决算", "span")
    items = []
    for n, d in enumerate(b.dates(b.ago(40), 7, gap=(30, 90))):
        title = b.w.title("budget", d.year)
        xls = f"/czyjs/{d:%Y%m}/P0{d:%Y%m%d}{b.new_id()}.xls"
        # Excel "saved as web page" and served as .xls: what many CMSs hold.
        sheet = office_html(
            title,
            [["项目", "预算数（万元）"], ["基本支出", f"{b.rng.randint(200, 900)}.5"]],
        )
        if n == 1:
            b.put(xls, sheet, "application/vnd.ms-excel", behaviour="rate_limited_once")
            b.trap("broken_link", "answers 429 once (Retry-After: 1), then 200", target=xls)
        else:
            b.put(xls, sheet, "application/vnd.ms-excel")
        extra = f'<p>附件：<a href="{xls}">{escape(title)}.xls</a></p>'
        items.append(Item(title, b.article(col, title, d, extra=extra), d, d))
    d = b.ago(75)
    title = f"{BUREAU_SHORT}{d.year - 1}年“三公”经费预算说明"
    path = f"/czyjs/content_{b.new_id()}.html"  # no date in the URL either
    items.append(Item(title, b.article(col, title, d, path=path), d, None))
    b.plant(
        "undated_item",
        "a row of a dated list without a date",
        page=items[-1].path,
        list_page="/czyjs/index.html",
    )
    b.list_pages(col, items)


def hdjl(b: SiteBuilder) -> list[Item]:
    """互动交流: letters with question and answer dates; a 500 search behind it."""
    col = Column("hdjl", "互动交流", "table", per_page=20)
    items = []
    for n, asked in enumerate(b.dates(b.ago(10), 12, gap=(3, 15))):
        answered = asked + timedelta(days=b.rng.randint(1, 6))
        title = b.w.title("question", asked.year)
        answer = b.w.answer()
        if n == 4:
            answer = (
                "您好！既使您已办理退休手续，仍可按规定申请补缴相关费用，具体请咨询参保地经办机构。"
            )
        info = (
            f"留言时间：{asked.isoformat()}　答复时间：{min(answered, b.as_of).isoformat()}"
            f"　答复单位：{b.rng.choice(UNITS)}"
        )
        paras = [
            f"留言内容：{title.removeprefix('关于')}，请问具体应该怎么办理？",
            "答复内容：" + answer,
        ]
        path = b.article(col, title, asked, paras, info=info)
        items.append(Item(title, path, asked, asked))
        if n == 4:
            b.plant("wrong_word", "既使 for 即使", page=path, term="既使")
    items += _message_delays(b, col)
    intro = (
        '<form action="/hdjl/cx.jsp" method="get"><a href="/hdjl/cx.jsp">留言查询</a></form>'
        '<p><a href="/wsxf/index.html">网上信访</a></p>'
    )
    b.put("/hdjl/cx.jsp", b"<h1>500 Internal Server Error</h1>", HTML, status=500)
    b.plant("broken_link", "留言查询 answers 500", target="/hdjl/cx.jsp")
    b.list_pages(col, items, intro=intro)
    _wsxf(b)
    return items


def _letter(
    b: SiteBuilder, col: Column, asked: date, answered: date | None, labels=("留言", "答复")
) -> Item:
    """One message page; unanswered ones show an empty reply and a 办理状态 of 未回复."""
    title = b.w.title("question", asked.year)
    ask_label, answer_label = labels
    if answered is None:
        info = f"{ask_label}时间：{asked.isoformat()}　办理状态：未回复"
        reply = f"{answer_label}内容：暂未{answer_label}"
    else:
        info = (
            f"{ask_label}时间：{asked.isoformat()}　{answer_label}时间：{answered.isoformat()}"
            f"　{answer_label}单位：{b.rng.choice(UNITS)}"
        )
        reply = f"{answer_label}内容：" + b.w.answer()
    paras = [f"{ask_label}内容：{title.removeprefix('关于')}，请问具体应该怎么办理？", reply]
    return Item(title, b.article(col, title, asked, paras, info=info), asked, asked)


def _message_delays(b: SiteBuilder, col: Column) -> list[Item]:
    """互动回应差 (国办秘函〔2019〕19号): a message of the year unanswered for over 3 months is a
    veto item; a reply after more than 90 days is late. Traps: a prompt reply, a recent
    unanswered message, and one asked before the year the indicator looks at."""
    items = [_letter(b, col, b.ago(120), None)]
    b.plant("unanswered_message", "unanswered for 120 days", page=items[-1].path)
    items.append(_letter(b, col, b.ago(150), b.ago(50), labels=("提问", "回复")))
    b.plant("late_reply", "answered 100 days after it was asked", page=items[-1].path)
    items.append(_letter(b, col, b.ago(200), b.ago(190)))
    b.trap("late_reply", "answered after 10 days", page=items[-1].path)
    items.append(_letter(b, col, b.ago(30), None))
    b.trap("unanswered_message", "unanswered, asked 30 days ago", page=items[-1].path)
    items.append(_letter(b, col, b.ago(400), None))
    b.trap(
        "unanswered_message",
        "unanswered, asked 400 days ago: before the year the indicator covers",
        page=items[-1].path,
    )
    return items


def _wsxf(b: SiteBuilder) -> None:
    """网上信访 under 互动交流: 信访 is not a 政务咨询类 column, whatever its delays."""
    col = Column("wsxf", "网上信访", "table", parent=(("互动交流", "/hdjl/index.html"),))
    item = _letter(b, col, b.ago(120), None, labels=("来信", "答复"))
    b.trap("unanswered_message", "a 信访 letter unanswered for 120 days", page=item.path)
    b.list_pages(col, [item])


def gsgg(b: SiteBuilder) -> list[Item]:
    """公示公告: where personal data leaks; a pinned 2021 item sits on top of recent ones."""
    col = Column("gsgg", "公示公告", "span", pager="trs", per_page=10)
    b.trap("stale_column", "an old pinned (置顶) item on top, recent items below", column=col.name)
    title = "关于公布社会保障卡服务网点的公告"
    d = date(2021, 6, 1)
    items = [Item(title, b.article(col, title, d), d, d, pinned=True)]
    items += b.filler(col, "personnel", b.ago(9), 11, gap=(5, 20))
    # Planted: names + valid ID numbers + mobiles, not de-identified.
    d = b.ago(3)
    rows = []
    for i in range(5):
        birth = date(1975 + i * 4, 1 + i * 2, 3 + i * 5)
        number = id_number(f"33100{i + 2}", birth, 101 + i * 22)
        rows.append(
            f"<tr><td>{i + 1}</td><td>{b.w.name()}</td><td>{number}</td><td>{mobile(b.rng)}</td>"
            f"<td>{b.rng.choice(('电工', '焊工', '育婴员', '养老护理员'))}</td></tr>"
        )
    table = (
        '<table border="1"><tr><th>序号</th><th>姓名</th><th>身份证号</th><th>联系电话</th>'
        "<th>培训工种</th></tr>" + "".join(rows) + "</table>"
    )
    title = f"{d.year}年第一批职业技能培训补贴拟发放人员名单公示"
    paras = ["根据职业技能培训补贴有关规定，现将拟发放补贴人员名单予以公示，公示期为5个工作日。"]
    path = b.article(col, title, d, paras, extra=table)
    items.append(Item(title, path, d, d))
    b.plant("privacy_leak", "公示 table with full ID numbers", page=path, kind="id_card")
    b.plant("privacy_leak", "公示 table with mobile numbers", page=path, kind="mobile")
    d = b.ago(6)
    card = luhn_complete("621700123456789012")
    paras = [
        "经审核，以下人员符合一次性创业补贴发放条件，现予公示。",
        f"申请人：{b.w.name()}，补贴金额：5000元，开户银行：临江农商银行，银行卡号：{card}。",
        "公示期间如有异议，请向市就业服务中心反映。",
    ]
    title = "一次性创业补贴发放对象公示"
    path = b.article(col, title, d, paras)
    items.append(Item(title, path, d, d))
    b.plant(
        "privacy_leak", "a full bank card number (62…, Luhn-valid)", page=path, kind="bank_card"
    )
    # Traps: de-identified list, near misses.
    d = b.ago(16)
    rows = "".join(
        f"<tr><td>{b.w.name()}</td><td>{masked_id(id_number('331003', date(1988, 5, 9 + i), 311 + i))}</td>"
        f"<td>{b.rng.choice(('138', '159'))}****{b.rng.randint(1000, 9999)}</td></tr>"
        for i in range(4)
    )
    bad = id_with_wrong_check("331002", date(1990, 3, 7), 123)
    uscc = credit_code("91331000MA2H8K7L3")
    paras = [
        "现将2024年度就业见习补贴拟发放人员名单（已去标识化处理）公示如下。",
        f"受理编号：{bad}。见习基地：临江市江滨机械有限公司（统一社会信用代码：{uscc}）。",
        f"依据《临江市就业见习管理办法》（{DOC_PREFIX}发〔2023〕28号）执行。咨询电话：12333、0571-87061234。",
        "原文链接：http://rsj.linjiang.example.cn/gsgg/202401/t20240105_13912345678.html",
    ]
    title = "2024年度就业见习补贴拟发放人员名单公示"
    leaky, masked = _gsgg_spreadsheets(b, d)
    links = (
        f'<p>附件：<a href="{leaky}">就业见习补贴人员名单.xlsx</a>　'
        f'<a href="{masked}">见习基地汇总表.xlsx</a></p>'
    )
    path = b.article(col, title, d, paras, extra=f'<table border="1">{rows}</table>{links}')
    items.append(Item(title, path, d, d))
    for kind, why in (
        (
            "id_card",
            "masked IDs, an 18-digit number with a wrong check digit, a 统一社会信用代码, a 文号",
        ),
        ("mobile", "masked mobiles, 12333, an office fixed line, 11 digits inside a URL"),
        ("bank_card", "no card number, only long digit runs that are not cards"),
    ):
        b.trap("privacy_leak", why, page=path, kind=kind)
    b.list_pages(col, items)
    return items


def _gsgg_spreadsheets(b: SiteBuilder, d: date) -> tuple[str, str]:
    """The 公示 page is de-identified, but its attached list is not: one row kept a full ID."""
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    header = ["序号", "姓名", "身份证号", "联系电话", "见习单位"]
    rows: list[list[object]] = [header]
    for i in range(6):
        number = id_number("331004", date(1996 + i % 4, 2 + i, 11 + i), 207 + i * 10)
        shown = number if i == 2 else masked_id(number)  # row 4 (C4) was never masked
        phone = f"{b.rng.choice(('137', '158'))}****{b.rng.randint(1000, 9999)}"
        rows.append([i + 1, b.w.name(), shown, phone, "临江市江滨机械有限公司"])
    leaky = f"/gsgg/{d:%Y%m}/P0{d:%Y%m%d}{b.new_id()}.xlsx"
    b.put(leaky, xlsx_file({"公示名单": rows}), xlsx)
    b.plant(
        "privacy_leak",
        "attached xlsx: one unmasked ID number (公示名单!C4) among masked ones",
        page=leaky,
        kind="id_card",
        location="公示名单!C4",
    )
    bad = id_with_wrong_check("331004", date(1992, 8, 1), 555)
    uscc = credit_code("91331000MA2J5N8P4")
    summary = [
        ["见习基地", "统一社会信用代码", "联系人身份证号", "联系电话"],
        [
            "临江市江滨机械有限公司",
            uscc,
            masked_id(id_number("331002", date(1980, 1, 9), 3)),
            "0571-87061234",
        ],
        ["临江市滨江养老服务中心", "—", bad, "139****5678"],
    ]
    masked = f"/gsgg/{d:%Y%m}/P0{d:%Y%m%d}{b.new_id()}.xlsx"
    b.put(masked, xlsx_file({"汇总表": summary}), xlsx)
    for kind in ("id_card", "mobile"):
        b.trap(
            "privacy_leak",
            "attached xlsx with masked IDs and mobiles, a 统一社会信用代码, a wrong check digit",
            page=masked,
            kind=kind,
        )
    return leaky, masked


def service_attachments(b: SiteBuilder) -> list[str]:
    """表格下载 on the 办事服务 page: a docx with a typo, a pdf with spam, two unreadable files."""
    guide = "/bsfw/files/P020240110338201.docx"
    paragraphs = [
        "就业困难人员认定办事指南",
        "一、办理依据：原劳动和社会保障部《就业服务与就业管理规定》。",
        "二、请各街道（乡镇）认真贯切落实，做好认定工作。",
    ]
    b.put(guide, docx_file(paragraphs), "application/octet-stream")
    b.plant("wrong_word", "typo in an attached docx (第3段)", page=guide, term="贯切落实")
    b.trap(
        "wrong_word",
        "原劳动和社会保障部 in a docx: a historical name",
        page=guide,
        term="劳动和社会保障部",
    )
    leaflet = "/bsfw/files/P020240112556702.pdf"
    pages = [
        ["临江人社政策宣传手册"],
        ["社保卡申领流程：携带身份证到网点办理。", "点击进入在线赌场注册即送彩金"],
    ]
    b.put(leaflet, pdf_file(pages), "application/pdf")
    b.plant(
        "sensitive_word",
        "spam text injected in an attached pdf (第2页)",
        page=leaflet,
        term="在线赌场",
    )
    locked = "/bsfw/files/P020240115778903.pdf"
    b.put(locked, pdf_file([["内部资料"]], encrypted=True), "application/pdf")
    b.plant(
        "unreadable_attachment", "a password-protected pdf: its text cannot be checked", page=locked
    )
    broken = "/bsfw/files/P020240116201904.docx"
    b.put(broken, corrupt_docx(docx_file(["参保登记表"])), "application/octet-stream")
    b.plant("unreadable_attachment", "a docx cut off in upload (corrupt zip)", page=broken)
    return [
        f'<a href="{guide}">就业困难人员认定办事指南.docx</a>',
        f'<a href="{leaflet}">政策宣传手册.pdf</a>',
        f'<a href="{locked}">经办内部资料.pdf</a>',
        f'<a href="{broken}">参保登记表.docx</a>',
    ]


def empty_columns(b: SiteBuilder) -> None:
    zpxx = Column("zpxx", "招聘信息", "span")
    body = '<div class="lanmu"><h2>招聘信息</h2><div class="nodata">暂无信息</div></div>'
    b.page("/zpxx/index.html", zpxx.name, b.crumbs(zpxx), body)
    b.plant("empty_column", "the column page says 暂无信息", column=zpxx.name)
    wjy = Column("wjyzt", "稳就业专题", "span")
    b.list_pages(wjy, [])  # an empty <ul class="list"></ul>
    b.plant("empty_column", "the column's list container is empty", column=wjy.name)
