"""What a cadre reports and what is checked: annual assessments, duty-and-integrity reports, personal
matters reports (个人有关事项) with their random draws and verifications."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from cadres.models.cadre import Cadre
from cadres.models.measures import SupervisionMeasure
from core.models import Unit
from core.scoping import ScopedQuerySet, scoped_by


class AssessmentGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASIC = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"
    NOT_GRADED = "not_graded", "不确定等次"


class AnnualAssessment(models.Model):
    """年度考核 with the share of 不称职 votes in the democratic evaluation (民主测评)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("考核等次", max_length=16, choices=AssessmentGrade.choices)
    unfit_vote_share = models.DecimalField("不称职票比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度考核"
        ordering = ["cadre", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="%(app_label)s_%(class)s_once_a_year",
                                    violation_error_message="该干部该年度已有年度考核记录"),
            models.CheckConstraint(
                condition=models.Q(unfit_vote_share__isnull=True)
                | models.Q(unfit_vote_share__gte=0, unfit_vote_share__lte=100),
                name="%(app_label)s_%(class)s_share_percent",
                violation_error_message="不称职票比例应在0到100之间",
            ),
        ]

    def __str__(self):
        return f"{self.cadre} {self.year}年度 {self.get_grade_display()}"


class DutyRating(models.TextChoices):
    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    FAIR = "fair", "一般"
    POOR = "poor", "差"


class DutyIntegrityReport(models.Model):
    """述职述廉: the yearly report on duties and integrity, with the evaluation it received."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="duty_reports")
    year = models.PositiveSmallIntegerField("年度")
    reported_on = models.DateField("述职日期")
    summary = models.TextField("述职述廉要点", blank=True)
    rating = models.CharField("测评结果", max_length=16, choices=DutyRating.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "述职述廉"
        ordering = ["cadre", "-year"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="%(app_label)s_%(class)s_once_a_year",
                                               violation_error_message="该干部该年度已有述职述廉记录")]

    def __str__(self):
        return f"{self.cadre} {self.year}年度述职述廉"


class ReportKind(models.TextChoices):
    ANNUAL = "annual", "年度集中报告"
    CHANGE = "change", "事项变化报告"
    NEW = "new", "新任报告"


class PersonalMattersReport(models.Model):
    """领导干部个人有关事项报告. `year` is the year of the 31 January deadline for annual reports. A 事项变化 or
    新任 report is due `change_report_days` (30) after `event_on`; it may be registered as expected (待报告, no
    `submitted_on` yet) so that the deadline scan reminds the office."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE,
                              related_name="personal_matters_reports")
    year = models.PositiveSmallIntegerField("报告年度")
    kind = models.CharField("报告类型", max_length=16, choices=ReportKind.choices, default=ReportKind.ANNUAL)
    event_on = models.DateField("事项发生日期", null=True, blank=True,
                                help_text="事项变化：变化发生之日；新任：任职之日")
    due_on = models.DateField("报告期限", null=True, blank=True)
    submitted_on = models.DateField("报告日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "个人有关事项报告"
        ordering = ["cadre", "-year", "-submitted_on"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], condition=models.Q(kind="annual"),
                                    name="%(app_label)s_%(class)s_one_annual",
                                    violation_error_message="该干部该年度的年度集中报告已登记"),
            models.CheckConstraint(condition=~models.Q(kind="annual") | models.Q(submitted_on__isnull=False),
                                   name="%(app_label)s_%(class)s_annual_submitted",
                                   violation_error_message="年度集中报告须填写报告日期"),
            models.CheckConstraint(condition=models.Q(kind="annual") | models.Q(event_on__isnull=False),
                                   name="%(app_label)s_%(class)s_event_dated",
                                   violation_error_message="事项变化报告和新任报告须填写事项发生日期"),
        ]
        indexes = [
            models.Index(fields=["year", "kind"], name="cadres_pmreport_year_kind"),
            # serves the deadline scan: 事项变化/新任 reports expected and not yet filed
            models.Index(fields=["due_on"], condition=models.Q(submitted_on__isnull=True),
                         name="cadres_pmreport_pending"),
        ]

    def __str__(self):
        return f"{self.cadre} {self.year}年{self.get_kind_display()}"

    @property
    def is_pending(self):
        return self.submitted_on is None


class RandomDrawQuerySet(ScopedQuerySet):
    # Draws made within the user's part of the unit tree; a draw made without a scope: unrestricted users only.
    unit_fields = ("scope",)


class RandomDraw(models.Model):
    """随机抽查 draw: reproducible from the recorded seed and the recorded population (cadre ids, sorted)."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveSmallIntegerField("抽查年度")
    percent = models.DecimalField("抽查比例（%）", max_digits=5, decimal_places=2)
    seed = models.BigIntegerField("随机种子")
    population = models.JSONField("抽取范围（干部ID）", default=list)
    selected = models.JSONField("抽中干部（干部ID）", default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="抽取人", on_delete=models.PROTECT,
                                 related_name="+")
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)
    scope = models.ForeignKey(Unit, verbose_name="范围", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="抽取人的管辖范围；为空表示全部")
    # A second draw in the same year and scope is opened by the 科室负责人 with a reason (cadres.personal_matters).
    reason = models.CharField("再次抽取理由", max_length=200, blank=True)

    objects = RandomDrawQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "随机抽查抽取记录"
        ordering = ["-drawn_at"]

    def __str__(self):
        return f"{self.year}年随机抽查（{self.drawn_at:%Y-%m-%d}）"

    def get_absolute_url(self):
        return reverse("cadres:draw_detail", args=[self.code])


class VerificationMethod(models.TextChoices):
    RANDOM = "random", "随机抽查"
    TARGETED = "targeted", "重点查核"


class VerificationResult(models.TextChoices):
    CONSISTENT = "consistent", "一致"
    OMISSION = "omission", "漏报"
    CONCEALMENT = "concealment", "瞒报"
    OTHER = "other", "其他"


VerificationQuerySet = scoped_by("cadre__unit")


class Verification(models.Model):
    """查核 of a cadre's personal matters report: random (from a draw) or targeted (凡提必核, reports, …)."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="verifications")
    year = models.PositiveSmallIntegerField("查核年度")
    method = models.CharField("查核方式", max_length=16, choices=VerificationMethod.choices)
    reason = models.CharField("查核原因", max_length=200, blank=True, help_text="重点查核：拟提拔、后备干部、举报等")
    draw = models.ForeignKey(RandomDraw, verbose_name="抽取记录", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="verifications")
    report = models.ForeignKey(PersonalMattersReport, verbose_name="所查报告", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="verifications")
    result = models.CharField("查核结果", max_length=16, choices=VerificationResult.choices, blank=True)
    verified_on = models.DateField("查核完成日期", null=True, blank=True)
    handling = models.TextField("处理情况", blank=True)
    measure = models.ForeignKey(SupervisionMeasure, verbose_name="相应监督措施", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="verifications")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = VerificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "个人有关事项查核"
        ordering = ["-year", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result="") | models.Q(verified_on__isnull=False),
                name="%(app_label)s_%(class)s_result_dated",
                violation_error_message="登记查核结果须填写查核完成日期",
            ),
        ]
        indexes = [models.Index(fields=["result", "verified_on"], name="cadres_verif_result_date")]

    def __str__(self):
        return f"{self.cadre} {self.year}年{self.get_method_display()}"

    @property
    def is_done(self):
        return bool(self.result)
