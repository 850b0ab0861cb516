"""领导干部个人有关事项: yearly reports, verifications (查核) and the reproducible random draw (随机抽查).

Public for other apps: `report_due_date(year)`, `latest_verifications(cadre)`, `open_targeted_verification`
(vetting opens a 重点查核 for a cadre proposed for promotion: 凡提必核).
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
from core import audit


def report_due_date(year):
    """The deadline of the annual report (年度集中报告) of `year`: 31 January by default (editable)."""
    settings = CadreSettings.current()
    return datetime.date(year, settings.report_due_month, settings.report_due_day)


def reporters(year):
    """Cadres expected to file the annual report of `year`: in the reporting scope and not retired."""
    return Cadre.objects.filter(reports_personal_matters=True).exclude(status="retired")


@transaction.atomic
def record_report(cadre, *, actor, year, submitted_on, kind=ReportKind.ANNUAL, note="", request=None):
    if submitted_on > timezone.localdate():
        raise ValueError("报告日期不能晚于今天")
    if kind == ReportKind.ANNUAL and cadre.personal_matters_reports.filter(year=year, kind=kind).exists():
        raise ValueError(f"{cadre.name}的{year}年年度集中报告已登记")
    report = PersonalMattersReport.objects.create(cadre=cadre, year=year, kind=kind, submitted_on=submitted_on,
                                                 note=note, created_by=actor)
    audit.record(actor, audit.Action.CREATE, "cadres.pm_report.recorded", report, request=request,
                 summary=f"个人有关事项报告：{report}")
    return report


@transaction.atomic
def open_targeted_verification(cadre, *, actor, year, reason, request=None):
    """重点查核 (e.g. 凡提必核 before promotion, or a cadre named in a report)."""
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
        raise ValueError("该查核已有结果")
    if verified_on > timezone.localdate():
        raise ValueError("查核完成日期不能晚于今天")
    if measure is not None and measure.cadre_id != verification.cadre_id:
        raise ValueError("所选监督措施不属于该干部")
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
    """Ids of the cadres (a queryset, e.g. visible to the drawer) who filed the annual report of `year`,
    excluding those already verified (random or targeted) in that year."""
    reported = PersonalMattersReport.objects.filter(year=year, kind=ReportKind.ANNUAL).values("cadre_id")
    verified = Verification.objects.filter(year=year).values("cadre_id")
    return sorted(cadres.filter(pk__in=reported).exclude(pk__in=verified).values_list("pk", flat=True))


@transaction.atomic
def draw_random_sample(*, actor, year, cadres, percent=None, seed=None, request=None):
    """随机抽查: draw `percent`% (default from settings, 10%) of the year's reporters among `cadres` (the drawer's
    scope), record seed, population and result, and open a random verification for each one drawn."""
    settings = CadreSettings.objects.select_for_update().get(pk=CadreSettings.current().pk)  # one draw at a time
    percent = settings.sample_percent if percent is None else percent
    if not 0 < float(percent) <= 100:
        raise ValueError("抽查比例应在0到100之间")
    seed = secrets.randbits(48) if seed is None else int(seed)
    population = draw_population(year, cadres)
    if not population:
        raise ValueError(f"{year}年没有可抽取的报告人（均未报告或已查核）")
    selected = draw_sample(population, percent, seed)
    scope = getattr(actor, "jurisdiction", None)
    draw = RandomDraw.objects.create(year=year, percent=percent, seed=seed, population=population,
                                     selected=selected, drawn_by=actor, scope=scope)
    reports = dict(PersonalMattersReport.objects.filter(year=year, kind=ReportKind.ANNUAL, cadre_id__in=selected)
                   .values_list("cadre_id", "pk"))
    Verification.objects.bulk_create([
        Verification(cadre_id=cadre_id, year=year, method=VerificationMethod.RANDOM, draw=draw,
                     report_id=reports.get(cadre_id), reason="随机抽查", created_by=actor)
        for cadre_id in selected
    ])
    audit.record(actor, audit.Action.CREATE, "cadres.draw.drawn", draw, request=request,
                 summary=f"{year}年随机抽查：从{len(population)}名报告人中抽取{len(selected)}名（比例{percent}%）",
                 changes={"seed": [None, str(seed)], "selected": [None, ",".join(map(str, selected))]})
    return draw


def reproduce(draw):
    """Re-run a recorded draw; equal to draw.selected unless the record was tampered with."""
    return draw_sample(draw.population, draw.percent, draw.seed)


def missing_reports(year, cadres=None):
    """Cadres in the reporting scope without an annual report for `year`."""
    cadres = reporters(year) if cadres is None else cadres.filter(pk__in=reporters(year).values("pk"))
    filed = PersonalMattersReport.objects.filter(year=year, kind=ReportKind.ANNUAL).values("cadre_id")
    return cadres.exclude(pk__in=filed)
