"""Demo data: the classification of the county's units, audit history, and this year's approved plan with audits in
every state (planned, under way, reported, results being used, closed, cancelled), findings in every rectification
state (one more than 30 days overdue), evidence files and uses of results. Next year's plan is left for the user
to build from the suggestion. Idempotent (skips when classifications exist) and deterministic."""

import datetime
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits import planning, services
from audits.models import (
    AuditKind,
    AuditPlan,
    Category,
    EntryDecision,
    EntryOrigin,
    FindingCategory,
    Mode,
    PlanEntry,
    Responsibility,
    ResultKind,
    UnitClassification,
)
from cadres import idcard
from cadres.models import Cadre, CadreStatus, Gender, PositionHistory, Rank
from core import rectification
from core.concurrency import LATEST

CLASSES = {
    Category.A: ["QX-CZ", "QX-ZRZY", "QX-JT", "QX-CT", "QX-SW"],
    Category.B: ["QX-JY", "QX-WJ", "QX-RS", "QX-YY", "QX-CGZ", "QX-GA"],
    Category.C: ["QX-TJ", "QX-XF", "QX-SJ", "QX-DSZ", "QX-XHX", "QX-NPJD", "QX-YZ"],
    Category.D: ["QX-XCB", "QX-XCBAN", "QX-FY", "QX-JCY", "QX-ZZB", "QX-JW"],
}
BASIS = {
    Category.A: "年度预算及专项资金规模大，承担重大民生项目",
    Category.B: "经济活动量较大，承担部分民生任务",
    Category.C: "经济活动量一般",
    Category.D: "经济活动量小，以内部管理为主",
}
# Principal leaders created only when the cadres demo made none: (unit code, name, gender, birth, post, since).
LEADERS = [
    ("QX-CZ", "陈志刚", "M", (1971, 4, 12), "局长", (2021, 3, 1)),
    ("QX-ZRZY", "林海涛", "M", (1968, 9, 3), "局长", (2019, 6, 1)),
    ("QX-JT", "黄文斌", "M", (1975, 1, 22), "局长", (2022, 2, 1)),
    ("QX-CT", "周建华", "M", (1967, 5, 8), "董事长", (2016, 4, 1)),
    ("QX-SW", "吴晓燕", "F", (1976, 11, 30), "董事长", (2023, 1, 1)),
    ("QX-JY", "郑国平", "M", (1970, 7, 15), "局长", (2020, 9, 1)),
    ("QX-WJ", "何丽萍", "F", (1972, 2, 18), "主任", (2021, 12, 1)),
    ("QX-RS", "马俊", "M", (1978, 6, 6), "局长", (2024, 3, 1)),
    ("QX-CGZ", "杨立新", "M", (1974, 8, 9), "党委书记", (2020, 1, 1)),
    ("QX-TJ", "赵雪梅", "F", (1979, 10, 1), "局长", (2022, 8, 1)),
    ("QX-DSZ", "孙永强", "M", (1973, 3, 27), "党委书记", (2021, 5, 1)),
    ("QX-XCB", "钱文华", "M", (1969, 12, 12), "部长", (2021, 10, 1)),
]


def _d(today, days_ago):
    return today - datetime.timedelta(days=days_ago)


def _pdf(name):
    body = b"%PDF-1.4\n% demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _classify(units, actor):
    classified = []
    for category, codes in CLASSES.items():
        for code in codes:
            unit = units.get(code)
            if unit is None:
                continue
            services.classify_unit(unit, category=category, basis=BASIS[category], actor=actor)
            classified.append(unit)
    # One change of category, so the history shows something.
    if units.get("QX-RS"):
        services.classify_unit(units["QX-RS"], category=Category.A, basis="社保基金及就业补助资金规模扩大",
                               reason="2026年起承担社保基金管理，经济活动量明显增大", actor=actor,
                               version=LATEST)
    return classified


def _make_leaders(units):
    made = []
    for sequence, (code, name, gender, birth, post, since) in enumerate(LEADERS, start=1):
        unit = units.get(code)
        if unit is None:
            continue
        birth_date, since_date = datetime.date(*birth), datetime.date(*since)
        id_number = idcard.make(birth_date, gender, region="331121", sequence=sequence)
        cadre = Cadre.objects.filter(id_number=id_number).first()
        if cadre is None:
            cadre = Cadre.objects.create(
                name=name, gender=gender, birth_date=birth_date, id_number=id_number, unit=unit, post_title=post,
                rank=Rank.SECTION_CHIEF, is_principal=True, post_since=since_date)
            PositionHistory.objects.create(cadre=cadre, unit=unit, post_title=post, rank=Rank.SECTION_CHIEF,
                                           is_principal=True, start_date=since_date)
        made.append(cadre)
    return made


def _former_leader(units, today):
    """A principal who left post this year without a departure audit (the suggestion proposes one)."""
    old_unit, new_unit = units.get("QX-JT"), units.get("QX-TJ")
    if old_unit is None or new_unit is None:
        return None
    birth = datetime.date(1970, 6, 1)
    id_number = idcard.make(birth, Gender.MALE, region="331121", sequence=99)
    cadre = Cadre.objects.filter(id_number=id_number).first()
    if cadre is None:
        left_on = _d(today, 60)
        cadre = Cadre.objects.create(
            name="冯德明", gender=Gender.MALE, birth_date=birth, id_number=id_number, unit=new_unit,
            post_title="四级调研员", rank=Rank.RESEARCHER_4, is_principal=False, post_since=left_on,
            status=CadreStatus.NON_LEADING)
        PositionHistory.objects.create(cadre=cadre, unit=old_unit, post_title="局长", rank=Rank.SECTION_CHIEF,
                                       is_principal=True, start_date=datetime.date(2017, 3, 1),
                                       end_date=left_on - datetime.timedelta(days=1))
        PositionHistory.objects.create(cadre=cadre, unit=new_unit, post_title="四级调研员",
                                       rank=Rank.RESEARCHER_4, start_date=left_on)
    return cadre


def _closed_audit(cadre, year, staff, report, rng):
    audit = services.create_audit(year=year, unit=cadre.unit, cadres=[cadre], kind=AuditKind.IN_OFFICE,
                                  mode=Mode.DIRECT, period_start=datetime.date(year - 3, 1, 1),
                                  period_end=datetime.date(year - 1, 12, 31), actor=staff)
    services.transition(audit, "start", entry_date=report - datetime.timedelta(days=40), actor=staff)
    services.transition(audit, "report", report_date=report, assessment="fairly_good",
                        violation_amount=Decimal(rng.randint(10_000, 500_000)) + Decimal("0.50"), actor=staff)
    services.transition(audit, "results", result_report_date=report + datetime.timedelta(days=10), actor=staff)
    services.transition(audit, "close", actor=staff)
    return audit


def _finding(audit, staff, category, amount, description, required, start=None, responsible=None):
    return services.add_finding(audit, category=category, amount=Decimal(amount) if amount else None,
                                description=description, responsibility=Responsibility.LEADERSHIP
                                if responsible is None else Responsibility.DIRECT,
                                responsible_cadre=responsible, rectification_required=required,
                                start_date=start, actor=staff)


def _rectify(finding, staff, on, note="已整改到位，相关资金已追回并完善制度"):
    rectification.attach_evidence(finding, _pdf("整改报告.pdf"), description="整改情况报告", actor=staff)
    rectification.record_progress(finding, date=on, note=note, status=rectification.RectificationStatus.DONE,
                                  actor=staff)


def seed(context):
    if UnitClassification.objects.exists():
        return
    rng = random.Random(20260505)  # noqa: S311 (demo data)
    units, users = context["units"], context["users"]
    staff, head = users["staff01"], users["head01"]
    today = timezone.localdate()
    year = today.year
    _classify(units, staff)

    classified_units = UnitClassification.objects.values("unit_id")
    principals = list(Cadre.objects.filter(is_principal=True, unit_id__in=classified_units)
                      .select_related("unit").order_by("unit__path", "name"))
    if not principals:
        principals = _make_leaders(units)
    _former_leader(units, today)
    if len(principals) < 8:
        return  # too few leaders for the full story; the classification is still there

    # History: one audited three years ago (due again next year by an A/B cycle), one audited last year (not due).
    _closed_audit(principals[6], year - 3, staff, datetime.date(year - 3, 6, 15), rng)
    _closed_audit(principals[7], year - 1, staff, datetime.date(year - 1, 9, 20), rng)

    # This year's plan: approved, with an audit in every state.
    scope = context.get("plan_scope") or units.get("QX") or principals[0].unit
    plan = AuditPlan.objects.create(year=year, unit=scope, created_by=staff, note="演示数据")
    # The names the suggestion gives for this year (with its own reasons), topped up by hand if too few.
    history = {principals[6].pk, principals[7].pk}
    chosen = [(p.cadre, p.reasons, EntryOrigin.SUGGESTED) for p in planning.suggest(year, scope)
              if p.due and p.kind == AuditKind.IN_OFFICE and p.cadre.pk not in history][:6]
    taken = {cadre.pk for cadre, _reasons, _origin in chosen} | history
    for cadre in principals:
        if len(chosen) == 6:
            break
        if cadre.pk not in taken:
            chosen.append((cadre, ["审计委员会点题"], EntryOrigin.MANUAL))
    for cadre, reasons, origin in chosen:
        classification = UnitClassification.objects.get(unit=cadre.unit)
        PlanEntry.objects.create(
            plan=plan, cadre=cadre, unit=cadre.unit, post_title=cadre.post_title, category=classification.category,
            kind=AuditKind.IN_OFFICE, mode=classification.mode, origin=origin, reasons=reasons,
            decision=EntryDecision.ACCEPTED, decided_by=staff, decided_at=timezone.now())
    services.change_plan_status(plan, "submit", actor=staff)
    services.change_plan_status(plan, "approve", approved_on=_d(today, 320), approval_ref=f"青审委〔{year}〕1号",
                                actor=head)
    audits = list(plan.audits.select_related("unit").order_by("seq"))
    planned, in_progress, reported, results, closed, cancelled = audits

    services.transition(cancelled, "cancel", cancel_reason="该单位主要负责人拟调整，改列离任审计", actor=staff)
    services.transition(in_progress, "start", entry_date=_d(today, 30), actor=staff)
    # its draft report is out for comment: the 10-day period ends in two days
    services.update_audit(in_progress, draft_delivered_on=_d(today, 8), actor=staff, version=LATEST)
    for audit, entered in ((reported, 90), (results, 200), (closed, 300)):
        services.update_audit(audit, period_start=datetime.date(year - 4, 1, 1),
                              period_end=datetime.date(year - 1, 12, 31), actor=staff, version=LATEST)
        services.transition(audit, "start", entry_date=_d(today, entered), actor=staff)

    services.transition(reported, "report", report_date=_d(today, 20), assessment="good",
                        violation_amount=Decimal("0.00"), actor=staff)
    _finding(reported, staff, FindingCategory.INTERNAL_CONTROL, None, "部分合同未经法律审核即签订",
             "建立合同法律审核制度，补充审核手续")

    services.transition(results, "report", report_date=_d(today, 150), assessment="average",
                        violation_amount=Decimal("1286500.35"), actor=staff)
    services.transition(results, "results", result_report_date=_d(today, 140), actor=staff)
    leader = results.subjects.get().cadre
    overdue = _finding(results, staff, FindingCategory.FISCAL, "856000.35", "超范围列支会议费、培训费",
                       "追回违规列支资金，完善经费报销制度", responsible=leader)
    rectification.record_progress(overdue, date=_d(today, 100), note="已制定追回方案，正在与相关人员沟通",
                                  status=rectification.RectificationStatus.PENDING, actor=staff)
    extended = _finding(results, staff, FindingCategory.PROJECT, "430500.00", "两个工程项目未批先建",
                        "补办审批手续，追究相关责任")
    rectification.record_progress(extended, date=_d(today, 90), note="已启动补办审批手续",
                                  status=rectification.RectificationStatus.IN_PROGRESS, actor=staff)
    rectification.change_deadline(extended, today + datetime.timedelta(days=20), "需省级部门审批，经科室负责人同意延期",
                                  actor=staff)
    done = _finding(results, staff, FindingCategory.ASSETS, None, "固定资产账实不符", "开展资产清查，调整账目")
    _rectify(done, staff, _d(today, 110))
    impossible = _finding(results, staff, FindingCategory.DECISION, None, "重大投资事项未经集体决策",
                          "今后严格执行“三重一大”决策制度")
    rectification.record_progress(impossible, date=_d(today, 105),
                                  note="投资已完成且无法撤回，已追究相关责任并建立制度",
                                  status=rectification.RectificationStatus.IMPOSSIBLE, actor=staff)
    _finding(results, staff, FindingCategory.LIVELIHOOD, "12000.00", "个别民生补助资金发放不及时",
             "限期发放到位", start=_d(today, 50))
    services.record_result(results, leader, kind=ResultKind.ADMONISHMENT, date=_d(today, 130),
                           reason="审计发现超范围列支问题，负有直接责任", actor=staff)
    services.record_result(results, leader, kind=ResultKind.NO_HONOURS, date=_d(today, 130),
                           reason="取消本年度评优评先资格", actor=staff)

    services.transition(closed, "report", report_date=_d(today, 260), assessment="fairly_good",
                        violation_amount=Decimal("35600.80"), actor=staff)
    services.transition(closed, "results", result_report_date=_d(today, 250), actor=staff)
    fixed = _finding(closed, staff, FindingCategory.FISCAL, "35600.80", "公务接待超标准",
                     "退还超标准部分，规范接待管理")
    _rectify(fixed, staff, _d(today, 200))
    services.record_result(closed, closed.subjects.get().cadre, kind=ResultKind.CRITICISM, date=_d(today, 240),
                           reason="公务接待超标准，予以批评教育", actor=staff)
    services.record_result(closed, closed.subjects.get().cadre, kind=ResultKind.ASSESSMENT, date=_d(today, 240),
                           reason="审计结果纳入年度考核", actor=staff)
    services.transition(closed, "close", actor=staff)
    context["audit_plan"] = plan
    assert planned.status == "planned"  # noqa: S101 (demo sanity)
