import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf
from django.urls import reverse
from django.utils import timezone

from cadres.models import Cadre, PositionHistory, Rank
from core.models import Unit
from core.scoping import ScopedQuerySet


class CaseStatus(models.TextChoices):
    """Where a case stands. The allowed moves between them are in vetting/workflow.py, and only there."""

    RECOMMENDATION = "recommendation", "民主推荐"
    INSPECTION = "inspection", "考察（凡提四必）"
    PUBLICITY = "publicity", "任前公示"
    TALK = "talk", "任前廉政谈话"
    PROBATION = "probation", "试用期"
    APPOINTED = "appointed", "已任职"
    TRIAL_REMOVED = "trial_removed", "免去试用职务"
    SUSPENDED = "suspended", "暂缓"
    TERMINATED = "terminated", "终止"


class MoveKind(models.TextChoices):
    PROMOTION = "promotion", "提拔"
    FURTHER_USE = "further_use", "进一步使用"
    TRANSFER = "transfer", "转任"
    EXCHANGE = "exchange", "交流"
    CONFIRMATION = "confirmation", "试用期满任职"


class MeetingKind(models.TextChoices):
    STANDING_COMMITTEE = "standing_committee", "常委会"
    DEPARTMENT_MEETING = "department_meeting", "部务会"


class StepKind(models.TextChoices):
    """The steps of the checklist, and the other kinds of entries in the 全程纪实 record."""

    RECOMMENDATION = "recommendation", "民主推荐"
    ARCHIVE = "archive", "档案审核"
    PERSONAL_MATTERS = "personal_matters", "个人有关事项报告查核"
    DISCIPLINE = "discipline", "纪检监察机关意见"
    PETITION = "petition", "信访举报核查"
    OPINIONS = "opinions", "征求意见"
    EXAM = "exam", "三考（任前考试）"
    PUBLICITY = "publicity", "任前公示"
    TALK = "talk", "任前廉政谈话"
    APPOINTMENT = "appointment", "任职"
    PROBATION = "probation", "试用期"
    CASE = "case", "案件"
    CROSSCHECK = "crosscheck", "预警核对"


class BatchQuerySet(ScopedQuerySet):
    unit_fields = ("unit",)


class Batch(models.Model):
    """A meeting (常委会/部务会) that discusses a batch of candidates."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, verbose_name="召开单位", on_delete=models.PROTECT, related_name="+",
                             help_text="如 县委（常委会）、县委组织部（部务会）")
    kind = models.CharField("会议", max_length=32, choices=MeetingKind.choices)
    title = models.CharField("名称", max_length=100, help_text="如 县委常委会2026年第12次会议")
    meeting_date = models.DateField("会议日期")
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "会议批次"
        ordering = ["-meeting_date", "-id"]

    def __str__(self):
        return f"{self.title}（{self.meeting_date:%Y-%m-%d}）"

    def get_absolute_url(self):
        return reverse("vetting:batch", args=[self.code])


class VettingCaseQuerySet(ScopedQuerySet):
    """Office roles see the cases in their jurisdiction by the proposed post or the candidate's current unit, and
    never a case about themselves."""

    unit_fields = ("proposed_unit", "cadre__unit")

    def hidden_from(self, user):
        # by the ids of his cadre records, not a join: a count by opening date reads no cadre (a province has 200k)
        return self.exclude(cadre__in=Cadre.objects.filter(user=user).values("pk"))

    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def with_post_at_opening(self):
        """Annotate `post_at_opening` (单位+职务) and `rank_at_opening`: the post the candidate held when the case was
        opened, read from the position history (the one record of posts; the cadre record follows the current post
        and changes on appointment). The row begun last on or before the opening date; when the history starts
        later, its first row; without any history, the cadre record. Rows begun on or after the case's appointment
        date are never read."""
        # Never the post this case appointed to, even when the appointment is dated before the opening (records
        # entered late): only rows begun before the appointment date.
        appointed_on = Coalesce(OuterRef("appointment__appointed_on"), Value(datetime.date.max),
                                output_field=models.DateField())
        label = Concat(Coalesce(NullIf("unit__short_name", Value("")), "unit__name", "unit_name"), "post_title")
        rows = (PositionHistory.objects.filter(cadre=OuterRef("cadre"), start_date__lt=appointed_on)
                .annotate(label=label))
        held = rows.filter(start_date__lte=OuterRef("opened_on")).order_by("-start_date", "-pk")
        first = rows.order_by("start_date", "pk")
        # No history at all: the cadre record, which no post change has touched then (cadres.services.change_post
        # writes the post it ends into the history).
        record = Concat(Coalesce(NullIf("cadre__unit__short_name", Value("")), "cadre__unit__name"),
                        "cadre__post_title")
        return self.annotate(
            post_at_opening=Coalesce(Subquery(held.values("label")[:1]), Subquery(first.values("label")[:1]),
                                     record),
            rank_at_opening=Coalesce(Subquery(held.values("rank")[:1]), Subquery(first.values("rank")[:1]),
                                     "cadre__rank"),
        )

    def with_blocking(self):
        """Annotate `is_blocked`: the latest cross-check has blocking items no 部领导 has overridden."""
        latest = CrossCheck.objects.filter(case=OuterRef("pk")).order_by("-run_at", "-id").values("pk")[:1]
        return self.annotate(latest_check=Subquery(latest)).annotate(is_blocked=Exists(
            CrossCheckItem.objects.filter(crosscheck=OuterRef("latest_check"), blocking=True, overridden=False)))


CLOSED_STATUSES = (CaseStatus.APPOINTED, CaseStatus.TRIAL_REMOVED, CaseStatus.TERMINATED)


class VettingCase(models.Model):
    """任前把关: one candidate for one proposed post."""

    number = models.CharField("案件编号", max_length=30, unique=True, editable=False)
    cadre = models.ForeignKey(Cadre, verbose_name="人选", on_delete=models.PROTECT, related_name="vetting_cases")
    proposed_unit = models.ForeignKey(Unit, verbose_name="拟任单位", on_delete=models.PROTECT, related_name="+")
    proposed_title = models.CharField("拟任职务", max_length=100)
    proposed_rank = models.CharField("拟任职级", max_length=32, choices=Rank.choices)
    move_kind = models.CharField("任用方式", max_length=32, choices=MoveKind.choices)
    is_principal_post = models.BooleanField("党政正职（一把手）", default=False)
    is_elected_post = models.BooleanField("选任制职务", default=False,
                                          help_text="经选举产生的职务不实行试用期")
    probation_required = models.BooleanField(
        "实行试用期", default=False, editable=False,
        help_text="提拔担任非选举产生的领导职务，试用期一年")
    batch = models.ForeignKey(Batch, verbose_name="会议批次", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="cases")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT,
                                related_name="+")
    status = models.CharField("状态", max_length=32, choices=CaseStatus.choices, default=CaseStatus.RECOMMENDATION)
    suspended_from = models.CharField("暂缓前环节", max_length=32, choices=CaseStatus.choices, blank=True)
    status_reason = models.TextField("暂缓/终止理由", blank=True)
    opened_on = models.DateField("启动日期", default=timezone.localdate)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = VettingCaseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "任前把关案件"
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["status"], name="vetting_vettingcase_status"),
            models.Index(fields=["opened_on"], name="vetting_vettingcase_opened"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.SUSPENDED) | ~Q(suspended_from=""),
                name="%(app_label)s_%(class)s_suspended_has_stage",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.cadre} 拟任{self.proposed_title}"

    def get_absolute_url(self):
        return reverse("vetting:case", args=[self.number])

    @property
    def is_closed(self):
        return self.status in CLOSED_STATUSES

    @property
    def post_at_opening_display(self):
        """现任职务 as at the opening of the case (see VettingCaseQuerySet.with_post_at_opening)."""
        if not hasattr(self, "post_at_opening"):
            row = type(self).objects.with_post_at_opening().filter(pk=self.pk).values(
                "post_at_opening", "rank_at_opening").first() or {}
            self.post_at_opening, self.rank_at_opening = row.get("post_at_opening"), row.get("rank_at_opening")
        return self.post_at_opening or ""

    @property
    def code(self):
        """The public code other apps and the audit log use for a case: its readable number."""
        return self.number


class StepEvent(models.Model):
    """全程纪实: one entry of the case record. Append-only: the model refuses changes and a database trigger
    (migration 0002) refuses UPDATE and DELETE."""

    case = models.ForeignKey(VettingCase, verbose_name="案件", on_delete=models.PROTECT, related_name="events")
    step = models.CharField("环节", max_length=32, choices=StepKind.choices)
    verb = models.CharField("事项", max_length=100)
    detail = models.TextField("内容", blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_name = models.CharField("经办人姓名", max_length=50, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "全程纪实"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="vetting_stepevent_case_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_step_display()} {self.verb}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("全程纪实只允许追加，不得修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("全程纪实只允许追加，不得删除")


class CrossCheck(models.Model):
    """An automatic check of the candidate against the cadres hub (warnings and open cases)."""

    class Occasion(models.TextChoices):
        OPENING = "opening", "立案时"
        BEFORE_PUBLICITY = "before_publicity", "公示前"
        MANUAL = "manual", "手动复核"
        APPOINTMENT = "appointment", "任职时"
        CONFIRMATION = "confirmation", "试用期满正式任职时"

    case = models.ForeignKey(VettingCase, verbose_name="案件", on_delete=models.PROTECT, related_name="crosschecks")
    occasion = models.CharField("时机", max_length=32, choices=Occasion.choices)
    run_on = models.DateField("核对日期")
    run_at = models.DateTimeField("核对时间", default=timezone.now)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT,
                               related_name="+")
    override_reason = models.TextField("部领导书面意见", blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    overridden_at = models.DateTimeField("批准时间", null=True, blank=True)
    # What the 部领导 approved, by CrossCheckItem.key: a blocker that is not named here blocks again.
    overridden_keys = models.JSONField("批准的事项", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警核对"
        ordering = ["case", "-run_at", "-id"]

    def __str__(self):
        return f"{self.case.number} {self.get_occasion_display()} {self.run_on:%Y-%m-%d}"

    @property
    def is_overridden(self):
        return self.overridden_at is not None


class CrossCheckItem(models.Model):
    class Source(models.TextChoices):
        WARNING = "warning", "干部预警"
        CASE = "case", "相关案件"

    crosscheck = models.ForeignKey(CrossCheck, verbose_name="核对", on_delete=models.PROTECT, related_name="items")
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    code = models.CharField("规则/主题", max_length=64)
    label = models.CharField("事项", max_length=200)
    reason = models.CharField("说明", max_length=500, blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    blocking = models.BooleanField("阻止任职", default=False)
    overridden = models.BooleanField("已经部领导批准", default=False,
                                     help_text="本次或此前的部领导书面批准已涵盖该事项")

    class Meta:
        verbose_name = verbose_name_plural = "预警核对事项"
        ordering = ["-blocking", "id"]

    def __str__(self):
        return f"{self.label}：{self.reason}"

    @property
    def key(self):
        """What the item is about, the same in every cross-check while the cause lasts: a warning by its rule and
        reason (the reason names the measure, the finding, the petition), an open case by its topic and number (its
        status may move on while it stays open)."""
        if self.source == self.Source.CASE:
            return f"{self.source}|{self.code}|{self.label}"
        return f"{self.source}|{self.code}|{self.reason}"
