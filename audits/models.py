"""经济责任审计: classification of the audited units, the annual plan, audit projects, findings with their
rectification, and the use of results."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cadres.models import Cadre, SupervisionMeasure
from core import rectification
from core.concurrency import Versioned
from core.models import JurisdictionSettings, Unit
from core.scoping import ScopedQuerySet

MONEY = {"max_digits": 16, "decimal_places": 2}


class Category(models.TextChoices):
    A = "A", "A类"
    B = "B", "B类"
    C = "C", "C类"
    D = "D", "D类"


class Mode(models.TextChoices):
    DIRECT = "direct", "直审"
    SAMPLED = "sampled", "抽审"
    INTERNAL = "internal", "内审"


class AuditKind(models.TextChoices):
    IN_OFFICE = "in_office", "任中审计"
    DEPARTURE = "departure", "离任审计"
    JOINT = "joint", "联审"


class Assessment(models.TextChoices):
    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "较差"


# ---------------------------------------------------------------------------------------------------------------
# Settings tables (editable in the admin)


class CategoryPolicy(models.Model):
    """Audit cycle and default mode of a category (local: A 3 years 直审, B 4 直审, C 5 抽审, D once a term)."""

    category = models.CharField("类别", max_length=1, choices=Category.choices, unique=True)
    cycle_years = models.PositiveSmallIntegerField("审计周期（年）", validators=[MinValueValidator(1)],
                                                   help_text="D类“每届一次”按一届任期年数填写")
    default_mode = models.CharField("默认审计方式", max_length=16, choices=Mode.choices)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计类别周期"
        ordering = ["category"]

    def __str__(self):
        return f"{self.get_category_display()}：每{self.cycle_years}年，{self.get_default_mode_display()}"


class AuditRules(JurisdictionSettings):
    """The local numbers of this app, one row (local practice; edit in the admin)."""

    rectification_days = models.PositiveSmallIntegerField("整改期限（天）", default=60)
    comment_days = models.PositiveSmallIntegerField(
        "审计报告征求意见期限（天）", default=10, validators=[MinValueValidator(1)],
        help_text="被审计领导干部及其所在单位自收到审计报告征求意见稿之日起提出书面意见的天数")
    escalation_overdue_days = models.PositiveSmallIntegerField("逾期多少天提醒科室负责人", default=30)
    departure_lookback_years = models.PositiveSmallIntegerField(
        "离任未审回溯年数", default=3, help_text="建议离任审计时，回溯多少年内离任的一把手")
    retirement_age = models.PositiveSmallIntegerField("退休年龄", default=60)
    same_post_limit_years = models.PositiveSmallIntegerField("同一职位任职年限", default=10)

    class Meta:
        verbose_name = verbose_name_plural = "审计规则参数"

    def __str__(self):
        return "经济责任审计规则参数"



# ---------------------------------------------------------------------------------------------------------------
# Classification


class UnitClassificationQuerySet(ScopedQuerySet):
    unit_fields = ("unit",)


class UnitClassification(Versioned):
    """审计对象分类: the category of a unit whose principal leader is subject to audit."""

    unit = models.OneToOneField(Unit, verbose_name="单位", on_delete=models.PROTECT,
                                related_name="audit_classification")
    category = models.CharField("类别", max_length=1, choices=Category.choices)
    mode = models.CharField("审计方式", max_length=16, choices=Mode.choices)
    basis = models.TextField("分类依据", blank=True, help_text="经济活动量大小、民生任务轻重")
    is_subject = models.BooleanField("纳入审计对象", default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更新人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = UnitClassificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计对象分类"
        ordering = ["unit__path"]

    def __str__(self):
        return f"{self.unit} {self.get_category_display()}"


class ClassificationChange(models.Model):
    """History of category and mode changes of a unit (append-only)."""

    classification = models.ForeignKey(UnitClassification, verbose_name="分类", on_delete=models.PROTECT,
                                       related_name="changes")
    old_category = models.CharField("原类别", max_length=1, choices=Category.choices, blank=True)
    new_category = models.CharField("新类别", max_length=1, choices=Category.choices)
    old_mode = models.CharField("原方式", max_length=16, choices=Mode.choices, blank=True)
    new_mode = models.CharField("新方式", max_length=16, choices=Mode.choices)
    old_is_subject = models.BooleanField("原是否纳入", null=True)
    new_is_subject = models.BooleanField("是否纳入")
    reason = models.CharField("调整理由", max_length=300)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="调整人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField("调整时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "分类调整记录"
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.classification.unit} {self.old_category or '—'}→{self.new_category}"


# ---------------------------------------------------------------------------------------------------------------
# Annual plan


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "编制中"
    SUBMITTED = "submitted", "已报审计委员会"
    APPROVED = "approved", "已批准"


class AuditPlanQuerySet(ScopedQuerySet):
    unit_fields = ("unit",)


class AuditPlan(models.Model):
    """年度审计计划 of the units under `unit` (the office's jurisdiction). Frozen once approved."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(Unit, verbose_name="范围", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    note = models.TextField("说明", blank=True)
    submitted_on = models.DateField("报审日期", null=True, blank=True)
    approved_on = models.DateField("批准日期", null=True, blank=True)
    approval_ref = models.CharField("批准文号", max_length=100, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记批准人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="编制人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = AuditPlanQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "年度审计计划"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["year", "unit"], name="%(app_label)s_%(class)s_one_per_year")]

    def __str__(self):
        return f"{self.year}年度经济责任审计计划"

    def get_absolute_url(self):
        return reverse("audits:plan_detail", args=[self.code])

    @property
    def is_frozen(self):
        return self.status == PlanStatus.APPROVED


class EntryDecision(models.TextChoices):
    PROPOSED = "proposed", "待定"
    ACCEPTED = "accepted", "列入计划"
    DROPPED = "dropped", "不列入"


class EntryOrigin(models.TextChoices):
    SUGGESTED = "suggested", "系统建议"
    MANUAL = "manual", "人工添加"


class PlanEntry(models.Model):
    """One proposed audit object of a plan, with the reasons it was proposed and the staff's decision."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(AuditPlan, verbose_name="计划", on_delete=models.PROTECT, related_name="entries")
    cadre = models.ForeignKey(Cadre, verbose_name="审计对象", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    post_title = models.CharField("职务", max_length=100, blank=True)
    category = models.CharField("类别", max_length=1, choices=Category.choices, blank=True)
    kind = models.CharField("审计类型", max_length=16, choices=AuditKind.choices)
    mode = models.CharField("审计方式", max_length=16, choices=Mode.choices)
    reasons = models.JSONField("建议理由", default=list)
    origin = models.CharField("来源", max_length=16, choices=EntryOrigin.choices, default=EntryOrigin.SUGGESTED)
    decision = models.CharField("处理", max_length=16, choices=EntryDecision.choices,
                                default=EntryDecision.PROPOSED)
    decision_note = models.CharField("处理说明", max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "计划审计对象"
        ordering = ["plan", "unit__path", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "cadre"], name="%(app_label)s_%(class)s_once")]

    def __str__(self):
        return f"{self.unit.display_name} {self.cadre}"

    @property
    def reasons_text(self):
        return "；".join(self.reasons)


# ---------------------------------------------------------------------------------------------------------------
# Audit projects


class AuditStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    IN_PROGRESS = "in_progress", "实施中"
    REPORTED = "reported", "已出具审计报告"
    RESULTS = "results", "结果运用中"
    CLOSED = "closed", "已办结"
    CANCELLED = "cancelled", "已撤销"


DONE_STATUSES = (AuditStatus.REPORTED, AuditStatus.RESULTS, AuditStatus.CLOSED)


class AuditQuerySet(ScopedQuerySet):
    unit_fields = ("unit",)  # the audited unit

    def active(self):
        return self.exclude(status=AuditStatus.CANCELLED)


class Audit(Versioned):
    """审计项目: one economic-responsibility audit of one or several (联审) cadres of a unit."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("项目编号", max_length=30, unique=True)
    year = models.PositiveSmallIntegerField("计划年度")
    seq = models.PositiveIntegerField("序号")
    plan = models.ForeignKey(AuditPlan, verbose_name="年度计划", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="audits")
    plan_entry = models.OneToOneField(PlanEntry, verbose_name="计划项", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="audit")
    unit = models.ForeignKey(Unit, verbose_name="被审计单位", on_delete=models.PROTECT, related_name="+")
    cadres = models.ManyToManyField(Cadre, verbose_name="审计对象", through="AuditSubject", related_name="+")
    kind = models.CharField("审计类型", max_length=16, choices=AuditKind.choices)
    mode = models.CharField("审计方式", max_length=16, choices=Mode.choices)
    category = models.CharField("单位类别", max_length=1, choices=Category.choices, blank=True)
    period_start = models.DateField("审计期间起", null=True, blank=True)
    period_end = models.DateField("审计期间止", null=True, blank=True)
    auditing_body = models.CharField("审计机关", max_length=100, default="县审计局")
    entry_date = models.DateField("进点日期", null=True, blank=True)
    draft_delivered_on = models.DateField("征求意见稿送达日期", null=True, blank=True,
                                          help_text="审计报告征求意见稿送达被审计领导干部及其所在单位的日期")
    comment_due = models.DateField("书面意见反馈期限", null=True, blank=True, editable=False)
    comments_received_on = models.DateField("书面意见反馈日期", null=True, blank=True)
    comments_note = models.CharField("书面意见摘要", max_length=300, blank=True,
                                     help_text="如：无异议；或对某问题定性的意见")
    report_date = models.DateField("审计报告日期", null=True, blank=True)
    result_report_date = models.DateField("结果报告日期", null=True, blank=True)
    assessment = models.CharField("总体评价", max_length=16, choices=Assessment.choices, blank=True)
    violation_amount = models.DecimalField("违规金额（元）", default=Decimal("0.00"),
                                           validators=[MinValueValidator(Decimal("0"))], **MONEY)
    summary = models.TextField("审计情况摘要", blank=True)
    status = models.CharField("状态", max_length=16, choices=AuditStatus.choices, default=AuditStatus.PLANNED)
    cancel_reason = models.CharField("撤销原因", max_length=300, blank=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计项目"
        ordering = ["-year", "seq"]
        constraints = [
            models.CheckConstraint(condition=models.Q(violation_amount__gte=0),
                                   name="%(app_label)s_%(class)s_amount_not_negative"),
            models.CheckConstraint(
                condition=models.Q(period_end__isnull=True) | models.Q(period_start__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="%(app_label)s_%(class)s_period_order"),
            models.CheckConstraint(
                condition=models.Q(comments_received_on__isnull=True)
                | models.Q(draft_delivered_on__isnull=False, comments_received_on__gte=models.F("draft_delivered_on")),
                name="%(app_label)s_%(class)s_comments_after_draft"),
        ]
        indexes = [
            models.Index(fields=["year", "status"], name="audits_audit_year_status"),
            # serves the deadline scan: draft reports whose written comments are still awaited, by due date
            models.Index(fields=["comment_due"], name="audits_audit_comment_pending",
                         condition=models.Q(comment_due__isnull=False, comments_received_on__isnull=True)),
        ]

    def __str__(self):
        return f"{self.number} {self.unit.display_name}{self.get_kind_display()}"

    @property
    def awaiting_comments(self):
        """The draft report is out for comment and no written comments are recorded yet."""
        return self.comment_due is not None and self.comments_received_on is None

    def comment_days_left(self, on_date=None):
        return (self.comment_due - (on_date or timezone.localdate())).days if self.comment_due else None

    def comment_days_overdue(self, on_date=None):
        left = self.comment_days_left(on_date)
        return -left if left is not None and left < 0 else 0

    def get_absolute_url(self):
        return reverse("audits:detail", args=[self.code])

    @property
    def is_open_for_findings(self):
        return self.status in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTED, AuditStatus.RESULTS)


class AuditSubject(models.Model):
    """An audited cadre of an audit (several for a 联审), with the post held during the period audited."""

    audit = models.ForeignKey(Audit, verbose_name="审计项目", on_delete=models.PROTECT, related_name="subjects")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="audit_subjects")
    post_title = models.CharField("审计期间职务", max_length=100, blank=True)
    is_primary = models.BooleanField("主要审计对象", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计对象"
        ordering = ["audit", "-is_primary", "id"]
        constraints = [models.UniqueConstraint(fields=["audit", "cadre"], name="%(app_label)s_%(class)s_once")]

    def __str__(self):
        return f"{self.audit.number} {self.cadre}"


# ---------------------------------------------------------------------------------------------------------------
# Findings and rectification


class FindingCategory(models.TextChoices):
    FISCAL = "fiscal", "财政财务收支"
    DECISION = "decision", "重大经济事项决策"
    POLICY = "policy", "重大政策措施落实"
    ASSETS = "assets", "国有资产管理"
    DEBT = "debt", "政府债务管理"
    PROJECT = "project", "工程项目建设"
    LIVELIHOOD = "livelihood", "民生资金管理"
    INTERNAL_CONTROL = "internal_control", "内部控制"
    INTEGRITY = "integrity", "廉洁从业"
    OTHER = "other", "其他"


class Responsibility(models.TextChoices):
    DIRECT = "direct", "直接责任"
    LEADERSHIP = "leadership", "领导责任"


class FindingQuerySet(ScopedQuerySet):
    unit_fields = ("audit__unit",)

    def active(self):
        return self.filter(voided_at__isnull=True).exclude(audit__status=AuditStatus.CANCELLED)


class Finding(rectification.RectificationItem):
    """审计发现问题, with its rectification (see core.rectification)."""

    audit = models.ForeignKey(Audit, verbose_name="审计项目", on_delete=models.PROTECT, related_name="findings")
    number = models.PositiveSmallIntegerField("序号")
    category = models.CharField("问题类别", max_length=32, choices=FindingCategory.choices)
    amount = models.DecimalField("涉及金额（元）", null=True, blank=True,
                                 validators=[MinValueValidator(Decimal("0"))], **MONEY)
    description = models.TextField("问题描述")
    responsibility = models.CharField("责任类型", max_length=16, choices=Responsibility.choices)
    responsible_cadre = models.ForeignKey(Cadre, verbose_name="责任干部", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")

    objects = FindingQuerySet.as_manager()

    class Meta(rectification.RectificationItem.Meta):
        verbose_name = verbose_name_plural = "审计发现问题"
        ordering = ["audit", "number"]
        constraints = [
            *rectification.RectificationItem.Meta.constraints,
            models.UniqueConstraint(fields=["audit", "number"], name="%(app_label)s_%(class)s_number_per_audit"),
            models.CheckConstraint(condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                                   name="%(app_label)s_%(class)s_amount_not_negative"),
        ]
        indexes = [rectification.open_deadline_index("audits_finding_open_deadline")]

    def __str__(self):
        return f"{self.audit.number} 问题{self.number}"

    def get_absolute_url(self):
        return reverse("audits:finding_detail", args=[self.audit.code, self.code])


FindingProgress, FindingEvidence = rectification.companion_models(
    Finding, prefix="Finding", item_label="审计发现问题", progress_label="整改进展",
    evidence_label="整改佐证材料", upload_subdir="audits/evidence")


# ---------------------------------------------------------------------------------------------------------------
# Use of results


class ResultKind(models.TextChoices):
    CRITICISM = "criticism", "批评教育"
    NO_HONOURS = "no_honours", "取消评优评先资格"
    ADMONISHMENT = "admonishment", "诫勉"
    POST_ADJUSTMENT = "post_adjustment", "调整职务"
    DEMOTION = "demotion", "降职"
    REMOVAL = "removal", "免职"
    ASSESSMENT = "assessment", "纳入考核"


class ResultUseQuerySet(ScopedQuerySet):
    unit_fields = ("audit__unit",)

    def active(self):
        return self.filter(voided_at__isnull=True)


class ResultUse(models.Model):
    """结果运用: a measure taken on an audited cadre because of the audit. Kinds that are supervision measures
    also create one in the cadres app (`measure`)."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    audit = models.ForeignKey(Audit, verbose_name="审计项目", on_delete=models.PROTECT, related_name="results")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("运用方式", max_length=32, choices=ResultKind.choices)
    date = models.DateField("日期")
    reason = models.TextField("事由")
    measure = models.OneToOneField(SupervisionMeasure, verbose_name="监督措施", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="作废人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    objects = ResultUseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "结果运用"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.cadre} {self.get_kind_display()}"

    def get_absolute_url(self):
        return self.audit.get_absolute_url()

    @property
    def is_void(self):
        return self.voided_at is not None
