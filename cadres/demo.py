"""Demo data for the cadres app: about 300 cadres over the demo county's units, with position histories,
measures (incl. 函询 waiting for a reply), assessments, 述职述廉, personal matters reports, a random draw and its
verifications. Deterministic (fixed seed; dates relative to today so warnings are live) and idempotent.

Puts `context["cadres"]` (county A's, a list ordered by id) and `context["county_b_cadres"]` for the later apps.
No cadre is linked to a user account.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from cadres import idcard
from cadres import personal_matters as pm
from cadres.dates import add_months
from cadres.models import (
    AnnualAssessment,
    AssessmentGrade,
    Cadre,
    CadreStatus,
    DutyIntegrityReport,
    DutyRating,
    FamilyMember,
    ManagementLevel,
    MeasureKind,
    PersonalMattersReport,
    PositionHistory,
    Rank,
    ReportKind,
    SourceChannel,
    VerificationResult,
)
from cadres.services import change_post, record_inquiry_reply, record_measure
from core.demo import COUNTY_A, COUNTY_B, county_units

SEED = 20261123
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟"
GIVEN = ("建国志强伟明华军平刚勇杰涛斌超磊鹏飞红霞丽娟敏静燕芳玲慧婷秀英桂兰"
         "海波永春晓东立新文俊宏亮德华振宇思远佳琪子涵雨欣晨阳")

# Posts by unit kind: (title, is principal, rank, how many)
TOWNSHIP_POSTS = [("党委书记", True, Rank.SECTION_CHIEF, 1), ("镇长", False, Rank.SECTION_CHIEF, 1),
                  ("党委副书记", False, Rank.SECTION_DEPUTY, 2), ("副镇长", False, Rank.SECTION_DEPUTY, 4),
                  ("纪委书记", False, Rank.SECTION_DEPUTY, 1), ("组织委员", False, Rank.SECTION_DEPUTY, 1),
                  ("宣传委员", False, Rank.SECTION_DEPUTY, 1), ("人大主席", False, Rank.SECTION_CHIEF, 1),
                  ("武装部部长", False, Rank.SECTION_DEPUTY, 1)]
BUREAU_POSTS = [("党组书记、局长", True, Rank.SECTION_CHIEF, 1), ("党组成员、副局长", False, Rank.SECTION_DEPUTY, 4),
                ("纪检监察组组长", False, Rank.SECTION_DEPUTY, 1), ("办公室主任", False, Rank.PRINCIPAL_STAFF_4, 2),
                ("四级调研员", False, Rank.RESEARCHER_4, 1), ("股室负责人", False, Rank.PRINCIPAL_STAFF_3, 3)]
INSTITUTION_POSTS = [("党委书记、院（校）长", True, Rank.SECTION_CHIEF, 1),
                     ("副院（校）长", False, Rank.SECTION_DEPUTY, 3), ("纪委书记", False, Rank.SECTION_DEPUTY, 1)]
ENTERPRISE_POSTS = [("党委书记、董事长", True, Rank.SECTION_CHIEF, 1), ("总经理", False, Rank.SECTION_CHIEF, 1),
                    ("副总经理", False, Rank.SECTION_DEPUTY, 3), ("财务总监", False, Rank.SECTION_DEPUTY, 1)]
COUNTY_POSTS = {
    "QX": [("县委书记", True, Rank.DIVISION_CHIEF, 1), ("县委副书记", False, Rank.DIVISION_DEPUTY, 2),
           ("县委常委", False, Rank.DIVISION_DEPUTY, 4)],
    "QX-ZF": [("县长", True, Rank.DIVISION_CHIEF, 1), ("副县长", False, Rank.DIVISION_DEPUTY, 5)],
    "BS": [("县委书记", True, Rank.DIVISION_CHIEF, 1), ("县委副书记", False, Rank.DIVISION_DEPUTY, 1)],
    "BS-ZF": [("县长", True, Rank.DIVISION_CHIEF, 1), ("副县长", False, Rank.DIVISION_DEPUTY, 2)],
}
EDUCATION = ["大学", "大学", "大学", "研究生", "研究生", "大专"]
PLACES = ["浙江青溪", "浙江青溪", "浙江丽水", "浙江金华", "浙江温州", "江西上饶", "福建南平"]
ETHNICITY = ["汉族"] * 18 + ["畲族", "回族"]
REASONS = {
    MeasureKind.REMINDER_TALK: ["分管领域工作推进迟缓，群众反映较多", "苗头性问题提醒：公务接待不够规范",
                                "年度考核民主测评得分偏低"],
    MeasureKind.INQUIRY: ["信访反映其配偶经商办企业情况", "反映其在工程项目中打招呼", "反映其违规收受礼金",
                          "反映其子女婚礼大操大办"],
    MeasureKind.ADMONISHMENT: ["违反中央八项规定精神，接受管理服务对象宴请", "个人有关事项报告漏报情节较重",
                               "经济责任审计发现违规决策问题"],
    MeasureKind.CRITICISM: ["个人有关事项报告漏报房产一处", "工作作风不实，被县委督查通报"],
    MeasureKind.ORDERED_REVIEW: ["安全生产监管不力，发生一般事故"],
    MeasureKind.POST_ADJUSTMENT: ["不适宜担任现职：年度考核基本称职且群众公认度低"],
    MeasureKind.REMOVAL: ["履职不力，造成重大损失"],
}


def _name(rng, used):
    for _ in range(50):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))
        if name not in used:
            used.add(name)
            return name
    return name


def _posts_for(unit):
    if unit.code in COUNTY_POSTS:
        return COUNTY_POSTS[unit.code]
    return {"township": TOWNSHIP_POSTS, "public_institution": INSTITUTION_POSTS,
            "state_enterprise": ENTERPRISE_POSTS}.get(unit.kind, BUREAU_POSTS)


def _date_between(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def seed(context):
    units = context["units"]
    if not _in_county(units[COUNTY_A]).exists():
        _seed_county_a(context, county_units(units, COUNTY_A))
    if not _in_county(units[COUNTY_B]).exists():
        _seed_county_b(context, county_units(units, COUNTY_B))
    context["cadres"] = list(_in_county(units[COUNTY_A]).order_by("id"))
    context["county_b_cadres"] = list(_in_county(units[COUNTY_B]).order_by("id"))


def _in_county(county):
    return Cadre.objects.select_related("unit").filter(unit__path__startswith=county.path)


def _seed_county_a(context, units):
    rng = random.Random(SEED)  # noqa: S311  (demo data)
    today = timezone.localdate()
    staff = context["users"]["staff01"]
    cadres = _create_cadres(rng, units, today)
    _histories(rng, cadres, list(units.values()), today)
    _assessments(rng, cadres, today, staff)
    _personal_matters(rng, cadres, today, staff)
    _measures(rng, cadres, today, staff)
    _family(cadres, staff)


def _seed_county_b(context, units):
    """County B: a smaller roster entered by its own office, with reports, its own random draw and a few measures."""
    rng = random.Random(SEED + 1)  # noqa: S311  (demo data)
    today = timezone.localdate()
    staff = context["users"]["bs_staff01"]
    cadres = _create_cadres(rng, units, today, region="331125", first=5000)
    _histories(rng, cadres, list(units.values()), today)
    _assessments(rng, cadres, today, staff)
    _personal_matters(rng, cadres, today, staff)
    for cadre, kind in zip(rng.sample(cadres, 4), [MeasureKind.REMINDER_TALK, MeasureKind.INQUIRY,
                                                    MeasureKind.CRITICISM, MeasureKind.ADMONISHMENT], strict=True):
        record_measure(cadre, kind, _date_between(rng, add_months(today, -8), today - datetime.timedelta(days=3)),
                       rng.choice(REASONS[kind]), actor=staff, source_channel=SourceChannel.PETITION,
                       delivered_on=today - datetime.timedelta(days=2) if kind == MeasureKind.INQUIRY else None)


def _create_cadres(rng, units, today, region="331124", first=0):
    used = {"陈志远"} | set(Cadre.objects.values_list("name", flat=True))
    cadres, sequence = [], first
    for unit in units.values():
        for title, principal, rank, count in _posts_for(unit):
            for _ in range(count):
                sequence += 1
                gender = "F" if rng.random() < 0.28 else "M"
                # Most cadres 35–51; a few at or past the age for 改任非领导职务.
                age = rng.randint(52, 56) if rng.random() < 0.06 else rng.randint(33, 51)
                birth = add_months(today, -12 * age) - datetime.timedelta(days=rng.randint(1, 364))
                post_since = _date_between(rng, add_months(today, -96), add_months(today, -3))
                if rng.random() < 0.05:
                    post_since = _date_between(rng, add_months(today, -150), add_months(today, -121))
                level = ManagementLevel.CITY if rank in (Rank.DIVISION_CHIEF, Rank.DIVISION_DEPUTY) \
                    else ManagementLevel.COUNTY
                cadres.append(Cadre(
                    name=_name(rng, used), gender=gender, ethnicity=rng.choice(ETHNICITY), birth_date=birth,
                    id_number=idcard.make(birth, gender, region=region, sequence=sequence),
                    native_place=rng.choice(PLACES), education=rng.choice(EDUCATION),
                    party_joined_on=_date_between(rng, add_months(birth, 12 * 20), add_months(birth, 12 * 30)),
                    unit=unit, post_title=title, rank=rank, is_principal=principal, post_since=post_since,
                    management_level=level, status=CadreStatus.SERVING,
                ))
    # One cadre the walkthrough and other apps' demos can find by name: 县教育局 principal.
    education = next((c for c in cadres if c.unit.code == "QX-JY" and c.is_principal), None)
    if education is not None:
        education.name, education.gender = "陈志远", "M"
        education.birth_date = datetime.date(1976, 4, 18)
        education.id_number = idcard.make(education.birth_date, "M", region="331124", sequence=999)
    for cadre in cadres[::23]:
        cadre.status = CadreStatus.PROBATION
    created = Cadre.objects.bulk_create(cadres)
    return list(Cadre.objects.select_related("unit").filter(pk__in=[c.pk for c in created]).order_by("id"))


def _histories(rng, cadres, units, today):
    rows = []
    for cadre in cadres:
        rows.append(PositionHistory(cadre=cadre, unit=cadre.unit, post_title=cadre.post_title, rank=cadre.rank,
                                    is_principal=cadre.is_principal, start_date=cadre.post_since))
        end = cadre.post_since - datetime.timedelta(days=1)
        for _ in range(rng.randint(1, 3)):
            start = add_months(end, -rng.randint(24, 72))
            if start < add_months(cadre.birth_date, 12 * 23):
                break
            unit = rng.choice(units)
            rows.append(PositionHistory(cadre=cadre, unit=unit, post_title=rng.choice(
                ["科长", "副科长", "副局长", "副镇长", "办公室主任", "党委委员"]), start_date=start, end_date=end,
                rank=rng.choice([Rank.SECTION_DEPUTY, Rank.PRINCIPAL_STAFF_2, Rank.STAFF_1])))
            end = start - datetime.timedelta(days=1)
    PositionHistory.objects.bulk_create(rows)


def _assessments(rng, cadres, today, staff):
    assessments, duty = [], []
    for cadre in cadres:
        for year in range(today.year - 3, today.year):
            roll = rng.random()
            grade = AssessmentGrade.EXCELLENT if roll < 0.18 else AssessmentGrade.COMPETENT
            share = Decimal(rng.randint(0, 80)) / 10
            if roll > 0.97:
                grade, share = AssessmentGrade.BASIC, Decimal(rng.randint(300, 420)) / 10
            assessments.append(AnnualAssessment(cadre=cadre, year=year, grade=grade, unfit_vote_share=share,
                                                created_by=staff))
        if cadre.is_principal:
            duty.append(DutyIntegrityReport(
                cadre=cadre, year=today.year - 1, reported_on=datetime.date(today.year, 1, rng.randint(10, 28)),
                summary="履行全面从严治党主体责任，落实一岗双责；廉洁自律情况良好。",
                rating=rng.choice([DutyRating.GOOD, DutyRating.GOOD, DutyRating.FAIRLY_GOOD])))
    AnnualAssessment.objects.bulk_create(assessments)
    DutyIntegrityReport.objects.bulk_create(duty)


def _personal_matters(rng, cadres, today, staff):
    reports = []
    for cadre in cadres:
        for year in (today.year - 1, today.year):
            if year == today.year and rng.random() < 0.04:
                continue  # a few missing this year: the scan reports them
            submitted = datetime.date(year, 1, rng.randint(5, 30))
            if submitted <= today:
                reports.append(PersonalMattersReport(cadre=cadre, year=year, kind=ReportKind.ANNUAL,
                                                     submitted_on=submitted, created_by=staff))
    PersonalMattersReport.objects.bulk_create(reports)
    population = Cadre.objects.filter(pk__in=[cadre.pk for cadre in cadres])
    draw = pm.draw_random_sample(actor=staff, year=today.year, cadres=population)
    verifications = list(draw.verifications.select_related("cadre").order_by("cadre_id"))
    for index, verification in enumerate(verifications[:-4]):  # the last few still being checked
        result = VerificationResult.CONSISTENT
        measure = None
        verified_on = _date_between(rng, add_months(today, -6), today - datetime.timedelta(days=7))
        handling = "经查核，报告内容与查核结果一致。"
        if index == 1:
            result, handling = VerificationResult.OMISSION, "漏报一处房产，情节较轻，予以批评教育。"
            measure = record_measure(verification.cadre, MeasureKind.CRITICISM, verified_on,
                                     "个人有关事项报告漏报房产一处", actor=staff,
                                     source_channel=SourceChannel.PERSONAL_MATTERS)
        elif index == 2:
            result, handling = VerificationResult.CONCEALMENT, "隐瞒不报配偶经商办企业情况，予以诫勉，不得提拔。"
            measure = record_measure(verification.cadre, MeasureKind.ADMONISHMENT, verified_on,
                                     "个人有关事项报告隐瞒不报配偶经商办企业情况", actor=staff,
                                     source_channel=SourceChannel.PERSONAL_MATTERS)
        pm.complete_verification(verification, actor=staff, result=result, verified_on=verified_on,
                                 handling=handling, measure=measure)
    for cadre in rng.sample(cadres, 5):
        pm.open_targeted_verification(cadre, actor=staff, year=today.year, reason="拟提拔（凡提必核）")


def _measures(rng, cadres, today, staff):
    chosen = rng.sample(cadres, 45)
    plan = ([MeasureKind.REMINDER_TALK] * 14 + [MeasureKind.INQUIRY] * 12 + [MeasureKind.ADMONISHMENT] * 6
            + [MeasureKind.CRITICISM] * 6 + [MeasureKind.ORDERED_REVIEW] * 4 + [MeasureKind.POST_ADJUSTMENT] * 2
            + [MeasureKind.REMOVAL])
    channels = [SourceChannel.PETITION, SourceChannel.PETITION, SourceChannel.AUDIT, SourceChannel.INSPECTION,
                SourceChannel.LIAISON, SourceChannel.OTHER]
    for index, (cadre, kind) in enumerate(zip(chosen, plan, strict=False)):
        date = _date_between(rng, add_months(today, -30), today - datetime.timedelta(days=3))
        if kind == MeasureKind.ADMONISHMENT and index % 2 == 0:
            date = _date_between(rng, add_months(today, -5), today - datetime.timedelta(days=20))
        delivered = None
        if kind == MeasureKind.INQUIRY:
            # Some recent ones still waiting for the written reply (due soon or overdue).
            if index % 3 == 0:
                date = today - datetime.timedelta(days=rng.randint(12, 30))
            delivered = min(today, date + datetime.timedelta(days=rng.randint(1, 3)))
        measure = record_measure(cadre, kind, date, rng.choice(REASONS[kind]), actor=staff,
                                 source_channel=rng.choice(channels), delivered_on=delivered)
        if kind == MeasureKind.INQUIRY and measure.reply_due and measure.reply_due < today - datetime.timedelta(5):
            if index % 4:
                record_inquiry_reply(measure, min(today, measure.reply_due - datetime.timedelta(days=2)),
                                     "本人书面说明：反映问题不属实，已提供相关证明材料。", actor=staff)
        if kind == MeasureKind.REMOVAL:
            Cadre.objects.filter(pk=cadre.pk).update(status=CadreStatus.REMOVED)
    chen = next(c for c in cadres if c.name == "陈志远")
    record_measure(chen, MeasureKind.ADMONISHMENT, add_months(today, -4),
                   "违反中央八项规定精神，接受管理服务对象宴请", actor=staff, source_channel=SourceChannel.PETITION)


def _family(cadres, staff):
    """陈志远's family as his 任免审批表 lists it: his wife is the 县教育局's finance head (a 任职回避 conflict to
    confirm or dismiss on the 任职回避 page), his cousin a deputy head elsewhere (no conflict)."""
    chen = next(c for c in cadres if c.name == "陈志远")
    wife = next(c for c in cadres if c.unit_id == chen.unit_id and c.gender == "F" and not c.is_principal
                and c.status == CadreStatus.SERVING)
    cousin = next(c for c in cadres if c.unit_id != chen.unit_id and c.gender == "M" and not c.is_principal
                  and c.status == CadreStatus.SERVING)
    change_post(wife, unit=wife.unit, post_title="财务股股长", rank=wife.rank,
                start_date=max(wife.post_since, timezone.localdate() - datetime.timedelta(days=40))
                + datetime.timedelta(days=1), actor=staff)
    for order, (relation, person) in enumerate((("妻子", wife), ("堂弟", cousin))):
        FamilyMember.objects.create(cadre=chen, order=order, relation=relation, name=person.name,
                                    birth_month=person.birth_date.replace(day=1),
                                    work_unit_and_post=f"{person.unit.name}{person.post_title}")
