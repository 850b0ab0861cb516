"""Demo data for 重要事项联审: registrations (one removed), certificates (one expiring within 6 months, one lent and
overdue, one not yet handed over), travel applications in every state, a 立案审查 record, personal events (one
reported late), and an inspection and a work-style inspection with rectification items, a joint review and one
accountability. Dates relative to today so deadlines are live; deterministic and idempotent."""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cadres.models import Cadre, CadreStatus, MeasureKind
from core import rectification
from core.models import User
from matters import services
from matters.models import (
    AccountabilitySituation,
    CertificateKind,
    EventKind,
    ExitEntryRegistration,
    Funding,
    InspectionKind,
    InvestigationKind,
    OpinionResult,
    ReviewConclusion,
    ReviewDepartment,
)

SEED = 13_2026


def _d(today, days):
    return today + datetime.timedelta(days=days)


def _pdf(name):
    body = b"%PDF-1.4\n% demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _pick(cadres, rng, n, today):
    """n serving cadres, chosen at random (fixed seed), that nothing blocks from travelling."""
    serving = [c for c in cadres if c.status in (CadreStatus.SERVING, CadreStatus.PROBATION)]
    rng.shuffle(serving)
    picked = []
    for cadre in serving:
        if len(picked) == n:
            break
        if not services.travel_blockers(cadre, today):
            picked.append(cadre)
    return picked


def _opinions(application, actor, replied_on, results=None):
    results = results or {}
    for department in ReviewDepartment.values:
        result = results.get(department, OpinionResult.AGREE)
        note = "涉密岗位，脱密期未满" if result == OpinionResult.DISAGREE else ""
        services.record_opinion(application, department, replied_on=replied_on, result=result, note=note,
                                actor=actor)


def _travel(people, actor, today):
    a, b, c, d, e, f, g, h, i, j = people[:10]
    for n, cadre in enumerate(people[:10]):
        services.register_cadre(cadre, _d(today, -400 - 37 * n), actor=actor)
    if len(people) > 10:
        left = services.register_cadre(people[10], _d(today, -900), actor=actor)
        services.remove_registration(left, _d(today, -60), "调任市直单位，不再属县管干部", actor=actor)

    def cert(cadre, kind, number, issued, expires, handed=True):
        return services.add_certificate(cadre, kind=kind, number=number, issued_on=issued, expires_on=expires,
                                        issuing_authority="青溪县公安局出入境管理大队",
                                        handed_over_on=_d(issued, 6) if handed else None, actor=actor)

    cert_a = cert(a, CertificateKind.PASSPORT, "EK0381245", _d(today, -3530), _d(today, 120))  # expiring
    cert_b = cert(b, CertificateKind.PASSPORT, "EK1290377", _d(today, -900), _d(today, 2750))
    cert(c, CertificateKind.HK_MACAO, "C10937781", _d(today, -14), _d(today, 3636), handed=False)  # overdue
    cert(c, CertificateKind.PASSPORT, "EK2201934", _d(today, -3), _d(today, 3650), handed=False)  # within time
    cert_d = cert(d, CertificateKind.PASSPORT, "EK3318820", _d(today, -700), _d(today, 2950))
    cert_e = cert(e, CertificateKind.HK_MACAO, "C20488163", _d(today, -1200), _d(today, 2400))
    cert_f = cert(f, CertificateKind.PASSPORT, "EK4470213", _d(today, -500), _d(today, 3150))
    cert_g = cert(g, CertificateKind.PASSPORT, "EK5571092", _d(today, -800), _d(today, 2850))
    cert(h, CertificateKind.TAIWAN, "T00388127", _d(today, -300), _d(today, 1500))

    def apply(cadre, certificate, days_ago, departs_in, length, destination, purpose, funding=Funding.SELF):
        applied = _d(today, -days_ago)
        return services.create_application(
            cadre, destination=destination, departs_on=_d(applied, departs_in),
            returns_on=_d(applied, departs_in + length - 1), purpose=purpose, funding=funding,
            companions="配偶", certificate=certificate, applied_on=applied, actor=actor)

    # 联审中: two departments have replied
    reviewing = apply(d, cert_d, 2, 20, 8, "日本", "探亲（女儿在东京就读）")
    services.record_opinion(reviewing, ReviewDepartment.ORGANIZATION, replied_on=today,
                            result=OpinionResult.AGREE, actor=actor)
    services.record_opinion(reviewing, ReviewDepartment.PUBLIC_SECURITY, replied_on=today,
                            result=OpinionResult.AGREE, actor=actor)
    # 联审完毕待审批
    reviewed = apply(f, cert_f, 8, 25, 10, "新加坡、马来西亚", "旅游（年休假）")
    _opinions(reviewed, actor, _d(today, -4))
    # 已批准
    approved = apply(a, cert_a, 15, 30, 7, "泰国", "旅游（年休假）")
    _opinions(approved, actor, _d(today, -11))
    services.approve(approved, decided_on=_d(today, -9), decision_ref="青组干审〔2026〕31号", actor=actor)
    # 已领证出行，回国后逾期未交回
    travelling = apply(b, cert_b, 45, 15, 18, "澳大利亚", "探亲（儿子定居悉尼）", Funding.RELATIVE)
    _opinions(travelling, actor, _d(today, -41))
    services.approve(travelling, decided_on=_d(today, -38), decision_ref="青组干审〔2026〕27号", actor=actor)
    services.lend_certificate(travelling, lent_on=_d(today, -31), actor=actor)
    # 证照已交回（逾期交回，列入预警）
    completed = apply(e, cert_e, 200, 20, 6, "香港", "探亲", Funding.SELF)
    _opinions(completed, actor, _d(today, -196))
    services.approve(completed, decided_on=_d(today, -192), decision_ref="青组干审〔2025〕88号", actor=actor)
    services.lend_certificate(completed, lent_on=_d(today, -182), actor=actor)
    services.return_certificate(completed, returned_on=_d(today, -160),
                                report="按批准行程往返，无其他情况。因返程后出差，交回延误。", actor=actor)
    # 按期交回
    ontime = apply(g, cert_g, 120, 10, 9, "法国", "旅游（年休假）")
    _opinions(ontime, actor, _d(today, -116))
    services.approve(ontime, decided_on=_d(today, -113), decision_ref="青组干审〔2026〕12号", actor=actor)
    services.lend_certificate(ontime, lent_on=_d(today, -111), actor=actor)
    services.return_certificate(ontime, returned_on=_d(today, -99), report="按批准的国家和日期往返，无其他情况。",
                                actor=actor)
    # 不予批准 (保密部门不同意)
    rejected = apply(h, None, 60, 20, 12, "美国", "探亲")
    _opinions(rejected, actor, _d(today, -55), {ReviewDepartment.SECRECY: OpinionResult.DISAGREE})
    services.reject(rejected, decided_on=_d(today, -50), reason="保密部门不同意：涉密岗位脱密期未满", actor=actor)
    # 已撤回
    withdrawn = apply(i, None, 30, 30, 5, "韩国", "旅游")
    services.withdraw(withdrawn, reason="工作安排调整，本人申请撤回", actor=actor)
    # 立案审查: j may not apply now (the form shows why)
    services.record_investigation(j, kind=InvestigationKind.REVIEW_AND_INVESTIGATION, started_on=_d(today, -20),
                                  notice_ref="青纪通〔2026〕5号", actor=actor)


def _events(people, actor, today):
    a, b, c = people[:3]
    services.report_personal_event(a, kind=EventKind.WEDDING, party="儿子", event_date=_d(today, 18),
                                   venue="青溪县城关镇家中及青溪宾馆", tables=12, guests=120, accepts_gifts=True,
                                   gift_scope="仅限直系亲属", reported_on=_d(today, -3), actor=actor)
    services.report_personal_event(b, kind=EventKind.FUNERAL, party="父亲", event_date=_d(today, -40),
                                   venue="东山镇老家", tables=8, guests=80, accepts_gifts=False,
                                   reported_on=_d(today, -37), note="丧事从简，事后补报", actor=actor)  # late
    services.report_personal_event(c, kind=EventKind.BIRTHDAY, party="母亲（八十寿辰）", event_date=_d(today, -90),
                                   venue="西河乡家中", tables=5, guests=50, accepts_gifts=False,
                                   reported_on=_d(today, -100), actor=actor)


def _secretary(cadres, unit):
    for cadre in cadres:
        if cadre.unit_id == unit.pk and cadre.is_principal:
            return cadre
    return Cadre.objects.filter(unit=unit, is_principal=True).first()


def _inspections(cadres, units, actor, today):
    unit = units.get("QX-DSZ") or units.get("QX-JT")
    if unit is None:
        return
    secretary = _secretary(cadres, unit)
    inspection = services.create_inspection(
        unit, kind=InspectionKind.INSPECTION, round_name=f"{today.year}年县委第一轮巡察", team="县委第二巡察组",
        feedback_on=_d(today, -95), secretary=secretary, actor=actor,
        feedback="落实全面从严治党主体责任不够有力；“三重一大”决策制度执行不严；惠农资金管理不规范；选人用人程序不够规范。")
    items = [
        ("“三重一大”事项未经党委会集体研究即实施，涉及3项工程发包", "修订议事规则，对相关事项补充集体研究并建立台账",
         "党委办公室"),
        ("惠农补贴资金发放台账不全，个别村存在代领现象", "全面清理补贴发放，追回违规资金，建立公示制度", "农业农村办"),
        ("干部选拔任用纪实材料不完整", "补齐纪实材料，完善全程纪实制度", "组织办"),
        ("村级财务公开不及时", "按季度公开村级财务，建立督查机制", "三资管理中心"),
    ]
    made = []
    for problem, required, owner in items:
        made.append(services.add_item(inspection, problem=problem, rectification_required=required, owner_name=owner,
                                      owner_cadre=secretary, actor=actor))
    done, progressing = made[0], made[1]
    rectification.attach_evidence(done, _pdf("三重一大议事规则（修订）.pdf"), actor=actor)
    rectification.record_progress(done, date=_d(today, -50), note="议事规则已修订印发，3项工程已补充集体研究",
                                  status=rectification.RectificationStatus.DONE, actor=actor)
    rectification.record_progress(progressing, date=_d(today, -30), note="已清理12个村，追回资金2.3万元",
                                  status=rectification.RectificationStatus.IN_PROGRESS, actor=actor)
    services.record_joint_review(
        inspection, held_on=_d(today, -20), discipline_opinion="惠农资金问题整改进度偏慢，代领问题须追责到人",
        organization_opinion="选人用人问题整改不到位，纪实材料仍未补齐",
        inspection_office_opinion="整改方案基本可行，部分措施不够具体",
        inspection_team_opinion="反馈问题整改总体滞后，第一责任人责任落实不够",
        secretary_answers="党委书记答询：承认对整改统筹不够，承诺一个月内完成惠农资金清理和纪实材料补齐。",
        conclusion=ReviewConclusion.SUPPLEMENT, actor=actor)
    if secretary is not None:
        situations = list(AccountabilitySituation.objects.filter(active=True).order_by("sort_order")[:2])
        services.hold_accountable(inspection, situations=situations, measure_kind=MeasureKind.ORDERED_REVIEW,
                                  decided_on=_d(today, -15),
                                  reason="巡察反馈后未及时召开班子会研究整改，整改推进迟缓，经四方会审认定整改不力。",
                                  actor=actor)
    work_unit = units.get("QX-JT") or unit
    checked = _d(today, -40)
    quarter = (checked.month - 1) // 3 + 1
    style = services.create_inspection(
        work_unit, kind=InspectionKind.WORK_STYLE, round_name=f"{checked.year}年第{quarter}季度作风督查",
        team="县委督查室", feedback_on=checked, secretary=_secretary(cadres, work_unit), actor=actor,
        feedback="窗口服务效率不高，群众办事“多头跑”；上班时间个别人员脱岗。")
    services.add_item(style, problem="窗口服务“多头跑”", rectification_required="推行一窗受理、限时办结",
                      owner_name="政务服务科", actor=actor)
    services.add_item(style, problem="上班时间脱岗", rectification_required="严格考勤，约谈相关人员",
                      owner_name="办公室", deadline=_d(today, 3), actor=actor)


def seed(context):
    if ExitEntryRegistration.objects.exists():
        return
    cadres = context.get("cadres") or list(Cadre.objects.select_related("unit").order_by("id"))
    if len(cadres) < 12:
        return
    users = context.get("users") or {}
    actor = users.get("staff01") or User.objects.filter(username="staff01").first()
    today = timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 (deterministic demo data, not security)
    people = _pick(cadres, rng, 14, today)
    _travel(people, actor, today)
    _events(people[11:14] if len(people) >= 14 else people[:3], actor, today)
    _inspections(cadres, context.get("units") or {}, actor, today)
