"""Government-style Chinese text for the sample bureau site, written for it (no real documents).

Titles and paragraphs are assembled from these phrase banks by a seeded `random.Random`, so the
same seed always gives the same site. None of the phrases contains a planted error: the planted
terms are added by `generator.py` only where the answer key says they are.
"""

from __future__ import annotations

import random

CITY = "临江市"
BUREAU = "临江市人力资源和社会保障局"
BUREAU_SHORT = "市人社局"
DOC_PREFIX = "临人社"  # 文号 prefix, e.g. 临人社规〔2023〕3号

DISTRICTS = ("江北区", "江南区", "临溪县", "清河县", "高新区", "白沙镇", "滨江新区", "云岭县")
TOPICS = (
    "稳就业",
    "根治欠薪",
    "技能人才培养",
    "社会保险扩面",
    "人事考试",
    "劳动人事争议调解",
    "高校毕业生就业",
    "创业担保贷款",
    "工伤预防",
    "养老保险待遇发放",
    "人才引进",
    "职称评审",
)
EVENTS = (
    "春风行动专场招聘会",
    "高校毕业生就业服务月活动",
    "职业技能大赛",
    "人社政策宣讲进企业活动",
    "农民工工资支付专项检查",
    "社保卡应用推广周",
    "和谐劳动关系创建表彰会",
    "退役军人专场招聘会",
    "青年见习岗位对接会",
    "人力资源服务机构年度报告会",
)
UNITS = (
    "市就业服务中心",
    "市社会保险事业管理中心",
    "市劳动保障监察支队",
    "市人事考试院",
    "市劳动人事争议仲裁院",
    "市职业技能鉴定指导中心",
    "市人才交流中心",
)

_SENTENCES = (
    "会议传达学习了上级有关文件精神，研究部署了下一阶段{topic}重点工作。",
    "会议强调，要坚持以人民为中心的发展思想，把{topic}作为保障和改善民生的重要抓手。",
    "{unit}主要负责同志参加会议并讲话。",
    "调研组一行先后走访了{district}多家企业和基层服务平台，详细了解{topic}政策落实情况。",
    "与会人员围绕{topic}中存在的难点堵点问题进行了深入交流，并提出了具体改进意见。",
    "活动现场共设置咨询台{n}个，发放政策宣传资料{m}余份，现场解答群众咨询{k}人次。",
    "据统计，本次活动共有{n}家用人单位参加，提供就业岗位{m}余个，初步达成就业意向{k}人。",
    "下一步，我局将进一步压实工作责任，细化工作措施，确保各项任务按时保质完成。",
    "各县（市、区）人社部门要加强统筹协调，形成工作合力，切实提升群众的获得感和满意度。",
    "{district}结合本地实际，创新推出“一件事”打包办理服务，办理时限压缩{n}%以上。",
    "今年以来，全市城镇新增就业{m}人，城镇登记失业率控制在预期目标以内。",
    "截至目前，全市基本养老保险参保人数达到{m}人，社会保障卡持卡人数稳步增长。",
    "此次检查重点围绕工程建设领域农民工工资专用账户、实名制管理等制度落实情况展开。",
    "对检查中发现的问题，检查组当场反馈并督促相关单位限期整改到位。",
    "{unit}将持续优化经办流程，推动更多高频事项实现“网上办、掌上办、就近办”。",
    "大赛设置电工、焊工、养老护理员等{n}个竞赛项目，吸引了全市{m}余名选手报名参赛。",
    "参训学员普遍反映，培训内容贴近岗位需求，实用性强，对提升职业技能帮助很大。",
    "会上，{district}、{district2}作了交流发言，分享了各自在{topic}方面的经验做法。",
    "会议要求，各单位要对照年度目标任务，逐项梳理进展情况，查漏补缺，补齐短板。",
    "我局将以此次活动为契机，持续深化人社领域系统行风建设，不断提升服务水平。",
    "下阶段，将继续加大政策宣传力度，推动各项惠企利民政策直达快享。",
    "会议指出，做好{topic}工作事关群众切身利益，事关社会和谐稳定，必须高度重视。",
    "现场工作人员耐心细致地为前来咨询的群众讲解参保缴费、待遇领取等政策。",
    "{unit}还组织业务骨干深入社区和企业，面对面开展政策宣讲{n}场次。",
)

_NOTICE_TITLES = (
    "关于做好{year}年度{topic}工作的通知",
    "关于开展{year}年{event}的通知",
    "关于公布{year}年度{topic}有关事项的通知",
    "关于调整{topic}经办有关事项的公告",
    "关于{year}年度社会保险缴费基数申报工作的通告",
    "关于组织开展{topic}政策宣传月活动的通知",
)
_NEWS_TITLES = (
    "{bureau}召开{topic}工作推进会",
    "{bureau}赴{district}调研{topic}工作",
    "我市举办{year}年{event}",
    "{district}{topic}工作取得新进展",
    "{unit}扎实开展{topic}专项服务",
    "{bureau}部署{topic}重点任务",
    "{district}召开{topic}工作座谈会",
    "{unit}举办{topic}业务培训班",
)
_POLICY_TITLES = (
    "临江市{topic}实施办法",
    "关于进一步做好{topic}工作的若干意见",
    "临江市{topic}管理暂行办法",
    "关于加强{topic}工作的实施意见",
    "临江市{topic}专项资金管理办法",
)
_PERSONNEL_TITLES = (
    "{unit}{year}年公开招聘工作人员拟聘用人员公示",
    "关于{name}等同志职务任免的通知",
    "{year}年度{unit}事业单位人员调整情况公告",
    "关于{name}同志试用期满考核情况的公示",
)
_PLAN_TITLES = (
    "临江市人力资源和社会保障事业发展“十四五”规划",
    "{bureau}{year}年工作要点",
    "{bureau}{year}年工作总结和下一年度工作思路",
    "临江市{year}年就业创业工作计划",
    "{bureau}{year}年政务公开工作要点",
)
_BUDGET_TITLES = (
    "{bureau}{year}年部门预算公开",
    "{bureau}{year}年部门决算公开",
    "{unit}{year}年单位预算公开",
    "{unit}{year}年单位决算公开",
)
_QUESTION_TITLES = (
    "关于灵活就业人员参保缴费的咨询",
    "关于失业保险金申领条件的咨询",
    "异地转移养老保险关系需要哪些材料",
    "关于职称评审申报时间的咨询",
    "公司拖欠工资应如何投诉",
    "关于技能提升补贴申领的问题",
    "社保卡遗失后如何补办",
    "关于退休人员养老金调整的咨询",
)
_ANSWERS = (
    "您好！根据现行政策规定，符合条件的人员可通过线上或线下渠道办理，"
    "具体可就近前往各县（市、区）社保经办窗口咨询。感谢您对人社工作的关心和支持。",
    "您好！您反映的问题已转交相关业务科室办理，经核实，相关材料齐全后即可受理，"
    "办理时限为5个工作日。如有疑问，可拨打咨询电话进一步了解。",
    "您好！欢迎您来信咨询。该事项已纳入“一网通办”，您可登录政务服务网在线申请，"
    "也可携带身份证件到服务大厅办理。",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = (
    "伟",
    "芳",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
)
GIVEN2 = (
    "建国",
    "海燕",
    "志强",
    "晓东",
    "丽华",
    "文博",
    "雨欣",
    "国庆",
    "春梅",
    "子涵",
    "俊杰",
    "思远",
)


class Writer:
    """Seeded text generator: titles and paragraphs in the style of a 人社局 website."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _fill(self, template: str, year: int) -> str:
        r = self.rng
        district, district2 = r.sample(DISTRICTS, 2)
        return template.format(
            topic=r.choice(TOPICS),
            event=r.choice(EVENTS),
            unit=r.choice(UNITS),
            district=district,
            district2=district2,
            bureau=BUREAU_SHORT,
            year=year,
            name=self.name(),
            n=r.randint(3, 30),
            m=r.randint(120, 9800),
            k=r.randint(50, 900),
        )

    def name(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + (r.choice(GIVEN2) if r.random() < 0.6 else r.choice(GIVEN))

    def title(self, kind: str, year: int) -> str:
        bank = {
            "news": _NEWS_TITLES,
            "notice": _NOTICE_TITLES,
            "policy": _POLICY_TITLES,
            "personnel": _PERSONNEL_TITLES,
            "plan": _PLAN_TITLES,
            "budget": _BUDGET_TITLES,
            "question": _QUESTION_TITLES,
        }[kind]
        return self._fill(self.rng.choice(bank), year)

    def paragraphs(self, year: int, count: int | None = None) -> list[str]:
        r = self.rng
        out = []
        for _ in range(count or r.randint(3, 5)):
            picks = r.sample(_SENTENCES, r.randint(2, 4))
            out.append("".join(self._fill(s, year) for s in picks))
        return out

    def answer(self) -> str:
        return self.rng.choice(_ANSWERS)
