"""Supervision measures (监督措施/组织处理), their impact periods and the jurisdiction's cadre settings."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from cadres.models.cadre import Cadre
from core.models import JurisdictionSettings
from core.scoping import scoped_by


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
