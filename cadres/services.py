"""Domain operations on cadres. Other apps call these public functions, never the models' internals.

Public for other apps: `record_measure` (the only way to create a supervision measure), `promotion_barred_until`,
`impact_months`, `inquiry_reply_due`. Personal matters (reports, verifications, the random draw) are in
cadres.personal_matters.
"""

import datetime
from decimal import Decimal
from typing import NamedTuple

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cadres import idcard
from cadres.dates import add_months, period_until
from cadres.models import (
    AnnualAssessment,
    AssessmentGrade,
    Cadre,
    CadreSettings,
    CadreStatus,
    DutyIntegrityReport,
    FamilyMember,
    ImpactPeriod,
    MeasureKind,
    PositionHistory,
    SupervisionMeasure,
)
from core import audit, workdays
from core.bundles import steps
from core.concurrency import claim_version
from core.refusals import Refused, not_future

# Fields of a cadre that are plain facts about the person; the post fields follow the current PositionHistory row.
BASIC_FIELDS = ["name", "gender", "ethnicity", "birth_date", "id_number", "native_place", "party_joined_on",
                "education", "management_level", "status", "reports_personal_matters"]
POST_FIELDS = ["unit", "post_title", "rank", "is_principal", "post_since"]


def _field_changes(instance, before, fields):
    return audit.changed_fields(instance, before, [f for f in fields if f != "id_number"])


# --- cadres and their posts -------------------------------------------------------------------------------------

@transaction.atomic
def create_cadre(*, actor, unit, post_title, rank, is_principal=False, post_since=None, request=None, **basics):
    """A new cadre with its current post as the first PositionHistory row. `basics` are BASIC_FIELDS."""
    cadre = Cadre(unit=unit, post_title=post_title, rank=rank, is_principal=is_principal, post_since=post_since,
                  **basics)
    cadre.full_clean()
    cadre.save()
    PositionHistory.objects.create(cadre=cadre, unit=unit, post_title=post_title, rank=rank,
                                   is_principal=is_principal, start_date=post_since or timezone.localdate())
    if post_since is None:
        cadre.post_since = cadre.positions.get(end_date__isnull=True).start_date
        cadre.save(update_fields=["post_since"])
    audit.record(actor, audit.Action.CREATE, "cadres.cadre.created", cadre, request=request,
                 summary=f"新增干部：{cadre.name}（{unit.display_name}{post_title}）")
    return cadre


@transaction.atomic
def update_cadre(cadre, *, actor, request=None, version=None, **basics):
    """Change basic facts (not the post: that goes through change_post). `version` is the one the form opened at:
    a save in between raises core.concurrency.EditConflict."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    unknown = set(basics) - set(BASIC_FIELDS)
    if unknown:
        raise Refused(f"不能在此修改：{', '.join(sorted(unknown))}")
    claim_version(cadre, version, basics)
    before = {field: getattr(cadre, field) for field in BASIC_FIELDS}
    for field, value in basics.items():
        setattr(cadre, field, value)
    cadre.full_clean()
    cadre.save()
    changes = _field_changes(cadre, before, BASIC_FIELDS)
    if before["id_number"] != cadre.id_number:
        changes["id_number"] = ["（已修改）", "（已修改）"]  # never the numbers themselves in the log
    if changes:
        audit.record(actor, audit.Action.UPDATE, "cadres.cadre.updated", cadre, request=request,
                     summary=f"修改干部信息：{cadre.name}", changes=changes)
    return cadre


def _sync_current_post(cadre):
    """Copy the current PositionHistory row onto the cadre: one truth, two places to read it."""
    current = cadre.positions.filter(end_date__isnull=True).first()
    if current is None or current.unit_id is None:
        return
    cadre.unit_id = current.unit_id
    cadre.post_title = current.post_title
    cadre.rank = current.rank or cadre.rank
    cadre.is_principal = current.is_principal
    cadre.post_since = current.start_date
    cadre.save(update_fields=[*POST_FIELDS, "updated_at"])


CORRECTABLE_POST_FIELDS = {"unit", "post_title", "rank", "is_principal", "start_date"}


@transaction.atomic
def correct_current_post(cadre, *, actor, request=None, source="", **post):
    """更正现任职务: the record of the post held now was wrong (its name, unit, start); fix that row rather than
    invent a move, and keep the cadre in step. `source` names where the correction came from (名册, 任免审批表)."""
    unknown = set(post) - CORRECTABLE_POST_FIELDS
    if unknown:
        raise Refused(f"不能在此更正：{', '.join(sorted(unknown))}")
    current = cadre.positions.select_for_update().filter(end_date__isnull=True).first()
    if current is None:
        raise Refused(f"{cadre.name}没有现任职务记录，无法更正")
    for key, value in post.items():
        setattr(current, key, value)
    current.save()
    _sync_current_post(cadre)
    audit.record(actor, audit.Action.UPDATE, "cadres.cadre.post_corrected", cadre, request=request,
                 summary=f"{source}更正现任职务：{cadre.name} {current.unit.display_name}{current.post_title}")
    return cadre


@transaction.atomic
def change_post(cadre, *, actor, unit, post_title, rank, start_date, is_principal=False, status=None,
                request=None):
    """任职变动: end the current post the day before `start_date`, open the new one, keep the cadre in step."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    current = cadre.positions.filter(end_date__isnull=True).first()
    if current is not None:
        if start_date <= current.start_date:
            raise Refused(f"新任职时间应晚于现任职务的任职时间（{current.start_date:%Y-%m-%d}）", field="start_date")
        current.end_date = start_date - datetime.timedelta(days=1)
        current.save(update_fields=["end_date"])
    elif cadre.post_title:
        # A cadre recorded without position history (older data): keep the post being left in the history, so it
        # stays the one record of what was held when (e.g. on a vetting case's opening date).
        day_before = start_date - datetime.timedelta(days=1)
        since = cadre.post_since if cadre.post_since and cadre.post_since <= day_before else day_before
        PositionHistory.objects.create(cadre=cadre, unit=cadre.unit, post_title=cadre.post_title, rank=cadre.rank,
                                       is_principal=cadre.is_principal, start_date=since, end_date=day_before)
    PositionHistory.objects.create(cadre=cadre, unit=unit, post_title=post_title, rank=rank,
                                   is_principal=is_principal, start_date=start_date)
    _sync_current_post(cadre)
    if status and status != cadre.status:
        cadre.status = status
        cadre.save(update_fields=["status", "updated_at"])
    audit.record(actor, audit.Action.UPDATE, "cadres.cadre.post_changed", cadre, request=request,
                 summary=f"任职变动：{cadre.name} 任{unit.display_name}{post_title}（{start_date:%Y-%m-%d}起）")
    return cadre


def reveal_id_number(cadre, *, request):
    """The full ID number for a user allowed to see it (checked by the caller); every view is logged."""
    audit.record_request(request, audit.Action.VIEW, "cadres.cadre.id_number_viewed", cadre,
                         summary=f"查看完整身份证号：{cadre.name}")
    return cadre.id_number


@transaction.atomic
def set_family_id_number(member, id_number, *, actor, request=None):
    """Record (or clear, with "") a family member's ID number: checked as a citizen ID number and against the birth
    month of the form. The log keeps it masked."""
    value = (id_number or "").strip().upper()
    if value:
        try:
            born, _ = idcard.parse(value)
        except ValueError as error:
            raise Refused(error, field="id_number") from None
        month = member.birth_month
        if month and (born.year, born.month) != (month.year, month.month):
            raise Refused(f"身份证号中的出生年月（{born.year}年{born.month}月）与登记的出生年月"
                          f"（{month.year}年{month.month}月）不一致", field="id_number")
        if FamilyMember.objects.filter(cadre=member.cadre_id, id_number=value).exclude(pk=member.pk).exists():
            raise Refused("该身份证号已登记给这名干部的另一位家庭成员", field="id_number")
    FamilyMember.objects.filter(pk=member.pk).update(id_number=value)
    member.id_number = value
    audit.record(actor, audit.Action.UPDATE, "cadres.family_member.id_number_recorded", member.cadre, request=request,
                 summary=f"{'登记' if value else '清除'}家庭成员身份证号：{member.cadre.name}的{member.relation}"
                         f"{member.name}",
                 changes={"member": member.pk, "id_number": idcard.mask(value) if value else ""})
    return member


# --- supervision measures ---------------------------------------------------------------------------------------

def inquiry_reply_due(cadre, delivered_on):
    """函询 reply deadline: N (default 15; the cadre's jurisdiction's) working days after delivery; a
    Deadline(date, provisional)."""
    days = CadreSettings.for_unit(cadre.unit_id).inquiry_reply_working_days
    return workdays.add_working_days(delivered_on, days)


@transaction.atomic
def record_measure(cadre, kind, date, reason, *, actor, source_channel="other", source=None, request=None,
                   delivered_on=None, previous=None):
    """Record a supervision measure; `source` is the case in another app it came from (any model instance).

    For a 函询, `delivered_on` (送达日期) sets the reply deadline; `previous` is the earlier 函询 whose unclear reply
    led to this one."""
    not_future(date, f"{MeasureKind(kind).label}日期")
    measure = SupervisionMeasure(cadre=cadre, kind=kind, date=date, reason=reason, source_channel=source_channel,
                                 created_by=actor, previous=previous)
    if source is not None:
        measure.source_type = source._meta.label_lower
        measure.source_code = str(getattr(source, "code", None) or source.pk)
        measure.source_label = str(source)[:200]
        measure.source_url = source.get_absolute_url() if hasattr(source, "get_absolute_url") else ""
    if kind == MeasureKind.INQUIRY and delivered_on is not None:
        _set_delivery(measure, delivered_on)
    measure.save()
    summary = f"{measure.get_kind_display()}：{cadre}"
    if measure.reply_due:
        summary += f"，答复期限{measure.reply_due:%Y-%m-%d}{'（暂定）' if measure.reply_due_provisional else ''}"
    audit.record(actor, audit.Action.CREATE, "cadres.measure.created", measure, request=request, summary=summary)
    return measure


def _set_delivery(measure, delivered_on):
    not_future(delivered_on, "送达日期")
    if delivered_on < measure.date:
        raise Refused("送达日期不能早于函询日期")
    due = inquiry_reply_due(measure.cadre, delivered_on)
    measure.delivered_on = delivered_on
    measure.reply_due = due.date
    measure.reply_due_provisional = due.provisional


def _locked_measure(measure):
    return SupervisionMeasure.objects.select_for_update().select_related("cadre").get(pk=measure.pk)


@transaction.atomic
def record_inquiry_delivery(measure, delivered_on, *, actor, request=None):
    measure = _locked_measure(measure)
    if not measure.awaiting_reply:
        raise Refused("只有未答复的函询可以登记送达")
    _set_delivery(measure, delivered_on)
    measure.save(update_fields=["delivered_on", "reply_due", "reply_due_provisional"])
    audit.record(actor, audit.Action.UPDATE, "cadres.measure.delivered", measure, request=request,
                 summary=f"函询送达：{measure.cadre}，答复期限{measure.reply_due:%Y-%m-%d}")
    return measure


@transaction.atomic
def record_inquiry_reply(measure, replied_on, reply, *, actor, request=None):
    measure = _locked_measure(measure)
    if not measure.awaiting_reply:
        raise Refused("该函询已答复或已作废")
    if measure.delivered_on and replied_on < measure.delivered_on:
        raise Refused("答复日期不能早于送达日期")
    not_future(replied_on, "答复日期")
    measure.replied_on = replied_on
    measure.reply = reply
    measure.save(update_fields=["replied_on", "reply"])
    late = measure.reply_due and replied_on > measure.reply_due
    audit.record(actor, audit.Action.UPDATE, "cadres.measure.replied", measure, request=request,
                 summary=f"函询答复：{measure.cadre}{'（逾期）' if late else ''}")
    return measure


@transaction.atomic
def void_measure(measure, reason, *, actor, request=None):
    """Measures are never deleted: voided with a reason, kept in the record."""
    measure = _locked_measure(measure)
    if measure.is_void:
        raise Refused("该措施已作废")
    if not reason.strip():
        raise Refused("请填写作废原因")
    measure.voided_at = timezone.now()
    measure.void_reason = reason.strip()[:200]
    measure.save(update_fields=["voided_at", "void_reason"])
    audit.record(actor, audit.Action.UPDATE, "cadres.measure.voided", measure, request=request,
                 summary=f"作废监督措施：{measure}", changes={"void_reason": [None, measure.void_reason]})
    return measure


@workdays.register_recompute
def recompute_inquiries_for_schedule(first, last):
    """core.workdays hook: 函询 reply deadlines (N working days after delivery) counted from on or before `last`
    that end on or after `first` follow the changed holiday schedule; open ones tell whoever registered them."""
    moves = []
    reaching = (SupervisionMeasure.objects.filter(kind=MeasureKind.INQUIRY, voided_at__isnull=True,
                                                  delivered_on__lte=last, reply_due__gte=first)
                .select_related("cadre", "created_by").select_for_update(of=("self",)))
    for measure in reaching:
        due = inquiry_reply_due(measure.cadre, measure.delivered_on)
        if (due.date, due.provisional) == (measure.reply_due, measure.reply_due_provisional):
            continue
        old = measure.reply_due
        SupervisionMeasure.objects.filter(pk=measure.pk).update(reply_due=due.date,
                                                                reply_due_provisional=due.provisional)
        if due.date != old and measure.replied_on is None and measure.created_by is not None:
            moves.append(workdays.Move(measure, "reply_due", "函询答复期限", old, due.date, due.provisional,
                                       (measure.created_by,), f"函询 {measure.cadre.name}",
                                       measure.cadre.get_absolute_url()))
    return moves


# --- impact periods ---------------------------------------------------------------------------------------------

NO_PROMOTION = "期内不得提拔"
NO_POST = "期内不得安排职务"
NO_HIGHER_POST = "期内不得担任高于原职务层次的职务"


class ImpactBar(NamedTuple):
    """One restriction a measure puts on a cadre: it applies before `until` (the day it ends)."""

    until: datetime.date
    measure: SupervisionMeasure
    restriction: str

    @property
    def text(self):
        return (f"{self.measure.date:%Y-%m-%d}受到{self.measure.get_kind_display()}，{self.restriction}，"
                f"{period_until(self.until)}")


def impact_months():
    """{measure kind: months} from the admin table (kinds missing from it have none)."""
    return {row.kind: row.months for row in ImpactPeriod.objects.all()}


def _bars(measure, period, on_date):
    """The restrictions of one measure still running on `on_date`: the impact period, and after 责令辞职/免职 the
    longer bar on a post above the former level."""
    bars = []
    if period.months:
        until = add_months(measure.date, period.months)
        if until > on_date:
            bars.append(ImpactBar(until, measure, NO_POST if period.no_post else NO_PROMOTION))
    if period.higher_post_months:
        until = add_months(measure.date, period.higher_post_months)
        if until > on_date:
            bars.append(ImpactBar(until, measure, NO_HIGHER_POST))
    return bars


@steps
def impact_bars(cadre_ids, on_date):
    """{cadre_id: [ImpactBar, ...]} running on `on_date`, longest first. Two queries whatever the number of cadres
    (one statement in a bundle: core.bundles)."""
    counted = ImpactPeriod.objects.filter(Q(months__gt=0) | Q(higher_post_months__gt=0))
    measures = SupervisionMeasure.objects.filter(cadre_id__in=cadre_ids, kind__in=counted.values("kind"),
                                                 voided_at__isnull=True, date__lte=on_date)
    rows = yield {"table": counted, "measures": measures.order_by("cadre_id", "date")}
    table = {row.kind: row for row in rows["table"]}
    running = {}
    for measure in rows["measures"]:
        for bar in _bars(measure, table[measure.kind], on_date):
            running.setdefault(measure.cadre_id, []).append(bar)
    for bars in running.values():
        bars.sort(key=lambda bar: bar.until, reverse=True)
    return running


def promotion_barred_until(cadre, on_date=None):
    """(the day the last running bar on promotion ends, the measure behind it) or None when none is running.
    Every bar stops a promotion: no post at all, no promotion, or nothing above the former level."""
    on_date = on_date or timezone.localdate()
    bars = impact_bars([cadre.pk], on_date).get(cadre.pk)
    return (bars[0].until, bars[0].measure) if bars else None


# --- assessments and 述职述廉 ----------------------------------------------------------------------------------

def probation_at(cadre, day):
    """(appointed_on, probation_end) of the 试用期 the cadre was serving on `day`, or None. Probation is recorded by
    the vetting app (vetting.Appointment: appointed_on, probation_end = the day it ends); read through the app
    registry so that cadres does not import vetting. A cadre marked 试用期 with no vetting record counts today."""
    if apps.is_installed("vetting"):
        appointment = (apps.get_model("vetting", "Appointment").objects
                       .filter(case__cadre=cadre, appointed_on__lte=day, probation_end__gt=day)
                       .exclude(assessed_on__lte=day).order_by("-appointed_on").first())
        if appointment is not None:
            return appointment.appointed_on, appointment.probation_end
    if cadre.status == CadreStatus.PROBATION and day >= timezone.localdate():
        return cadre.post_since, None
    return None


def _check_assessment(cadre, year, grade, unfit_vote_share):
    """The rules on an annual assessment, checked whatever calls record_assessment (form, .lrmx import, ...)."""
    today = timezone.localdate()
    if year > today.year:
        raise Refused(f"考核年度{year}年晚于今年，不能登记")
    if unfit_vote_share is not None and not 0 <= unfit_vote_share <= 100:
        raise Refused("不称职票比例应在0到100之间")
    if grade == AssessmentGrade.EXCELLENT:
        admonished = (cadre.measures.filter(kind=MeasureKind.ADMONISHMENT, voided_at__isnull=True, date__year=year)
                      .order_by("date").first())
        if admonished is not None:
            raise Refused(f"{cadre.name}于{admonished.date:%Y-%m-%d}受到诫勉，{year}年度考核不得确定为优秀等次")
    probation = probation_at(cadre, min(datetime.date(year, 12, 31), today))
    if probation is not None and grade != AssessmentGrade.NOT_GRADED:
        since, ends_on = probation
        span = "，".join(filter(None, [f"{since:%Y-%m-%d}起" if since else "",
                                       period_until(ends_on, "试用期") if ends_on else ""]))
        raise Refused(f"{cadre.name}{year}年度处于试用期（{span}），年度考核只能登记为“不确定等次”，"
                         f"以试用期满考核为准")


def excellent_share(unit, year):
    """(优秀 count, assessed count, limit %) of the cadres now in `unit` assessed for `year`."""
    graded = AnnualAssessment.objects.filter(cadre__unit=unit, year=year).exclude(grade=AssessmentGrade.NOT_GRADED)
    excellent = graded.filter(grade=AssessmentGrade.EXCELLENT).count()
    return excellent, graded.count(), CadreSettings.for_unit(unit).excellent_share_limit


def excellent_share_warning(unit, year):
    """The warning (not a refusal) when 优秀 passes the share limit (default 20%) of a unit's assessed cadres."""
    excellent, assessed, limit = excellent_share(unit, year)
    if not assessed or excellent * 100 <= limit * assessed:
        return ""
    return (f"提示：{unit.display_name}{year}年度已登记考核{assessed}人，其中优秀{excellent}人，"
            f"占{excellent * 100 / assessed:.1f}%，超过{Decimal(limit).normalize():f}%的比例上限，请核实")


@transaction.atomic
def record_assessment(cadre, *, actor, year, grade, unfit_vote_share=None, note="", request=None):
    """年度考核 (one a year; a second entry for the year replaces the first). Refuses what the rules forbid
    (_check_assessment); `assessment.share_warning` carries the 优秀 share warning, if any."""
    _check_assessment(cadre, year, grade, unfit_vote_share)
    assessment, created = AnnualAssessment.objects.update_or_create(
        cadre=cadre, year=year,
        defaults={"grade": grade, "unfit_vote_share": unfit_vote_share, "note": note, "created_by": actor},
    )
    audit.record(actor, audit.Action.CREATE if created else audit.Action.UPDATE, "cadres.assessment.recorded",
                 assessment, request=request, summary=f"年度考核：{cadre} {year}年度 {assessment.get_grade_display()}")
    assessment.share_warning = (excellent_share_warning(cadre.unit, year)
                                if grade == AssessmentGrade.EXCELLENT else "")
    return assessment


@transaction.atomic
def record_duty_report(cadre, *, actor, year, reported_on, summary="", rating="", request=None):
    not_future(reported_on, "述职日期")
    if year > timezone.localdate().year:
        raise Refused(f"述职年度{year}年晚于今年，不能登记")
    report, created = DutyIntegrityReport.objects.update_or_create(
        cadre=cadre, year=year,
        defaults={"reported_on": reported_on, "summary": summary, "rating": rating, "created_by": actor},
    )
    audit.record(actor, audit.Action.CREATE if created else audit.Action.UPDATE, "cadres.duty_report.recorded",
                 report, request=request, summary=f"述职述廉：{cadre} {year}年度")
    return report
