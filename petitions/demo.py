"""Demo petitions: cases in every status, overdue ones, a duplicate pair. Idempotent (skips when cases exist) and
deterministic (a fixed random seed; dates relative to the day of seeding so that deadlines stay meaningful)."""

import datetime
import random

from django.utils import timezone

from cadres import idcard
from cadres.models import Cadre, MeasureKind, Rank
from core import tallies
from core.demo import COUNTY_B
from petitions import identity, services
from petitions import tallies as petition_tallies
from petitions.models import (
    CaseType,
    Channel,
    Conclusion,
    Disposal,
    FeedbackMethod,
    Petition,
    ProblemCategory,
    Stage,
    TimeLimit,
)

DEMO_CADRES = [  # (name, gender, birth, unit code, post, rank) — only used when the cadres app made none
    ("陈志刚", "M", datetime.date(1972, 3, 14), "QX-JY", "局长", Rank.DIVISION_CHIEF),
    ("林晓红", "F", datetime.date(1978, 9, 2), "QX-WJ", "副局长", Rank.DIVISION_DEPUTY),
    ("黄建平", "M", datetime.date(1969, 12, 25), "QX-CGZ", "党委书记", Rank.DIVISION_CHIEF),
    ("周文斌", "M", datetime.date(1975, 6, 8), "QX-ZRZY", "局长", Rank.DIVISION_CHIEF),
    ("吴海燕", "F", datetime.date(1980, 1, 19), "QX-CT", "总经理", Rank.DIVISION_DEPUTY),
    ("郭立新", "M", datetime.date(1974, 7, 30), "QX-JT", "副局长", Rank.DIVISION_DEPUTY),
]

# What each demo case is about: (unit code, post keyword) — matched against the cadres demo roster.
TARGETS = [("QX-JY", "局长"), ("QX-WJ", "副局长"), ("QX-CGZ", "党委书记"), ("QX-ZRZY", "局长"), ("QX-CT", "总经理"),
           ("QX-JT", "副局长")]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["建华", "秀英", "国强", "丽娟", "志明", "海涛", "春梅", "文军", "玉兰", "卫东"]


def _cadres(context):
    cadres = list(context.get("cadres") or Cadre.objects.select_related("unit").order_by("-is_principal", "id"))
    if cadres:
        return cadres
    units = context["units"]
    for sequence, (name, gender, birth, unit_code, post, rank) in enumerate(DEMO_CADRES, start=1):
        cadres.append(Cadre.objects.create(
            name=name, gender=gender, birth_date=birth, id_number=idcard.make(birth, gender, sequence=700 + sequence),
            unit=units[unit_code], post_title=post, rank=rank, is_principal=post in ("局长", "党委书记", "总经理"),
            post_since=datetime.date(2021, 6, 1)))
    return cadres


def _reporter(rng):
    birth = datetime.date(rng.randint(1955, 1995), rng.randint(1, 12), rng.randint(1, 28))
    gender = rng.choice("MF")
    return identity.Reporter(
        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        id_number=idcard.make(birth, gender, region="331102", sequence=rng.randint(1, 400)),
        phone=f"13{rng.randint(100000000, 999999999)}",
        address=f"青溪县城关镇{rng.choice(['解放路', '人民路', '新华街'])}{rng.randint(1, 200)}号",
    )


def _backdate(petition, **fields):
    """Demo cases happened in the past: move their dates back, then recompute the stored deadlines."""
    Petition.objects.filter(pk=petition.pk).update(**fields)
    tallies.touch(petition_tallies.SOURCE, [petition.unit_id])  # an update sends no signal
    petition.refresh_from_db()
    services.refresh_deadlines(petition)
    return petition


def seed(context):
    county_b = context["units"][COUNTY_B]
    _county_b_limit(county_b)
    if not Petition.objects.exclude(unit__path__startswith=county_b.path).exists():
        _seed_county_a(context)
    if context.get("county_b_cadres") and not Petition.objects.filter(unit__path__startswith=county_b.path).exists():
        _seed_county_b(context)  # (only with the cadres app's roster: county B's cases are about its cadres)
    context["petitions"] = list(Petition.objects.exclude(unit__path__startswith=county_b.path).order_by("id"))


# 白石县 sets one limit of its own (issue 20): a named reporter hears within 10 working days whether his report was
# accepted, not the city's 15. Its cases show the shorter deadline; 青溪县 keeps the city's.
COUNTY_B_ACCEPTANCE_DAYS = 10


def _county_b_limit(county_b):
    city = TimeLimit.objects.get(jurisdiction=None, case_type=CaseType.ACCUSATION, stage=Stage.ACCEPTANCE)
    TimeLimit.objects.get_or_create(jurisdiction=county_b, case_type=city.case_type, stage=city.stage, defaults={
        "days": COUNTY_B_ACCEPTANCE_DAYS, "day_kind": city.day_kind, "counted_from": city.counted_from,
        "basis": "白石县委组织部规定：实名检举控告10个工作日内告知受理情况"})


def _seed_county_b(context):
    """County B's office registers and handles its own cases: registered, proposed, under check, concluded."""
    rng = random.Random(5)  # noqa: S311 (demo data)
    users = context["users"]
    staff, head = users["bs_staff01"], users["bs_head01"]
    principals = [c for c in context["county_b_cadres"] if c.is_principal]
    today = timezone.localdate()
    cat = ProblemCategory

    def new(days_ago, summary, categories, index, named=False):
        return services.register(
            actor=staff, received_on=today - datetime.timedelta(days=days_ago), channel=Channel.WEB_12380,
            case_type=CaseType.ACCUSATION, is_named=named, summary=summary, categories=categories,
            clues_specific=True, cadres=[principals[index % len(principals)]],
            reporter=_reporter(rng) if named else None)

    new(4, "反映白石县教育局主要负责人违规插手招生", [cat.INTEGRITY], 0, named=True)
    proposed = new(9, "反映石岭镇主要负责人工作作风粗暴", [cat.CONDUCT], 1)
    services.propose(proposed, actor=staff, disposal=Disposal.TALK_INQUIRY, reason="问题较轻，建议谈话函询")
    checking = new(25, "反映白石县财政局主要负责人违规发放津补贴", [cat.INTEGRITY], 2)
    services.propose(checking, actor=staff, disposal=Disposal.PRELIMINARY_CHECK, reason="线索具体，可查性强")
    services.approve(checking, actor=head, note="同意")
    concluded = new(60, "反映白石县审计局主要负责人个人有关事项报告不实", [cat.PERSONAL_MATTERS], 3, named=True)
    services.propose(concluded, actor=staff, disposal=Disposal.PRELIMINARY_CHECK, reason="线索具体")
    services.approve(concluded, actor=head, note="同意")
    services.submit_findings(concluded, actor=staff, findings="经查，漏报一处车位，属一般性漏报。")
    services.conclude(concluded, actor=head, conclusion=Conclusion.PARTLY_TRUE, note="漏报属实，情节轻微",
                      measures=[(principals[3 % len(principals)], MeasureKind.CRITICISM)])


def _seed_county_a(context):
    rng = random.Random(4)  # noqa: S311 (demo data)
    users = context["users"]
    staff, staff2, head = users["staff01"], users["staff02"], users["head01"]
    cadres = _cadres(context)
    today = timezone.localdate()

    def cadre(index):
        """The cadre the demo text speaks of (unit and post), or any cadre when the roster differs."""
        unit_code, keyword = TARGETS[index]
        in_unit = [c for c in cadres if c.unit.code == unit_code]
        matching = [c for c in in_unit if keyword in c.post_title and "副" not in c.post_title.replace(keyword, "")]
        return (matching or in_unit or cadres)[0 if matching or in_unit else index % len(cadres)]

    def new(days_ago, summary, categories, *, index, named=True, channel=Channel.PHONE_12380,
            case_type=CaseType.ACCUSATION, clues=True, actor=staff, full_text=""):
        return services.register(
            actor=actor, received_on=today - datetime.timedelta(days=days_ago), channel=channel, case_type=case_type,
            is_named=named, summary=summary, categories=categories, clues_specific=clues, cadres=[cadre(index)],
            reporter=_reporter(rng) if named else None, full_text=full_text)

    def to_investigation(petition, disposal=Disposal.PRELIMINARY_CHECK, accepted_days_ago=None, **extra):
        services.propose(petition, actor=petition.created_by, disposal=disposal, reason="线索具体，可查性强", **extra)
        services.approve(petition, actor=head, note="同意")
        if accepted_days_ago is not None:
            _backdate(petition, accepted_on=today - datetime.timedelta(days=accepted_days_ago))
        return petition

    cat = ProblemCategory
    # 已登记: a named 12380 phone report whose acceptance notice is due soon, and one long overdue.
    new(3, "反映县教育局局长在中层干部选拔中打招呼、搞暗箱操作", [cat.SELECTION], index=0,
        full_text="来电反映：今年中层干部竞争上岗中，有关领导事先打招呼，面试评分存在明显倾斜。")
    new(40, "反映城关镇党委书记违规插手工程项目", [cat.INTEGRITY], index=2, channel=Channel.LETTER)
    # A duplicate pair: the same matter about the same cadre, the second by the 12380 website.
    main = new(20, "反映县自然资源局局长违规收受管理服务对象礼金", [cat.INTEGRITY, cat.CONDUCT], index=3)
    to_investigation(main, accepted_days_ago=15)
    services.update_investigation(main, actor=staff, investigators="张敏、刘洋",
                                  plan="调取相关账目，约谈知情人2名，必要时提请纪委监委协助。")
    services.add_interview(main, actor=staff, held_on=today - datetime.timedelta(days=5), interviewee="知情人甲",
                           place="县委组织部谈话室", content="了解到春节前后有管理服务对象登门拜访的情况。")
    services.notify_acceptance(main, actor=staff, notified_on=today - datetime.timedelta(days=14),
                               method=FeedbackMethod.PHONE)
    duplicate = new(2, "举报县自然资源局局长收受管理服务对象礼金", [cat.INTEGRITY], index=3,
                    channel=Channel.WEB_12380, named=False)
    services.link_duplicate(duplicate, main, actor=staff, reason="与主案件反映同一事项")
    # 拟办待审批
    proposed = new(6, "反映县卫健委副局长工作日饮酒、作风散漫", [cat.CONDUCT], index=1, named=False)
    services.propose(proposed, actor=staff, disposal=Disposal.TALK_INQUIRY, reason="问题较轻，建议谈话函询")
    # 暂存待查
    held = new(50, "反映县交通运输局副局长履职不力", [cat.PERFORMANCE], index=5, named=False, clues=False)
    to_investigation(held, disposal=Disposal.HOLD)
    # 已转办, reply overdue
    transferred = new(30, "反映县城投公司总经理违规发放津补贴", [cat.INTEGRITY], index=4, named=False)
    to_investigation(transferred, disposal=Disposal.TRANSFER, transfer_to="县纪委监委",
                     transfer_reply_due=today - datetime.timedelta(days=3))
    # 待审核办结
    reviewing = new(35, "反映县教育局局长突击提拔身边工作人员", [cat.SELECTION, cat.ORG_DISCIPLINE], index=0,
                    channel=Channel.SUPERIOR)
    to_investigation(reviewing, accepted_days_ago=30)
    services.submit_findings(reviewing, actor=staff,
                             findings="经核查，相关人员任职程序基本规范，但存在酝酿不充分的问题。")
    # 已办结 (部分属实, 诫勉), feedback overdue
    concluded = new(70, "反映县卫健委副局长违规兼职取酬", [cat.INTEGRITY], index=1)
    to_investigation(concluded, accepted_days_ago=60)
    services.submit_findings(concluded, actor=staff, findings="兼职属实，取酬金额较小且已主动退还。")
    services.conclude(concluded, actor=head, conclusion=Conclusion.PARTLY_TRUE, note="兼职属实，取酬部分不属实",
                      measures=[(cadre(1), MeasureKind.ADMONISHMENT)])
    _backdate(concluded, concluded_on=today - datetime.timedelta(days=30))
    # 已反馈
    fed_back = new(90, "反映城关镇党委书记个人有关事项报告不实", [cat.PERSONAL_MATTERS], index=2)
    to_investigation(fed_back, accepted_days_ago=85)
    services.submit_findings(fed_back, actor=staff, findings="经查，漏报一处房产，属一般性漏报。")
    services.conclude(fed_back, actor=head, conclusion=Conclusion.TRUE, note="查实漏报，予以批评教育",
                      measures=[(cadre(2), MeasureKind.CRITICISM)])
    services.record_feedback(fed_back, actor=staff, feedback_on=today - datetime.timedelta(days=20),
                             method=FeedbackMethod.PHONE, content="已电话告知查核结果，举报人表示认可。")
    # 已归档 (不属实, 澄清正名)
    archived = new(120, "反映县城投公司总经理学历造假", [cat.SELECTION], index=4, named=False)
    to_investigation(archived, accepted_days_ago=110)
    services.submit_findings(archived, actor=staff2, findings="调阅人事档案及学籍信息，学历真实有效。")
    services.conclude(archived, actor=head, conclusion=Conclusion.FALSE, note="反映问题不属实",
                      clear_name=True, clearing_note="在单位领导班子会议上予以澄清")
    services.archive(archived, actor=staff2)
    # 已作废
    voided = new(10, "重复录入", [cat.OTHER], index=5, named=False, clues=False)
    services.void(voided, actor=head, reason="登记重复，已另行录入")
    # 信访事项: handling overdue (60 days from acceptance), and one extended by 30 days
    overdue = new(80, "信访人申诉：评优评先中被不公正对待", [cat.ORG_DISCIPLINE], index=5,
                  channel=Channel.VISIT, case_type=CaseType.PETITION_MATTER, actor=staff2)
    to_investigation(overdue, accepted_days_ago=70)
    extended = new(75, "信访人建议：规范乡镇干部考勤管理", [cat.CONDUCT], index=2, channel=Channel.LETTER,
                   case_type=CaseType.PETITION_MATTER, clues=False, actor=staff2)
    to_investigation(extended, accepted_days_ago=58)
    services.extend(extended, actor=head, days=30, reason="涉及多个部门，需进一步调查核实")
