"""The cadre record (Cadre) and its post history (PositionHistory), with the choices they use."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse

from cadres import idcard
from core.concurrency import Versioned
from core.models import Unit
from core.scoping import ScopedQuerySet


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
