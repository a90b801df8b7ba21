"""The sample site's news columns: 工作动态, 县区动态, 通知公告."""

from __future__ import annotations

from datetime import timedelta

from govaudit.sample_site.site import HTML, Column, Item, SiteBuilder, png_image


# -- columns -------------------------------------------------------------------------------------
def gzdt(b: SiteBuilder) -> list[Item]:
    col = Column("gzdt", "工作动态", "span", pager="trs", per_page=15, relative_links=True)
    b.plant(
        "stale_column", "newest 工作动态 item is 20 days old (动态类: 14 days)", column=col.name
    )
    items = b.filler(col, "news", b.ago(20), 38, gap=(2, 6))
    # Planted words, on 2024 pages.
    d = b.ago(26)
    paras = b.w.paragraphs(d.year, 2) + [
        "截止2023年底，全市累计发放创业担保贷款4.6亿元，扶持创业1280人，带动就业3500余人。"
    ]
    items.append(
        Item("全市创业担保贷款工作综述", b.article(col, "全市创业担保贷款工作综述", d, paras), d, d)
    )
    b.plant("wrong_word", "截止 used for 截至 before a date", page=items[-1].path, term="截止")
    d = b.ago(33)
    paras = b.w.paragraphs(d.year, 2) + [
        "会议要求，要持续推进扫黑险恶常态化，深入整治人力资源市场领域乱象，维护劳动者合法权益。"
    ]
    title = "市人社局召开人力资源市场秩序专项整治会议"
    items.append(Item(title, b.article(col, title, d, paras), d, d))
    b.plant(
        "wrong_word",
        "扫黑险恶 for 扫黑除恶 (political formulation)",
        page=items[-1].path,
        term="扫黑险恶",
    )
    d = b.ago(41)
    paras = b.w.paragraphs(d.year, 2) + [
        "全体党员干部要认真学习贯彻党的十九大四中全会精神，不断推进人社治理体系和治理能力现代化。"
    ]
    title = "局机关开展主题党日活动"
    items.append(Item(title, b.article(col, title, d, paras), d, d))
    b.plant(
        "wrong_word",
        "十九大四中全会 for 十九届四中全会",
        page=items[-1].path,
        term="十九大四中全会",
    )
    # Traps: correct usage next to the planted errors.
    d = b.ago(47)
    paras = b.w.paragraphs(d.year, 2) + [
        "面对经营困难，我局通过稳岗返还、社保费缓缴等政策帮助中小微企业渡过难关。",
        "参保人可通过手机查询个人社保缴费记录，打印参保证明。",
    ]
    title = "多措并举助企纾困稳岗"
    items.append(Item(title, b.article(col, title, d, paras), d, d))
    b.trap("wrong_word", "渡过难关 is correct", page=items[-1].path, term="渡过")
    b.trap("wrong_word", "人社 inside 个人社保 is no term", page=items[-1].path, term="人社")
    # A hacked page: gambling spam injected at the end of an old article.
    d = b.ago(130)
    spam = (
        '<div style="position:absolute;left:-9999px;top:-9999px">'
        "<p>网络赌博平台 最新博彩网站导航 注册即送88元 信誉第一 24小时在线</p></div>"
    )
    title = b.w.title("news", d.year)
    items.append(Item(title, b.article(col, title, d, extra=spam), d, d))
    b.plant(
        "sensitive_word",
        "gambling spam injected into a page",
        page=items[-1].path,
        term="网络赌博平台",
    )
    b.plant(
        "sensitive_word", "gambling spam injected into a page", page=items[-1].path, term="博彩网站"
    )
    # A broken image inside an article, and the internal 404 linked from several pages.
    d = b.ago(55)
    title = "我市举办2024年春风行动专场招聘会"
    extra = '<p><img src="/images/2019/hdzp_01.jpg" alt="活动现场"></p>' + jgzn_link()
    items.append(Item(title, b.article(col, title, d, extra=extra), d, d))
    b.plant("broken_link", "an article's image is missing (404)", target="/images/2019/hdzp_01.jpg")
    img = f"/gzdt/{d:%Y%m}/W0{d:%Y%m%d}_01.png"
    b.put(img, png_image(), "image/png")
    title = "市人社局走访慰问困难职工"
    d = b.ago(62)
    items.append(
        Item(
            title, b.article(col, title, d, extra=f'<p><img src="{img}" alt="走访现场"></p>'), d, d
        )
    )
    b.list_pages(col, items)
    return items


def jgzn_link() -> str:
    return '<p>相关链接：<a href="/xxgk/jgzn/index.html">机构职能</a></p>'


def xqdt(b: SiteBuilder) -> list[Item]:
    col = Column("xqdt", "县区动态", "bracket", pager="plain", per_page=12)
    b.trap(
        "stale_column",
        "newest item exactly 14 days old: on the boundary, not stale",
        column=col.name,
    )
    items = b.filler(col, "news", b.ago(14), 20, gap=(2, 9))
    b.list_pages(col, items)
    return items


def tzgg(b: SiteBuilder) -> list[Item]:
    col = Column("tzgg", "通知公告", "table", pager="plain", per_page=12)
    b.plant(
        "stale_column",
        "newest 通知公告 item is 200 days old (通知公告类: 180 days)",
        column=col.name,
    )
    newest = b.ago(200)
    items = b.filler(col, "notice", newest - timedelta(days=9), 20, gap=(5, 20))
    paras = b.w.paragraphs(newest.year, 2) + [
        "请各用人单位于规定时间内登陆临江市社会保险网上经办系统，完成年度缴费基数申报。",
        "报名截止时间为2023年9月30日17:00，逾期不再受理。",
        "参保单位可登录政务服务网下载申报表格，也可到各经办窗口领取。",
        '原通知详见：<a href="/old/tzgg.html">关于做好年度缴费基数申报的通知（旧版）</a>',
    ]
    title = f"关于{newest.year}年度社会保险缴费基数申报工作的通告"
    path = b.article(col, title, newest, paras, extra=jgzn_link())
    items.append(Item(title, path, newest, newest))
    b.plant("wrong_word", "登陆 (landing) for 登录 (log in)", page=path, term="登陆")
    b.trap("wrong_word", "报名截止 is the correct use of 截止", page=path, term="截止")
    b.trap("wrong_word", "登录 is correct", page=path, term="登录")
    b.plant(
        "broken_link", "301 → 302 → 404: a redirect chain ending in 404", target="/old/tzgg.html"
    )
    b.put("/old/tzgg.html", b"", HTML, status=301, headers=(("Location", "/old2/tzgg.html"),))
    b.put("/old2/tzgg.html", b"", HTML, status=302, headers=(("Location", "/tzgg/2019/old.html"),))
    b.list_pages(col, items)
    return items
