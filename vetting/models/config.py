from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.models import JurisdictionSettings


class VettingSettings(JurisdictionSettings):
    """The local numbers of vetting (domain brief §3 "Vetting"), edited by the system administrator.

    One row (pk=1); `current()` creates it with the defaults on first use.
    """

    recommendation_threshold = models.DecimalField(
        "民主推荐得票率下限（%）", max_digits=5, decimal_places=2, default=Decimal("50.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="低于此比例的人选被标记，须由科室负责人或部领导记录理由后方可继续。",
    )
    opinion_reply_working_days = models.PositiveSmallIntegerField(
        "征求意见答复期限（工作日）", default=5, validators=[MinValueValidator(1)])
    discipline_reply_working_days = models.PositiveSmallIntegerField(
        "纪委监委意见答复期限（工作日）", default=5, validators=[MinValueValidator(1)])
    exam_pass_mark = models.PositiveSmallIntegerField(
        "三考及格分", default=60, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="每科满分100分，每科均达到及格分为通过；未通过可补考一次。")
    publicity_working_days = models.PositiveSmallIntegerField(
        "任前公示期（工作日）", default=5, validators=[MinValueValidator(5)],
        help_text="不少于5个工作日（《党政领导干部选拔任用工作条例》）。")
    probation_months = models.PositiveSmallIntegerField("试用期（月）", default=12, validators=[MinValueValidator(1)])
    probation_notice_days = models.PositiveSmallIntegerField(
        "试用期满提前提醒（天）", default=30, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = verbose_name_plural = "任前把关参数"

    def __str__(self):
        return "任前把关参数"
