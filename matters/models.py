"""重要事项联审: private travel abroad and certificate custody (因私出国（境）与证照管理), major personal events
reported beforehand (个人重大事项报告), and inspection rectification (巡察整改联督, reusing core.rectification)."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from cadres.models import Cadre, MeasureKind, SupervisionMeasure
from core import rectification
from core.models import JurisdictionSettings, Unit
from core.scoping import ScopedQuerySet, scoped_by

USER = settings.AUTH_USER_MODEL


# ---------------------------------------------------------------------------------------------------------------
# Settings (local numbers, editable in the admin)


class MattersRules(JurisdictionSettings):
    """The local numbers of this app, one row."""

    handover_days = models.PositiveSmallIntegerField("新领证照交存期限（天）", default=10,
                                                     validators=[MinValueValidator(1)])
    expiry_notice_months = models.PositiveSmallIntegerField("证照有效期预警（月）", default=6,
                                                            validators=[MinValueValidator(1)])
    return_days = models.PositiveSmallIntegerField("回国（境）后证照交回期限（天）", default=7,
                                                   validators=[MinValueValidator(1)])
    opinion_reply_working_days = models.PositiveSmallIntegerField("联审意见答复期限（工作日）", default=5,
                                                                  validators=[MinValueValidator(1)])
    late_return_window_months = models.PositiveSmallIntegerField("逾期交回证照预警期（月）", default=12)
    event_report_lead_days = models.PositiveSmallIntegerField(
        "婚丧喜庆事项至少提前报告（天）", default=1, help_text="晚于事项日期前该天数报告的，标记为迟报")
    inspection_rectification_days = models.PositiveSmallIntegerField("巡察整改期限（天）", default=60,
                                                                     validators=[MinValueValidator(1)])
    escalation_overdue_days = models.PositiveSmallIntegerField("整改逾期多少天提醒科室负责人", default=30)

    class Meta:
        verbose_name = verbose_name_plural = "重要事项联审参数"

    def __str__(self):
        return "重要事项联审参数"



class AccountabilitySituation(models.Model):
    """巡察整改问责情形: the editable list of situations in which the unit's Party secretary is held accountable."""

    label = models.CharField("问责情形", max_length=100, unique=True)
    default_measure = models.CharField("建议措施", max_length=32, choices=MeasureKind.choices,
                                       default=MeasureKind.REMINDER_TALK)
    active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "巡察整改问责情形"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.label


# ---------------------------------------------------------------------------------------------------------------
# Registration with the exit-entry authority (登记备案)


class ExitEntryRegistration(models.Model):
    """登记备案: a cadre registered with the public-security exit-entry authority; removed on leaving the managed
    levels. A cadre has at most one active registration."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT,
                              related_name="exit_entry_registrations")
    registered_on = models.DateField("登记备案日期")
    removed_on = models.DateField("撤销备案日期", null=True, blank=True)
    removal_reason = models.CharField("撤销原因", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(USER, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = scoped_by("cadre__unit").as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "出入境登记备案"
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cadre"], condition=models.Q(removed_on__isnull=True),
                                    name="%(app_label)s_%(class)s_one_active"),
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True) | models.Q(removed_on__gte=models.F("registered_on")),
                name="%(app_label)s_%(class)s_removed_after_registered"),
        ]

    def __str__(self):
        return f"{self.cadre.name} 登记备案（{self.registered_on:%Y-%m-%d}）"

    @property
    def is_active(self):
        return self.removed_on is None


class CrossingDirection(models.TextChoices):
    EXIT = "exit", "出境"
    ENTRY = "entry", "入境"


class BorderCrossing(models.Model):
    """出入境记录: pushed by the 公安 exit-entry system (REST API) for a registered cadre, matched to the approved
    travel application whose dates contain the day; one without is a warning (matters.unapproved_crossing)."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="border_crossings")
    direction = models.CharField("出/入境", max_length=8, choices=CrossingDirection.choices)
    crossed_on = models.DateField("出入境日期")
    port = models.CharField("口岸", max_length=100)
    document_number = models.CharField("证件号码", max_length=30, blank=True)
    application = models.ForeignKey("TravelApplication", verbose_name="对应申请", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="crossings")
    reported_by = models.ForeignKey(USER, verbose_name="报送人", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("报送时间", auto_now_add=True)

    objects = scoped_by("cadre__unit").as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "出入境记录"
        ordering = ["-crossed_on", "-id"]
        constraints = [
            # the same record pushed twice is stored once
            models.UniqueConstraint(fields=["cadre", "direction", "crossed_on", "port"],
                                    name="%(app_label)s_%(class)s_once"),
        ]

    def __str__(self):
        return f"{self.cadre.name} {self.crossed_on:%Y-%m-%d} {self.get_direction_display()}（{self.port}）"


# ---------------------------------------------------------------------------------------------------------------
# Certificates in custody (证照管理)


class CertificateKind(models.TextChoices):
    PASSPORT = "passport", "因私护照"
    HK_MACAO = "hk_macao", "往来港澳通行证"
    TAIWAN = "taiwan", "往来台湾通行证"


class CertificateStatus(models.TextChoices):
    AWAITING = "awaiting", "待交存"
    IN_CUSTODY = "in_custody", "在库保管"
    LENT = "lent", "已借出"
    CANCELLED = "cancelled", "已注销"


class Certificate(models.Model):
    """A travel certificate held in custody by the office. A new one is handed over within N days of issue."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    cadre = models.ForeignKey(Cadre, verbose_name="持证人", on_delete=models.PROTECT,
                              related_name="travel_certificates")
    kind = models.CharField("证照类别", max_length=16, choices=CertificateKind.choices)
    number = models.CharField("证件号码", max_length=30)
    issued_on = models.DateField("签发日期")
    expires_on = models.DateField("有效期至")
    issuing_authority = models.CharField("签发机关", max_length=100, blank=True)
    status = models.CharField("状态", max_length=16, choices=CertificateStatus.choices,
                              default=CertificateStatus.AWAITING)
    handover_due = models.DateField("应交存日期")
    handed_over_on = models.DateField("交存日期", null=True, blank=True)
    cancelled_on = models.DateField("注销日期", null=True, blank=True)
    cancel_reason = models.CharField("注销原因", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(USER, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = scoped_by("cadre__unit").as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "出入境证照"
        ordering = ["cadre__unit__path", "cadre__name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="%(app_label)s_%(class)s_number_unique"),
            models.CheckConstraint(condition=models.Q(expires_on__gt=models.F("issued_on")),
                                   name="%(app_label)s_%(class)s_expires_after_issue"),
        ]
        indexes = [
            # serves the expiry scan and the reconciliation: certificates still held, by expiry date
            models.Index(fields=["expires_on"], name="matters_cert_held_expiry",
                         condition=~models.Q(status="cancelled")),
        ]

    def __str__(self):
        # the number is shown on pages; logs and notifications carry only its last digits
        return f"{self.cadre.name} {self.get_kind_display()}（尾号{self.number[-4:]}）"

    def get_absolute_url(self):
        return reverse("matters:certificate_detail", args=[self.code])

    @property
    def is_held(self):
        return self.status in (CertificateStatus.IN_CUSTODY, CertificateStatus.LENT)

    def is_expired(self, on_date):
        return self.expires_on < on_date


# ---------------------------------------------------------------------------------------------------------------
# Travel applications and the joint review (因私出国（境）审批)


class Funding(models.TextChoices):
    SELF = "self", "个人自费"
    RELATIVE = "relative", "亲属资助"
    INVITER = "inviter", "邀请方负担"
    OTHER = "other", "其他"


class ApplicationStatus(models.TextChoices):
    REVIEWING = "reviewing", "联审中"
    REVIEWED = "reviewed", "联审完毕待审批"
    APPROVED = "approved", "已批准"
    TRAVELLING = "travelling", "已领证出行"
    COMPLETED = "completed", "证照已交回"
    REJECTED = "rejected", "不予批准"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_APPLICATION_STATUSES = (ApplicationStatus.REVIEWING, ApplicationStatus.REVIEWED, ApplicationStatus.APPROVED,
                             ApplicationStatus.TRAVELLING)


class TravelApplication(models.Model):
    """因私出国（境）申请: reviewed jointly by four departments, then approved by the authority for the cadre's
    level."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("申请编号", max_length=30, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    cadre = models.ForeignKey(Cadre, verbose_name="申请人", on_delete=models.PROTECT,
                              related_name="travel_applications")
    certificate = models.ForeignKey(Certificate, verbose_name="使用证照", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="applications")
    destination = models.CharField("前往国家（地区）", max_length=200)
    departs_on = models.DateField("出发日期")
    returns_on = models.DateField("返回日期")
    purpose = models.TextField("事由")
    funding = models.CharField("费用来源", max_length=16, choices=Funding.choices)
    funding_note = models.CharField("费用说明", max_length=200, blank=True)
    companions = models.CharField("同行人员", max_length=200, blank=True)
    applied_on = models.DateField("申请日期")
    status = models.CharField("状态", max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.REVIEWING)
    approval_authority = models.CharField("审批机关", max_length=100)
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decision_ref = models.CharField("批复文号", max_length=100, blank=True)
    decision_note = models.CharField("审批意见/撤回原因", max_length=300, blank=True)
    created_by = models.ForeignKey(USER, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = scoped_by("cadre__unit").as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "因私出国（境）申请"
        ordering = ["-year", "-seq"]
        constraints = [
            models.CheckConstraint(condition=models.Q(returns_on__gte=models.F("departs_on")),
                                   name="%(app_label)s_%(class)s_returns_after_departure"),
        ]
        indexes = [models.Index(fields=["status", "departs_on"], name="matters_app_status_departs")]

    def __str__(self):
        return f"{self.number} {self.cadre.name}赴{self.destination}"

    def get_absolute_url(self):
        return reverse("matters:application_detail", args=[self.code])

    @property
    def days(self):
        return (self.returns_on - self.departs_on).days + 1


class ReviewDepartment(models.TextChoices):
    DISCIPLINE = "discipline", "纪检监察机关"
    ORGANIZATION = "organization", "组织部门"
    SECRECY = "secrecy", "保密部门"
    PUBLIC_SECURITY = "public_security", "公安机关"


class OpinionResult(models.TextChoices):
    AGREE = "agree", "同意"
    DISAGREE = "disagree", "不同意"


class ReviewOpinion(models.Model):
    """One department's opinion in the joint review (联审), due N working days after the request."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(TravelApplication, verbose_name="申请", on_delete=models.PROTECT,
                                    related_name="opinions")
    department = models.CharField("联审部门", max_length=16, choices=ReviewDepartment.choices)
    requested_on = models.DateField("征求意见日期")
    reply_due = models.DateField("答复期限")
    reply_due_provisional = models.BooleanField("答复期限暂定", default=False)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    result = models.CharField("意见", max_length=16, choices=OpinionResult.choices, blank=True)
    note = models.TextField("意见说明", blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "联审意见"
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "department"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(condition=models.Q(result="") | models.Q(replied_on__isnull=False),
                                   name="%(app_label)s_%(class)s_result_dated"),
        ]
        indexes = [
            # serves the deadline scan: opinions not yet replied, by due date
            models.Index(fields=["reply_due"], name="matters_opinion_pending",
                         condition=models.Q(replied_on__isnull=True)),
        ]

    def __str__(self):
        return f"{self.application.number} {self.get_department_display()}意见"

    def get_absolute_url(self):
        return self.application.get_absolute_url()

    @property
    def is_replied(self):
        return self.replied_on is not None


class CertificateLoan(models.Model):
    """证照借出: lent for an approved trip, returned within N days after coming back with a short report."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    certificate = models.ForeignKey(Certificate, verbose_name="证照", on_delete=models.PROTECT, related_name="loans")
    application = models.OneToOneField(TravelApplication, verbose_name="出国（境）申请", on_delete=models.PROTECT,
                                       related_name="loan")
    lent_on = models.DateField("借出日期")
    return_due = models.DateField("应交回日期")
    lent_by = models.ForeignKey(USER, verbose_name="经办人", null=True, on_delete=models.PROTECT, related_name="+")
    returned_on = models.DateField("交回日期", null=True, blank=True)
    return_report = models.TextField("回国（境）报告", blank=True)
    received_by = models.ForeignKey(USER, verbose_name="接收人", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    objects = scoped_by("certificate__cadre__unit").as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "证照借出记录"
        ordering = ["-lent_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["certificate"], condition=models.Q(returned_on__isnull=True),
                                    name="%(app_label)s_%(class)s_one_open"),
            models.CheckConstraint(
                condition=models.Q(returned_on__isnull=True) | models.Q(returned_on__gte=models.F("lent_on")),
                name="%(app_label)s_%(class)s_returned_after_lent"),
        ]
        indexes = [
            # serves the return scan and the late-return warning: loans not yet returned, by due date
            models.Index(fields=["return_due"], name="matters_loan_open_due",
                         condition=models.Q(returned_on__isnull=True)),
        ]

    def __str__(self):
        return f"{self.certificate} 借出（{self.lent_on:%Y-%m-%d}）"

    def get_absolute_url(self):
        return self.application.get_absolute_url()

    def days_late(self, on_date):
        """Days past the return date: until it came back, or up to `on_date` while still out."""
        end = self.returned_on or on_date
        return max((end - self.return_due).days, 0)


# ---------------------------------------------------------------------------------------------------------------
# 立案审查调查: entered by staff from the discipline commission's notice; blocks travel applications


class InvestigationKind(models.TextChoices):
    REVIEW = "review", "立案审查"
    INVESTIGATION = "investigation", "立案调查"
    REVIEW_AND_INVESTIGATION = "both", "立案审查调查"


class InvestigationRecord(models.Model):
    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT,
                              related_name="investigation_records")
    kind = models.CharField("类别", max_length=16, choices=InvestigationKind.choices)
    authority = models.CharField("办理机关", max_length=100, default="县纪委监委")
    notice_ref = models.CharField("通报文号", max_length=100, blank=True)
    started_on = models.DateField("立案日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    outcome = models.CharField("结果", max_length=200, blank=True)
    created_by = models.ForeignKey(USER, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = scoped_by("cadre__unit").as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "立案审查调查记录"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="%(app_label)s_%(class)s_end_after_start"),
        ]

    def __str__(self):
        return f"{self.cadre.name} {self.get_kind_display()}（{self.started_on:%Y-%m-%d}）"

    def get_absolute_url(self):
        return reverse("matters:investigation_list")

    def is_open_on(self, on_date):
        return self.started_on <= on_date and (self.ended_on is None or self.ended_on > on_date)


# ---------------------------------------------------------------------------------------------------------------
# Major personal events (个人重大事项报告: 婚丧喜庆)


class EventKind(models.TextChoices):
    WEDDING = "wedding", "婚嫁"
    FUNERAL = "funeral", "丧葬"
    BIRTHDAY = "birthday", "寿诞"
    OTHER = "other", "其他喜庆事项"


class PersonalEvent(models.Model):
    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="personal_events")
    kind = models.CharField("事项类别", max_length=16, choices=EventKind.choices)
    party = models.CharField("当事人及与本人关系", max_length=50, help_text="如：儿子 王某某")
    event_date = models.DateField("举办日期")
    venue = models.CharField("举办地点", max_length=200)
    tables = models.PositiveSmallIntegerField("宴席桌数", default=0)
    guests = models.PositiveIntegerField("邀请人数", default=0)
    accepts_gifts = models.BooleanField("是否收受礼金礼品", default=False)
    gift_scope = models.CharField("收受范围", max_length=200, blank=True, help_text="如：仅限亲属")
    reported_on = models.DateField("报告日期")
    late = models.BooleanField("迟报", default=False)
    note = models.CharField("备注", max_length=300, blank=True)
    created_by = models.ForeignKey(USER, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = scoped_by("cadre__unit").as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "个人重大事项报告"
        ordering = ["-event_date", "-id"]

    def __str__(self):
        return f"{self.cadre.name} {self.get_kind_display()}（{self.event_date:%Y-%m-%d}）"

    def get_absolute_url(self):
        return reverse("matters:event_detail", args=[self.code])


# ---------------------------------------------------------------------------------------------------------------
# Inspection rectification (巡察整改联督)


class InspectionKind(models.TextChoices):
    """Where the problems come from. 作风督查 and 干部监督员 are the new channels of issue 13."""

    INSPECTION = "inspection", "巡察"
    WORK_STYLE = "work_style", "作风督查"
    SUPERVISOR = "supervisor", "干部监督员反映"


class InspectionStatus(models.TextChoices):
    RECTIFYING = "rectifying", "整改中"
    CLOSED = "closed", "整改完成"


class Inspection(models.Model):
    """The inspection feedback to a unit, with its rectification items, joint reviews and accountability."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("来源", max_length=16, choices=InspectionKind.choices, default=InspectionKind.INSPECTION)
    unit = models.ForeignKey(Unit, verbose_name="被巡察单位", on_delete=models.PROTECT, related_name="+")
    round_name = models.CharField("巡察轮次", max_length=100, help_text="如：2026年县委第一轮巡察")
    team = models.CharField("巡察组", max_length=100, blank=True)
    feedback_on = models.DateField("反馈日期")
    feedback = models.TextField("反馈意见摘要")
    secretary = models.ForeignKey(Cadre, verbose_name="党组织书记", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    status = models.CharField("状态", max_length=16, choices=InspectionStatus.choices,
                              default=InspectionStatus.RECTIFYING)
    closed_on = models.DateField("整改完成日期", null=True, blank=True)
    created_by = models.ForeignKey(USER, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = scoped_by("unit").as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "巡察整改"
        ordering = ["-feedback_on", "-id"]

    def __str__(self):
        return f"{self.round_name}：{self.unit.display_name}"

    def get_absolute_url(self):
        return reverse("matters:inspection_detail", args=[self.code])


class InspectionItemQuerySet(ScopedQuerySet):
    unit_fields = ("inspection__unit",)

    def active(self):
        return self.filter(voided_at__isnull=True)


class InspectionItem(rectification.RectificationItem):
    """整改事项: one problem of the feedback with its owner and deadline; tracked by core.rectification."""

    inspection = models.ForeignKey(Inspection, verbose_name="巡察整改", on_delete=models.PROTECT,
                                   related_name="items")
    number = models.PositiveSmallIntegerField("序号")
    problem = models.TextField("反馈问题")
    owner_cadre = models.ForeignKey(Cadre, verbose_name="责任领导", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    owner_name = models.CharField("责任部门/责任人", max_length=100, blank=True)

    objects = InspectionItemQuerySet.as_manager()

    class Meta(rectification.RectificationItem.Meta):
        verbose_name = verbose_name_plural = "巡察整改事项"
        ordering = ["inspection", "number"]
        constraints = [
            *rectification.RectificationItem.Meta.constraints,
            models.UniqueConstraint(fields=["inspection", "number"], name="%(app_label)s_%(class)s_number_once"),
        ]
        indexes = [rectification.open_deadline_index("matters_item_open_deadline")]

    def __str__(self):
        return f"{self.inspection.round_name} {self.inspection.unit.display_name} 问题{self.number}"

    def get_absolute_url(self):
        return reverse("matters:item_detail", args=[self.inspection.code, self.code])


InspectionProgress, InspectionEvidence = rectification.companion_models(
    InspectionItem, prefix="Inspection", item_label="整改事项", progress_label="巡察整改进展",
    evidence_label="巡察整改佐证材料", upload_subdir="matters/evidence")


class ReviewConclusion(models.TextChoices):
    PASSED = "passed", "通过"
    SUPPLEMENT = "supplement", "基本通过，限期补充整改"
    FAILED = "failed", "不通过，重新整改"


class JointReview(models.Model):
    """四方会审: 纪委监委, 组织部, 巡察办 and the 巡察组 review the rectification with the Party secretary's answers."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    inspection = models.ForeignKey(Inspection, verbose_name="巡察整改", on_delete=models.PROTECT,
                                   related_name="joint_reviews")
    held_on = models.DateField("会审日期")
    discipline_opinion = models.TextField("纪委监委意见")
    organization_opinion = models.TextField("组织部意见")
    inspection_office_opinion = models.TextField("巡察办意见")
    inspection_team_opinion = models.TextField("巡察组意见")
    secretary_answers = models.TextField("党组织书记答询情况")
    conclusion = models.CharField("会审结论", max_length=16, choices=ReviewConclusion.choices)
    created_by = models.ForeignKey(USER, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "四方会审"
        ordering = ["inspection", "held_on", "id"]

    def __str__(self):
        return f"{self.inspection} 四方会审（{self.held_on:%Y-%m-%d}）"


class Accountability(models.Model):
    """问责: the unit's Party secretary held accountable for the rectification; creates a supervision measure."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    inspection = models.ForeignKey(Inspection, verbose_name="巡察整改", on_delete=models.PROTECT,
                                   related_name="accountabilities")
    cadre = models.ForeignKey(Cadre, verbose_name="被问责人", on_delete=models.PROTECT, related_name="+")
    situations = models.JSONField("问责情形", default=list)  # labels as they read when decided
    measure_kind = models.CharField("问责方式", max_length=32, choices=MeasureKind.choices)
    decided_on = models.DateField("决定日期")
    reason = models.TextField("事实与理由")
    measure = models.OneToOneField(SupervisionMeasure, verbose_name="监督措施", on_delete=models.PROTECT,
                                   related_name="+")
    created_by = models.ForeignKey(USER, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "巡察整改问责"
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.cadre.name} {self.get_measure_kind_display()}（{self.inspection.round_name}）"

    def get_absolute_url(self):
        return self.inspection.get_absolute_url()

    @property
    def situations_text(self):
        return "；".join(self.situations)
