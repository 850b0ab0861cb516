"""领导干部个人有关事项: yearly reports, verifications (查核) and the reproducible random draw (随机抽查).

Public for other apps: `report_due_date(year)`, `latest_verifications(cadre)`, `open_targeted_verification`
(vetting opens a 重点查核 for a cadre proposed for promotion: 凡提必核), `expect_report` (a 新任 or 事项变化 report
owed, e.g. at an appointment).
"""

import datetime
import math
import random
import secrets

from django.db import transaction
from django.utils import timezone

from cadres.models import (
    Cadre,
    CadreSettings,
    PersonalMattersReport,
    RandomDraw,
    ReportKind,
    Verification,
    VerificationMethod,
)
from core import audit, roles
from core.refusals import Refused, not_future


def report_due_date(year, settings=None):
    """The deadline of the annual report (年度集中报告) of `year`: 31 January by default (editable; `settings`, a
    CadreSettings row, the city's unless given)."""
    settings = settings or CadreSettings.current()
    return datetime.date(year, settings.report_due_month, settings.report_due_day)


def reporters(year):
    """Cadres expected to file the annual report of `year`: in the reporting scope and not retired."""
    return Cadre.objects.filter(reports_personal_matters=True).exclude(status="retired")


def change_report_due(cadre, event_on):
    """A 事项变化 or 新任 report is due N (default 30; the cadre's jurisdiction's) days after the event
    (《领导干部报告个人有关事项规定》)."""
    return event_on + datetime.timedelta(days=CadreSettings.for_unit(cadre.unit_id).change_report_days)


def _check_event(kind, event_on, submitted_on=None):
    if kind == ReportKind.ANNUAL:
        return
    if event_on is None:
        raise Refused("事项变化报告和新任报告须填写事项发生日期（新任：任职日期）")
    not_future(event_on, "事项发生日期")
    if submitted_on and submitted_on < event_on:
        raise Refused("报告日期不能早于事项发生日期")


@transaction.atomic
def expect_report(cadre, *, actor, kind, event_on, note="", request=None):
    """登记应报事项: a 事项变化 or 新任 report the cadre owes, due 30 days after `event_on`; the deadline scan
    reminds the office until it is filed (record_report)."""
    if kind == ReportKind.ANNUAL:
        raise Refused("年度集中报告无需登记应报事项")
    _check_event(kind, event_on)
    report = PersonalMattersReport.objects.create(cadre=cadre, year=event_on.year, kind=kind, event_on=event_on,
                                                 due_on=change_report_due(cadre, event_on), note=note, created_by=actor)
    audit.record(actor, audit.Action.CREATE, "cadres.pm_report.expected", report, request=request,
                 summary=f"应报个人有关事项：{report}，{report.due_on:%Y-%m-%d}前报告")
    return report


@transaction.atomic
def record_report(cadre, *, actor, year, submitted_on, kind=ReportKind.ANNUAL, event_on=None, note="",
                  request=None):
    """A report filed. A 事项变化/新任 report fills the expected one of the same kind and event date, if any."""
    not_future(submitted_on, "报告日期")
    _check_event(kind, event_on, submitted_on)
    if kind == ReportKind.ANNUAL and cadre.personal_matters_reports.filter(year=year, kind=kind).exists():
        raise Refused(f"{cadre.name}的{year}年年度集中报告已登记")
    report = (cadre.personal_matters_reports.select_for_update()
              .filter(kind=kind, event_on=event_on, submitted_on__isnull=True).first()
              if kind != ReportKind.ANNUAL else None)
    if report is None:
        report = PersonalMattersReport(cadre=cadre, year=year, kind=kind, event_on=event_on, created_by=actor,
                                       due_on=change_report_due(cadre, event_on) if event_on else None)
    report.submitted_on, report.note = submitted_on, note or report.note
    report.save()
    late = report.due_on is not None and submitted_on > report.due_on
    audit.record(actor, audit.Action.CREATE, "cadres.pm_report.recorded", report, request=request,
                 summary=f"个人有关事项报告：{report}{'（逾期报告）' if late else ''}")
    return report


def pending_reports():
    """事项变化/新任 reports expected and not filed yet (for the deadline scan)."""
    return PersonalMattersReport.objects.filter(submitted_on__isnull=True, due_on__isnull=False)


@transaction.atomic
def open_targeted_verification(cadre, *, actor, year, reason, request=None):
    """重点查核 (e.g. 凡提必核 before promotion, or a cadre named in a report)."""
    if year > timezone.localdate().year:
        raise Refused(f"查核年度{year}年晚于今年")
    report = cadre.personal_matters_reports.filter(year__lte=year).order_by("-year", "-submitted_on").first()
    verification = Verification.objects.create(cadre=cadre, year=year, method=VerificationMethod.TARGETED,
                                               reason=reason, report=report, created_by=actor)
    audit.record(actor, audit.Action.CREATE, "cadres.verification.opened", verification, request=request,
                 summary=f"重点查核：{cadre}（{reason}）")
    return verification


@transaction.atomic
def complete_verification(verification, *, actor, result, verified_on, handling="", measure=None, request=None):
    verification = Verification.objects.select_for_update().select_related("cadre").get(pk=verification.pk)
    if verification.is_done:
        raise Refused("该查核已有结果")
    not_future(verified_on, "查核完成日期")
    if measure is not None and measure.cadre_id != verification.cadre_id:
        raise Refused("所选监督措施不属于该干部")
    verification.result = result
    verification.verified_on = verified_on
    verification.handling = handling
    verification.measure = measure
    verification.save(update_fields=["result", "verified_on", "handling", "measure"])
    audit.record(actor, audit.Action.UPDATE, "cadres.verification.completed", verification, request=request,
                 summary=f"查核结果：{verification.cadre} {verification.get_result_display()}")
    return verification


def sample_size(population_size, percent):
    """How many to draw: N% rounded up, so a small population still gets at least one."""
    return min(population_size, math.ceil(population_size * float(percent) / 100)) if population_size else 0


def draw_sample(population, percent, seed):
    """The cadre ids drawn from `population` (ids) with `seed`: the same inputs give the same result anywhere."""
    ordered = sorted(population)
    rng = random.Random(seed)  # noqa: S311  (reproducible sampling, not security)
    return sorted(rng.sample(ordered, sample_size(len(ordered), percent)))


def draw_population(year, cadres):
    """Ids of ALL the cadres (a queryset: those in the drawer's scope) who filed the annual report of `year`,
    including any already verified: the 10% is taken from every reporter, not from those left over."""
    reported = PersonalMattersReport.objects.filter(year=year, kind=ReportKind.ANNUAL).values("cadre_id")
    return sorted(cadres.filter(pk__in=reported).values_list("pk", flat=True))


def _check_second_draw(actor, year, scope, reason):
    """One draw a year per scope; a further one only by the 科室负责人, with a reason (it is audited)."""
    earlier = RandomDraw.objects.filter(year=year, scope=scope).order_by("drawn_at").first()
    if earlier is None:
        return ""
    if not actor.has_role(roles.SECTION_HEAD):
        raise Refused(f"{year}年已于{timezone.localtime(earlier.drawn_at):%Y-%m-%d}抽取；"
                         f"如需再次抽取，须由科室负责人填写理由后进行")
    if not (reason or "").strip():
        raise Refused("再次抽取须填写理由")
    return reason.strip()[:200]


@transaction.atomic
def draw_random_sample(*, actor, year, cadres, percent=None, reason="", request=None):
    """随机抽查: draw `percent`% (default from settings, 10%) of ALL the year's reporters among `cadres` (the
    drawer's scope), record seed, population and result, and open a random verification for each one drawn. The
    seed comes from the system's secure generator, never from the user; a second draw of the year in the same scope
    is the section head's, with a reason."""
    scope = getattr(actor, "jurisdiction", None)
    # the drawer's jurisdiction's percentage; its row locked: one draw at a time
    settings = CadreSettings.objects.select_for_update().get(pk=CadreSettings.for_unit(scope).pk)
    percent = settings.sample_percent if percent is None else percent
    if not 0 < float(percent) <= 100:
        raise Refused("抽查比例应在0到100之间")
    if year > timezone.localdate().year:
        raise Refused(f"抽查年度{year}年晚于今年")
    reason = _check_second_draw(actor, year, scope, reason)
    population = draw_population(year, cadres)
    if not population:
        raise Refused(f"{year}年没有可抽取的报告人（尚无人报告）")
    seed = secrets.randbits(48)
    selected = draw_sample(population, percent, seed)
    draw = RandomDraw.objects.create(year=year, percent=percent, seed=seed, population=population,
                                     selected=selected, drawn_by=actor, scope=scope, reason=reason)
    reports = dict(PersonalMattersReport.objects.filter(year=year, kind=ReportKind.ANNUAL, cadre_id__in=selected)
                   .values_list("cadre_id", "pk"))
    Verification.objects.bulk_create([
        Verification(cadre_id=cadre_id, year=year, method=VerificationMethod.RANDOM, draw=draw,
                     report_id=reports.get(cadre_id), reason="随机抽查", created_by=actor)
        for cadre_id in selected
    ])
    summary = f"{year}年随机抽查：从{len(population)}名报告人中抽取{len(selected)}名（比例{percent}%）"
    audit.record(actor, audit.Action.CREATE, "cadres.draw.redrawn" if reason else "cadres.draw.drawn", draw,
                 request=request, summary=summary + (f"；再次抽取理由：{reason}" if reason else ""),
                 changes={"seed": [None, str(seed)], "selected": [None, ",".join(map(str, selected))],
                          **({"reason": [None, reason]} if reason else {})})
    return draw


def reproduce(draw):
    """Re-run a recorded draw; equal to draw.selected unless the record was tampered with."""
    return draw_sample(draw.population, draw.percent, draw.seed)


def missing_reports(year, cadres=None):
    """Cadres in the reporting scope without an annual report for `year`."""
    cadres = reporters(year) if cadres is None else cadres.filter(pk__in=reporters(year).values("pk"))
    filed = PersonalMattersReport.objects.filter(year=year, kind=ReportKind.ANNUAL).values("cadre_id")
    return cadres.exclude(pk__in=filed)
