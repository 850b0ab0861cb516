"""Demo data for the joint meeting: member units, a year of monthly reports (2025-11 … 2026-10) with items, nil
reports, one late unit (县人社局), one missing unit (县统计局), one urgent report, two meetings with decisions —
among them open ones led by the units of the two demo liaison officers (县纪委监委, 县审计局), one of them overdue.
The plenary meeting was held in December 2025 and none yet in 2026, so from October the deadline scan reminds the
office that the year's plenary meeting is due (`manage.py scan_deadlines`).
Idempotent (skipped once reports exist) and deterministic (fixed random seed)."""

import datetime
import random

from django.utils import timezone

from cadres.models import Cadre
from liaison import services
from liaison.models import (
    Aspect,
    Disposal,
    Meeting,
    MeetingDecision,
    Report,
    ReportItem,
    Severity,
    next_month,
)

MEMBER_UNITS = ["QX-JW", "QX-SJ", "QX-FY", "QX-JCY", "QX-GA", "QX-XF", "QX-XCBAN", "QX-XCB", "QX-RS", "QX-WJ",
                "QX-TJ", "QX-CZ", "QX-ZRZY"]
# County B's member units joined in October 2026: 纪委监委 reported October, 审计局 has not (逾期未报送).
MEMBER_UNITS_B = ["BS-JW", "BS-SJ"]
JOINED_B = datetime.date(2026, 10, 1)
OFFICERS = {"liaison_jw": "QX-JW", "liaison_sj": "QX-SJ", "bs_liaison_jw": "BS-JW"}
LATE_UNIT = "QX-RS"
MISSING_UNIT = "QX-TJ"
FIRST_PERIOD = datetime.date(2025, 11, 1)
LAST_PERIOD = datetime.date(2026, 10, 1)
JOINED = datetime.date(2025, 1, 1)

# Free-text cadres for when the cadres demo has none: (name, post).
FREE_TEXT_CADRES = [("陈志刚", "县交通运输局局长"), ("黄伟", "城关镇党委书记"), ("林晓燕", "县教育局副局长"),
                    ("周建华", "县水务集团董事长"), ("何勇", "东山镇镇长"), ("马丽", "县卫健委副主任"),
                    ("谢文斌", "县自然资源局局长"), ("郭海", "西河乡党委书记")]

SOURCES = {
    "QX-JW": "信访举报线索处置", "QX-SJ": "经济责任审计", "QX-FY": "案件审理", "QX-JCY": "公益诉讼调查",
    "QX-GA": "治安案件办理", "QX-XF": "群众来信来访", "QX-XCBAN": "县委第三轮巡察", "QX-XCB": "网络舆情监测",
    "QX-RS": "劳动保障监察", "QX-WJ": "医疗卫生行业检查", "QX-TJ": "统计执法检查", "QX-CZ": "财政资金监督检查",
    "QX-ZRZY": "土地执法检查",
}
DESCRIPTIONS = {
    Aspect.POLITICAL_RULES: "在民主生活会上批评和自我批评不够深入，对巡察反馈问题整改推进迟缓。",
    Aspect.PERFORMANCE: "分管领域重点项目进度滞后，群众反映办事推诿、效率不高。",
    Aspect.DISCIPLINE: "违规使用公务用车办理私事，已由所在单位责令改正。",
    Aspect.CONDUCT: "工作日中午在单位附近饭店饮酒，被群众拍照反映。",
    Aspect.PUBLIC_OPINION: "群众来访反映其在征地补偿工作中态度生硬，引发不满。",
}


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _cadres(context):
    cadres = context.get("cadres")
    if isinstance(cadres, dict):
        cadres = list(cadres.values())
    cadres = list(cadres or Cadre.objects.select_related("unit").order_by("pk")[:60])
    return [c for c in cadres if isinstance(c, Cadre)]


def seed(context):
    units, users = context["units"], context["users"]
    staff, head = users["staff01"], users["head01"]
    member_units = {}
    for order, code in enumerate(MEMBER_UNITS):
        member_units[code] = services.ensure_member_unit(units[code], active_from=JOINED, sort_order=order)
    for order, code in enumerate(MEMBER_UNITS_B, start=len(MEMBER_UNITS)):
        member_units[code] = services.ensure_member_unit(units[code], active_from=JOINED_B, sort_order=order)
    for username, code in OFFICERS.items():
        if not member_units[code].group.user_set.filter(username=username).exists():
            member_units[code].group.user_set.add(users[username])
    context["member_units"] = member_units
    if not Report.objects.filter(member_unit__unit__code="BS-JW").exists():
        _monthly(random.Random(20261016), member_units["BS-JW"], JOINED_B,  # noqa: S311  (demo data)
                 context.get("county_b_cadres") or [], users["bs_staff01"], users)
    if Report.objects.exclude(member_unit__unit__code__in=MEMBER_UNITS_B).exists():
        return
    rng = random.Random(20261015)  # noqa: S311  (deterministic demo data, not security)
    cadres = _cadres(context)
    period = FIRST_PERIOD
    while period <= LAST_PERIOD:
        for code in MEMBER_UNITS:
            _monthly(rng, member_units[code], period, cadres, staff, users)
        period = next_month(period)
    _urgent(rng, member_units["QX-JCY"], cadres, head, users)
    _meetings(member_units, units, staff)


def _monthly(rng, member_unit, period, cadres, staff, users):
    code = member_unit.unit.code
    due = services.report_due_date(period, services.schedule_of(member_unit))
    if code == MISSING_UNIT and period >= datetime.date(2026, 8, 1):
        return  # 县统计局 has not reported since August
    officer = next((users[name] for name, unit_code in OFFICERS.items() if unit_code == code), None)
    report = Report.objects.create(member_unit=member_unit, kind=Report.Kind.MONTHLY, period=period, due_date=due,
                                   created_by=officer)
    services.grant_unit_access(report)
    if code == MISSING_UNIT and period == datetime.date(2026, 7, 1):
        return  # a draft never submitted
    late = code == LATE_UNIT and period >= datetime.date(2026, 5, 1)
    submitted_on = due + datetime.timedelta(days=rng.randint(2, 6)) if late else due - datetime.timedelta(
        days=rng.randint(1, 9))
    is_nil = rng.random() < 0.4
    report.is_nil = is_nil
    report.nil_statement = "经认真梳理，本单位本月无应报告的干部监督信息。" if is_nil else ""
    report.first_submitted_at = report.submitted_at = _at(submitted_on)
    report.submitted_by = officer
    report.status = Report.Status.SUBMITTED
    signed = period < datetime.date(2026, 10, 1) or rng.random() < 0.3
    if signed:
        report.status = Report.Status.SIGNED
        report.signed_at, report.signed_by = _at(submitted_on + datetime.timedelta(days=1), 15), staff
    report.save()
    if signed:
        services.revoke_unit_change(report)
    if is_nil:
        return
    for _ in range(rng.randint(1, 3)):
        _item(rng, report, cadres, officer, submitted_on)
    if signed:
        for item in report.items.all():
            _dispose(rng, item, staff)


def _item(rng, report, cadres, officer, submitted_on, *, principal=False, severity=None):
    aspect = rng.choice(list(Aspect))
    cadre = rng.choice(cadres) if cadres and rng.random() < 0.7 else None
    name, post = (cadre.name, f"{cadre.unit.display_name}{cadre.post_title}") if cadre else rng.choice(
        FREE_TEXT_CADRES)
    if severity is None:
        roll = rng.random()
        severity = Severity.SEVERE if roll < 0.08 else Severity.SERIOUS if roll < 0.3 else Severity.MINOR
    occurred = min(submitted_on - datetime.timedelta(days=1),
                   report.period + datetime.timedelta(days=rng.randint(0, 27)))
    return ReportItem.objects.create(
        report=report, cadre=cadre, cadre_name=name, cadre_post=post, is_principal=principal or (
            cadre.is_principal if cadre else False), aspect=aspect, description=DESCRIPTIONS[aspect],
        source=SOURCES.get(report.member_unit.unit.code, "日常工作"), occurred_on=occurred, severity=severity,
        created_by=officer, matched_at=_at(submitted_on) if cadre else None)


def _dispose(rng, item, staff):
    decided_on = timezone.localtime(item.report.signed_at).date() + datetime.timedelta(days=rng.randint(1, 10))
    if item.cadre_id and item.severity == Severity.SEVERE:
        action, feedback = Disposal.Action.ADMONISHMENT, "已对该同志进行诫勉，请继续关注整改情况。"
    elif item.cadre_id and item.severity == Severity.SERIOUS:
        action, feedback = rng.choice([
            (Disposal.Action.REMINDER_TALK, "已由分管部领导进行提醒谈话。"),
            (Disposal.Action.INQUIRY, "已发函询，要求其在15个工作日内书面说明。"),
            (Disposal.Action.FOR_VETTING, "已纳入该同志下一次考察了解的内容。"),
        ])
    # 转信访举报件 needs a matched cadre (the case's 被反映人); the hand-off registers a petition case
    elif item.cadre_id and not Disposal.objects.filter(action=Disposal.Action.TO_PETITION).exists():
        action, feedback = Disposal.Action.TO_PETITION, "已转信访举报件办理。"
    else:
        action, feedback = Disposal.Action.ARCHIVE, "已存档备查，感谢支持。"
    if rng.random() < 0.15 and action == Disposal.Action.ARCHIVE:
        return  # some items still wait for a decision
    services.dispose(item, action, actor=staff, decided_on=min(decided_on, timezone.localdate()), feedback=feedback)


def _urgent(rng, member_unit, cadres, head, users):
    principals = [c for c in cadres if c.is_principal] or cadres
    sent_on = datetime.date(2026, 9, 8)
    report = Report.objects.create(member_unit=member_unit, kind=Report.Kind.URGENT, period=sent_on.replace(day=1),
                                   status=Report.Status.SIGNED, first_submitted_at=_at(sent_on, 9),
                                   submitted_at=_at(sent_on, 9), signed_at=_at(sent_on, 11), signed_by=head)
    services.grant_unit_access(report)
    services.revoke_unit_change(report)
    cadre = rng.choice(principals) if principals else None
    ReportItem.objects.create(
        report=report, cadre=cadre, cadre_name=cadre.name if cadre else "王振东",
        cadre_post=f"{cadre.unit.display_name}{cadre.post_title}" if cadre else "县城投公司董事长",
        is_principal=True, aspect=Aspect.DISCIPLINE, severity=Severity.SEVERE, occurred_on=sent_on,
        description="检察机关在办理一起工程领域案件中发现，该单位主要负责人涉嫌违规干预工程招投标，现将有关情况即时通报。",
        source="案件办理中发现", matched_at=_at(sent_on, 11) if cadre else None)
    services.notify_urgent_report(report.pk)


def _meetings(member_units, units, staff):
    plenary = Meeting.objects.create(
        organizer=units["QX-ZZB"], kind=Meeting.Kind.PLENARY, title="2025年度干部监督工作联席会议全体会议",
        held_on=datetime.date(2025, 12, 26), created_by=staff,
        agenda="一、通报2025年干部监督信息联享工作情况\n二、审议《干部监督信息联享工作规则（修订）》\n三、部署2026年重点工作",
        minutes="会议听取了县委组织部关于2025年干部监督工作联席会议运行情况的通报，各成员单位交流了信息报送情况。"
                "会议强调，要严格落实月度通报和一把手事项即时通报制度，确保信息报得准、报得及时。")
    plenary.attendees.set(member_units[code] for code in MEMBER_UNITS)
    thematic = Meeting.objects.create(
        organizer=units["QX-ZZB"], kind=Meeting.Kind.THEMATIC, title="领导干部个人有关事项查核专题会议",
        held_on=datetime.date(2026, 7, 15), created_by=staff,
        agenda="研究个人有关事项查核中发现问题的核实分工", minutes="会议明确了查核比对数据的提供时限和反馈方式。")
    thematic.attendees.set([member_units[c] for c in ("QX-JW", "QX-GA", "QX-ZRZY", "QX-CZ", "QX-SJ")])
    decisions = [
        (plenary, "修订干部监督信息联享工作规则，明确一把手事项即时通报的范围和时限", "QX-JW",
         datetime.date(2026, 3, 31), datetime.date(2026, 3, 25)),
        (plenary, "建立经济责任审计发现问题向组织部门移送的月度清单", "QX-SJ", datetime.date(2026, 6, 30), None),
        (plenary, "开展成员单位信息联络员业务培训", "QX-XF", datetime.date(2026, 12, 31), None),
        (thematic, "提供2026年度不动产登记比对数据", "QX-ZRZY", datetime.date(2026, 8, 31), datetime.date(2026, 8, 28)),
        (thematic, "提供车辆登记比对数据", "QX-GA", datetime.date(2026, 10, 31), None),
        (thematic, "提供2026年度党员干部受处分人员名单，供个人有关事项查核比对", "QX-JW",
         datetime.date(2026, 12, 15), None),
    ]
    for meeting, content, owner, deadline, done_on in decisions:
        MeetingDecision.objects.create(
            meeting=meeting, content=content, owner_unit=member_units[owner], deadline=deadline,
            status=MeetingDecision.Status.DONE if done_on else MeetingDecision.Status.OPEN, done_on=done_on,
            done_note="已按期完成。" if done_on else "", done_by=staff if done_on else None)
