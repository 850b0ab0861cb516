import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from cadres import idcard
from core.concurrency import Versioned
from core.models import JurisdictionSettings, SingleRowSettings, Unit
from core.scoping import ScopedQuerySet, scoped_by


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Rank(models.TextChoices):
    """职级: the 职务 levels and the 职级 series."""

    BUREAU_CHIEF = "bureau_chief", "正厅"
    BUREAU_DEPUTY = "bureau_deputy", "副厅"
    DIVISION_CHIEF = "division_chief", "正处"
    DIVISION_DEPUTY = "division_deputy", "副处"
    SECTION_CHIEF = "section_chief", "正科"
    SECTION_DEPUTY = "section_deputy", "副科"
    INSPECTOR_1 = "inspector_1", "一级巡视员"
    INSPECTOR_2 = "inspector_2", "二级巡视员"
    RESEARCHER_1 = "researcher_1", "一级调研员"
    RESEARCHER_2 = "researcher_2", "二级调研员"
    RESEARCHER_3 = "researcher_3", "三级调研员"
    RESEARCHER_4 = "researcher_4", "四级调研员"
    PRINCIPAL_STAFF_1 = "principal_staff_1", "一级主任科员"
    PRINCIPAL_STAFF_2 = "principal_staff_2", "二级主任科员"
    PRINCIPAL_STAFF_3 = "principal_staff_3", "三级主任科员"
    PRINCIPAL_STAFF_4 = "principal_staff_4", "四级主任科员"
    STAFF_1 = "staff_1", "一级科员"
    STAFF_2 = "staff_2", "二级科员"


class ManagementLevel(models.TextChoices):
    PROVINCE = "province", "省管"
    CITY = "city", "市管"
    COUNTY = "county", "县管"
    OTHER = "other", "其他"


class CadreStatus(models.TextChoices):
    SERVING = "serving", "在职"
    PROBATION = "probation", "试用期"
    NON_LEADING = "non_leading", "改任非领导职务"
    REMOVED = "removed", "免职"
    TRANSFERRED = "transferred", "调离"
    RETIRED = "retired", "退休"


def name_bigrams():
    """The two-character pieces of a cadre's name (SQL function made by migration cadres 0008). A Chinese name
    is mostly two or three characters, and pg_trgm cannot serve a two-character pattern; a GIN index over these
    pieces can: `name_bigrams` contains ['建国'] finds 王建国 and 建国 without reading every cadre."""
    return models.Func(Upper("name"), function="cadres_name_bigrams",
                       output_field=ArrayField(models.CharField(max_length=2)))


class CadreQuerySet(ScopedQuerySet):
    unit_fields = ("unit",)  # the unit of the current post


class Cadre(Versioned):
    """干部. The current post fields are kept in step with the current PositionHistory row by cadres.services."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("姓名", max_length=50, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("身份证号", max_length=18, unique=True)
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    party_joined_on = models.DateField("入党时间", null=True, blank=True)
    education = models.CharField("学历", max_length=30, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="现任单位", on_delete=models.PROTECT, related_name="cadres")
    post_title = models.CharField("现任职务", max_length=100)
    rank = models.CharField("职级", max_length=32, choices=Rank.choices)
    is_principal = models.BooleanField("一把手", default=False)
    post_since = models.DateField("任现职时间", null=True, blank=True)
    management_level = models.CharField("管理层级", max_length=16, choices=ManagementLevel.choices,
                                        default=ManagementLevel.COUNTY)
    status = models.CharField("状态", max_length=16, choices=CadreStatus.choices, default=CadreStatus.SERVING)
    reports_personal_matters = models.BooleanField(
        "纳入个人有关事项报告范围", default=True, help_text="县处级副职以上及本地规定纳入报告范围的干部")
    # The cadre's own login, if any: a user never sees cases that name himself.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="系统账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="cadre")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "干部"
        ordering = ["unit__path", "-is_principal", "name"]
        permissions = [("view_full_id_number", "查看完整身份证号")]
        indexes = [
            # serves the warning rules "same post for years" and "age threshold": range scans on serving cadres
            models.Index(fields=["status", "post_since"], name="cadres_cadre_status_since"),
            # serves the list's partial-name search, name__icontains: UPPER(name) LIKE UPPER('%王建%') (pg_trgm;
            # a pattern of three characters or more; see docs/benchmarks.md)
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="cadres_cadre_name_trgm"),
            # ... and a two-character one (see name_bigrams)
            GinIndex(name_bigrams(), name="cadres_cadre_name_bigrams"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cadres:profile", args=[self.code])

    @property
    def masked_id_number(self):
        return idcard.mask(self.id_number)

    def age_on(self, on_date):
        years = on_date.year - self.birth_date.year
        return years - ((on_date.month, on_date.day) < (self.birth_date.month, self.birth_date.day))

    def clean(self):
        try:
            self.id_number = idcard.check(self.id_number, self.birth_date, self.gender)
        except ValueError as error:
            raise ValidationError({"id_number": str(error)}) from None


class PositionHistory(models.Model):
    """任职经历: one row per post held; the row with no end date is the current post."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="positions")
    unit = models.ForeignKey(Unit, verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    unit_name = models.CharField("单位名称", max_length=100, blank=True, help_text="单位不在系统中时填写")
    post_title = models.CharField("职务", max_length=100)
    rank = models.CharField("职级", max_length=32, choices=Rank.choices, blank=True)
    is_principal = models.BooleanField("一把手", default=False)
    start_date = models.DateField("任职时间")
    end_date = models.DateField("免职时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "任职经历"
        ordering = ["cadre", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["cadre"], condition=models.Q(end_date__isnull=True),
                                    name="%(app_label)s_%(class)s_one_current",
                                    violation_error_message="同一干部只能有一个现任职务"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="%(app_label)s_%(class)s_end_after_start",
                violation_error_message="免职时间不能早于任职时间",
            ),
        ]

    def __str__(self):
        return f"{self.cadre} {self.unit_name or self.unit} {self.post_title}"


class MeasureKind(models.TextChoices):
    """监督措施/组织处理: the one list of measure kinds."""

    REMINDER_TALK = "reminder_talk", "提醒谈话"
    INQUIRY = "inquiry", "函询"
    ADMONISHMENT = "admonishment", "诫勉"
    CRITICISM = "criticism", "批评教育"
    ORDERED_REVIEW = "ordered_review", "责令检查"
    SUSPENSION = "suspension", "停职检查"
    POST_ADJUSTMENT = "post_adjustment", "调整职务"
    ORDERED_RESIGNATION = "ordered_resignation", "责令辞职"
    REMOVAL = "removal", "免职"
    DEMOTION = "demotion", "降职"
    # 党纪处分 (《中国共产党纪律处分条例》(2023) 第八条)
    PARTY_WARNING = "party_warning", "党纪警告"
    PARTY_SERIOUS_WARNING = "party_serious_warning", "党纪严重警告"
    PARTY_POST_REVOKED = "party_post_revoked", "撤销党内职务"
    PARTY_PROBATION_1Y = "party_probation_1y", "留党察看一年"
    PARTY_PROBATION_2Y = "party_probation_2y", "留党察看二年"
    PARTY_EXPULSION = "party_expulsion", "开除党籍"
    # 政务处分 (《公职人员政务处分法》第七条); 开除 ends the employment, so it is not a measure on a serving cadre.
    GOV_WARNING = "gov_warning", "政务警告"
    GOV_DEMERIT = "gov_demerit", "政务记过"
    GOV_MAJOR_DEMERIT = "gov_major_demerit", "政务记大过"
    GOV_DEMOTION = "gov_demotion", "政务降级"
    GOV_DISMISSAL = "gov_dismissal", "政务撤职"


class SourceChannel(models.TextChoices):
    PETITION = "petition", "信访举报"
    AUDIT = "audit", "经济责任审计"
    INSPECTION = "inspection", "巡察"
    VETTING = "vetting", "考察"
    PERSONAL_MATTERS = "personal_matters", "个人有关事项查核"
    LIAISON = "liaison", "联席会议通报"
    WORK_STYLE = "work_style", "作风督查"
    SUPERVISOR = "supervisor", "干部监督员反映"
    OTHER = "other", "其他"


SupervisionMeasureQuerySet = scoped_by("cadre__unit")


class SupervisionMeasure(models.Model):
    """监督措施/组织处理 taken on a cadre. Created through cadres.services.record_measure, also by other apps."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField("措施类别", max_length=32, choices=MeasureKind.choices)
    date = models.DateField("日期")
    reason = models.TextField("事由")
    source_channel = models.CharField("来源", max_length=32, choices=SourceChannel.choices,
                                      default=SourceChannel.OTHER)
    # A link to the case in another app, without importing it: its label, public code, text and URL.
    source_type = models.CharField("来源案件类型", max_length=100, blank=True)
    source_code = models.CharField("来源案件编号", max_length=64, blank=True)
    source_label = models.CharField("来源案件", max_length=200, blank=True)
    source_url = models.CharField("来源链接", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    # 函询 only: delivered on a date, answered in writing within 15 working days (cadres.services.inquiry_reply_due).
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    reply_due = models.DateField("答复期限", null=True, blank=True)
    reply_due_provisional = models.BooleanField("答复期限暂定", default=False)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply = models.TextField("答复情况", blank=True)
    previous = models.ForeignKey("self", verbose_name="前次函询", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="follow_ups", help_text="答复不清楚时再次函询")

    objects = SupervisionMeasureQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "监督措施"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["source_type", "source_code"], name="cadres_measure_source"),
            # serves the deadline scan: 函询 delivered and not yet answered
            models.Index(fields=["reply_due"], name="cadres_measure_open_inquiry",
                         condition=models.Q(kind="inquiry", replied_on__isnull=True, voided_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.cadre} {self.get_kind_display()} {self.date:%Y-%m-%d}"

    @property
    def is_inquiry(self):
        return self.kind == MeasureKind.INQUIRY

    @property
    def is_void(self):
        return self.voided_at is not None

    @property
    def awaiting_reply(self):
        return self.is_inquiry and not self.is_void and self.replied_on is None


class ImpactPeriod(models.Model):
    """影响期: months after a measure during which the cadre may not be promoted. Edited in the admin.
    After 责令辞职/免职 `months` is the time with no post at all, and `higher_post_months` (counted from the same
    date) the time with no post above the former level."""

    kind = models.CharField("措施类别", max_length=32, choices=MeasureKind.choices, unique=True)
    months = models.PositiveSmallIntegerField("影响期（月）", default=0, help_text="0 表示无影响期")
    no_post = models.BooleanField("期内不得安排职务", default=False,
                                  help_text="责令辞职、免职：影响期内不安排职务（而不只是不得提拔）")
    higher_post_months = models.PositiveSmallIntegerField(
        "不得担任高于原职务层次职务的期限（月）", default=0,
        help_text="自措施日期起算；0 表示无此限制。责令辞职、免职：24个月")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "影响期设置"
        ordering = ["kind"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.months}个月"


class CadreSettings(JurisdictionSettings):
    """Local thresholds (本地规定) for warnings, inquiries and personal matters; one row, edited in the admin."""

    unfit_vote_threshold = models.DecimalField("不称职票比例阈值（%）", max_digits=5, decimal_places=2, default=30)
    report_count_threshold = models.PositiveSmallIntegerField("12个月内被举报次数阈值", default=3)
    report_window_months = models.PositiveSmallIntegerField("举报次数统计期（月）", default=12)
    discrepancy_window_months = models.PositiveSmallIntegerField("瞒报/漏报预警期（月）", default=12)
    same_post_years = models.PositiveSmallIntegerField("同一职位任职年限（交流）", default=10)
    non_leading_age_male = models.PositiveSmallIntegerField("改任非领导职务年龄（男）", default=52)
    non_leading_age_female = models.PositiveSmallIntegerField("改任非领导职务年龄（女）", default=50)
    inquiry_reply_working_days = models.PositiveSmallIntegerField("函询答复期限（工作日）", default=15)
    sample_percent = models.DecimalField("随机抽查比例（%）", max_digits=5, decimal_places=2, default=10)
    report_due_month = models.PositiveSmallIntegerField("年度集中报告截止月", default=1)
    report_due_day = models.PositiveSmallIntegerField("年度集中报告截止日", default=31)
    change_report_days = models.PositiveSmallIntegerField(
        "事项变化、新任报告期限（日）", default=30, help_text="自事项发生（新任：任职）之日起的自然日")
    excellent_share_limit = models.DecimalField("优秀等次比例上限（%）", max_digits=5, decimal_places=2,
                                                default=20, help_text="同一单位同一年度；超过时提示，不阻止登记")

    class Meta:
        verbose_name = verbose_name_plural = "干部监督参数"

    def __str__(self):
        return "干部监督参数"

    def clean(self):
        try:
            datetime.date(2001, self.report_due_month, self.report_due_day)
        except ValueError:
            raise ValidationError({"report_due_day": "截止日期无效"}) from None
        for field in ("sample_percent", "excellent_share_limit"):
            value = getattr(self, field)
            if value is not None and not 0 < value <= 100:
                raise ValidationError({field: "比例应在0到100之间"})



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


# --- 干部任免审批表 (.lrmx): what the form carries that the cadre record lacks ------------------------------------

class AppointmentProfile(models.Model):
    """The facts of the national 干部任免审批表 that have no place on Cadre; filled by the .lrmx import (cadres.lrmx)
    and printed on the form. Education is kept as the editor writes it: 学历, 学位, and 毕业院校系及专业 (school,
    department and major in one text) for the 学历 and for the 学位."""

    cadre = models.OneToOneField(Cadre, verbose_name="干部", on_delete=models.CASCADE,
                                 related_name="appointment_profile")
    birthplace = models.CharField("出生地", max_length=50, blank=True)
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    health = models.CharField("健康状况", max_length=30, blank=True)
    professional_title = models.CharField("专业技术职务", max_length=100, blank=True)
    specialty = models.CharField("熟悉专业有何专长", max_length=200, blank=True)
    fulltime_education = models.CharField("全日制教育学历", max_length=30, blank=True)
    fulltime_degree = models.CharField("全日制教育学位", max_length=30, blank=True)
    fulltime_school = models.CharField("全日制教育毕业院校系及专业", max_length=200, blank=True)
    fulltime_degree_school = models.CharField("全日制教育学位授予院校系及专业", max_length=200, blank=True)
    inservice_education = models.CharField("在职教育学历", max_length=30, blank=True)
    inservice_degree = models.CharField("在职教育学位", max_length=30, blank=True)
    inservice_school = models.CharField("在职教育毕业院校系及专业", max_length=200, blank=True)
    inservice_degree_school = models.CharField("在职教育学位授予院校系及专业", max_length=200, blank=True)
    # 拟任/拟免: kept on the record for vetting.
    proposed_post = models.CharField("拟任职务", max_length=200, blank=True)
    proposed_removal = models.CharField("拟免职务", max_length=200, blank=True)
    appointment_reason = models.TextField("任免理由", blank=True)
    rewards_penalties = models.TextField("奖惩情况", blank=True,
                                         help_text="表中填写的奖惩情况；监督措施另从监督措施记录中列出")
    assessment_text = models.TextField("年度考核结果（未能识别的文字）", blank=True,
                                       help_text="能识别出年度和等次的已记入年度考核")
    # Résumé lines that did not parse into a position: [{"text": ..., "after": "YYYY-MM" or ""}], where "after" is
    # the start month of the position line they followed (so the form prints them in place).
    resume_notes = models.JSONField("简历中未能识别的行", default=list, blank=True)
    reporting_unit = models.CharField("呈报单位", max_length=100, blank=True)
    age_reference_date = models.DateField("计算年龄时间", null=True, blank=True)
    filled_on = models.DateField("填表时间", null=True, blank=True)
    filled_by = models.CharField("填表人", max_length=50, blank=True)
    photo = models.BinaryField("照片", null=True, blank=True)
    photo_type = models.CharField("照片类型", max_length=30, blank=True)
    source_version = models.CharField("来源文件版本", max_length=30, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "任免审批表信息"

    def __str__(self):
        return f"{self.cadre} 任免审批表信息"


class FamilyMember(models.Model):
    """家庭成员及重要社会关系: visible only with the permission cadres.view_family_members (科室负责人)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="family_members")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    relation = models.CharField("称谓", max_length=20)
    name = models.CharField("姓名", max_length=50)
    birth_month = models.DateField("出生年月", null=True, blank=True, help_text="精确到月（记为当月1日）")
    political_status = models.CharField("政治面貌", max_length=30, blank=True)
    work_unit_and_post = models.CharField("工作单位及职务", max_length=200, blank=True)
    # Not on the 任免审批表 (nor in LRMX): entered on the profile where known; 任职回避 matches by it first.
    id_number = models.CharField("身份证号", max_length=18, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭成员"
        ordering = ["cadre", "order", "id"]
        default_permissions = ()
        permissions = [("view_family_members", "查看家庭成员")]

    def __str__(self):
        return f"{self.cadre} {self.relation}"

    @property
    def masked_id_number(self):
        from cadres.idcard import mask

        return mask(self.id_number) if self.id_number else ""


class WarningSnapshot(models.Model):
    """The warning rules evaluated over every cadre as of one date (预警快照): what the lists, the dashboard and the
    monthly workbook read, so that they never run every rule over every cadre while someone waits. Today's is
    kept current by cadres.snapshots (on every change to a cadre's records, and by the scheduled refresh); a
    month-end one stays as it stood, the figure that month was reported with."""

    as_of = models.DateField("预警日期", unique=True)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = verbose_name_plural = "预警快照"

    def __str__(self):
        return f"{self.as_of:%Y-%m-%d}预警快照"


class CadreWarningQuerySet(ScopedQuerySet):
    unit_fields = ("unit",)  # as Cadre's: the unit the cadre held at the snapshot (kept in step by cadres.snapshots)


class CadreWarning(models.Model):
    """What one rule says about one cadre in a snapshot. The cadre's unit is copied here so that counting a
    province's warnings by scope does not join every cadre."""

    snapshot = models.ForeignKey(WarningSnapshot, on_delete=models.CASCADE, related_name="warnings",
                                 db_index=False)  # the indexes below lead with it
    # looked up within a snapshot, through the unique constraint's index
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="snapshot_warnings", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    code = models.CharField("预警规则", max_length=64)
    reasons = ArrayField(models.TextField(), verbose_name="预警原因")
    blocking = models.BooleanField("阻止任职", default=False)

    objects = CadreWarningQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "干部预警"
        constraints = [models.UniqueConstraint(fields=["snapshot", "cadre", "code"],
                                               name="%(app_label)s_%(class)s_once_per_rule")]
        indexes = [
            # the dashboard counts by rule within a snapshot
            models.Index(fields=["snapshot", "code"], name="cadres_cadrewarning_snap_code"),
        ]

    def __str__(self):
        return f"{self.cadre_id} {self.code}"


# --- 任职回避 (《党政领导干部任职回避暂行规定》) ---------------------------------------------------------------------

# 夫妻关系、直系血亲关系、三代以内旁系血亲关系以及近姻亲关系, as the 称谓 of the 任免审批表 writes them (第五条).
DEFAULT_AVOIDANCE_RELATIONS = [
    "丈夫", "妻子", "夫", "妻", "配偶",
    "父亲", "母亲", "儿子", "女儿", "祖父", "祖母", "外祖父", "外祖母", "孙子", "孙女", "外孙", "外孙女",
    "哥哥", "弟弟", "姐姐", "妹妹", "兄", "弟", "姐", "妹", "伯父", "叔父", "姑母", "舅父", "姨母",
    "堂兄", "堂弟", "堂姐", "堂妹", "表兄", "表弟", "表姐", "表妹", "侄子", "侄女", "外甥", "外甥女",
    "岳父", "岳母", "公公", "婆婆", "儿媳", "女婿", "嫂子", "弟媳", "姐夫", "妹夫",
]
# 组织（人事）、纪检监察、审计、财务工作 (第五条).
DEFAULT_SUPERVISING_KEYWORDS = ["组织", "人事", "纪检", "纪委", "监察", "监委", "审计", "财务", "会计"]
# 地域回避 (第九条): posts not held in one's native county.
DEFAULT_REGIONAL_POSTS = ["县委书记", "县长", "组织部长", "组织部部长", "纪委书记", "法院院长", "检察院检察长",
                          "公安局长", "公安局局长"]


def default_avoidance_relations():
    return list(DEFAULT_AVOIDANCE_RELATIONS)


def default_supervising_keywords():
    return list(DEFAULT_SUPERVISING_KEYWORDS)


def default_regional_posts():
    return list(DEFAULT_REGIONAL_POSTS)


class AvoidanceRules(SingleRowSettings):
    """The numbers of the 任职回避 rule (cadres.avoidance), the regulation's by default; one row, edited by the
    系统管理员 in the admin."""

    relations = ArrayField(models.CharField(max_length=10), verbose_name="须回避的亲属称谓",
                           default=default_avoidance_relations,
                           help_text="夫妻、直系血亲、三代以内旁系血亲及近姻亲，按任免审批表的称谓填写，逗号分隔")
    supervising_keywords = ArrayField(models.CharField(max_length=10), verbose_name="监督性岗位关键词",
                                      default=default_supervising_keywords,
                                      help_text="职务名称含其一，即视为从事组织（人事）、纪检监察、审计、财务工作")
    regional_posts = ArrayField(models.CharField(max_length=20), verbose_name="实行地域回避的职务",
                                default=default_regional_posts,
                                help_text="不得在本人成长地（籍贯、出生地）所在县（市、区）担任的职务；副职不在此列")

    class Meta:
        verbose_name = verbose_name_plural = "任职回避参数"

    def __str__(self):
        return "任职回避参数"


class AvoidanceReview(models.Model):
    """The office's decision on one suspected 任职回避 conflict: confirmed (it stays a blocking warning) or dismissed
    with a reason (it is no longer raised). The fingerprint covers the facts the conflict was found from (who,
    which relation, which units and posts), so a dismissed conflict comes back as soon as any of them changes."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", "确认存在"
        DISMISSED = "dismissed", "排除"

    fingerprint = models.CharField("情形指纹", max_length=64, unique=True)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="avoidance_reviews")
    relative = models.ForeignKey(Cadre, verbose_name="亲属", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    summary = models.CharField("情形", max_length=300)
    decision = models.CharField("核实结论", max_length=16, choices=Decision.choices)
    reason = models.TextField("理由")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField("核实时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "任职回避核实"
        ordering = ["-decided_at"]

    def __str__(self):
        return f"{self.summary}（{self.get_decision_display()}）"

from cadres.warning_counts import WarningCount  # noqa: E402, F401 (a model of this app, in its own module)
