"""联席会议 / 监督信息联享: member units, their monthly and urgent reports, items, disposals, meetings."""

import calendar
import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.shortcuts import get_objects_for_user

from core import roles
from core.concurrency import Versioned
from core.models import JurisdictionSettings, Unit, User
from core.scoping import ScopedQuerySet, restrict_by_unit
from core.search import Bigrams

GROUP_PREFIX = "联络员-"


def first_of_month(day):
    return day.replace(day=1)


def next_month(period):
    return (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def previous_month(period):
    return (period.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def month_end(period):
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def parse_period(text):
    """'2026-10' → date(2026, 10, 1); None when the text is not a month."""
    try:
        year, month = (int(part) for part in str(text).split("-")[:2])
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return None


def period_label(period):
    return f"{period.year}年{period.month}月"


class ReportingSchedule(JurisdictionSettings):
    """Local practice of the joint meeting (seed 003): when monthly reports are due, and how many plenary meetings
    a year it holds; one row, editable in the admin by the 系统管理员."""

    due_day = models.PositiveSmallIntegerField("报送截止日", default=15,
                                               help_text="次月几日前报送上月通报（默认 15 日）")
    reminder_day = models.PositiveSmallIntegerField("提醒日", default=10,
                                                    help_text="次月几日提醒尚未报送的成员单位（默认 10 日）")
    # 期间届满的最后一日是法定休假日的，以休假日后的第一日为期间届满的日期 (民法典 第二百零三条)
    roll_over_holidays = models.BooleanField("遇法定节假日顺延", default=True,
                                             help_text="报送截止日为法定休假日时，顺延至其后第一个工作日")
    plenary_per_year = models.PositiveSmallIntegerField("每年全体会议次数", default=1,
                                                        help_text="联席会议每年至少召开全体会议的次数（默认 1 次）")
    plenary_notice_days = models.PositiveSmallIntegerField(
        "全体会议提前提醒天数", default=90,
        help_text="年内全体会议次数不足时，从年底前多少天起提醒监督科（默认 90 天；年底前 30 天起升为预警）")

    class Meta:
        verbose_name = verbose_name_plural = "联席会议规则"
        constraints = [
            models.CheckConstraint(condition=models.Q(due_day__gte=1, due_day__lte=28),
                                   name="%(app_label)s_%(class)s_due_day_range"),
            models.CheckConstraint(condition=models.Q(reminder_day__gte=1, reminder_day__lte=28),
                                   name="%(app_label)s_%(class)s_reminder_day_range"),
            models.CheckConstraint(condition=models.Q(plenary_per_year__gte=1),
                                   name="%(app_label)s_%(class)s_plenary_per_year_min"),
            models.CheckConstraint(condition=models.Q(plenary_notice_days__lte=365),
                                   name="%(app_label)s_%(class)s_plenary_notice_days_max"),
        ]

    def __str__(self):
        return (f"次月{self.due_day}日前报送，{self.reminder_day}日提醒；"
                f"每年至少{self.plenary_per_year}次全体会议")



class MemberUnitQuerySet(models.QuerySet):
    def in_jurisdiction_of(self, user):
        """Member units an office user works with: those in their jurisdiction. The member-unit list is
        configuration, not case data (the system administrator keeps it in the admin), hence no `visible_to`."""
        return restrict_by_unit(self, user)

    def active_in(self, period):
        """Member units taking part in the month starting at `period`."""
        return self.filter(models.Q(active_from__lte=month_end(period)),
                           models.Q(active_to__isnull=True) | models.Q(active_to__gte=period))


class MemberUnit(models.Model):
    """成员单位: a unit that takes part in the joint meeting. Its liaison officers are the members of `group`."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    unit = models.OneToOneField(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="member_unit")
    group = models.OneToOneField(Group, verbose_name="联络员组", on_delete=models.PROTECT, related_name="member_unit",
                                 editable=False)
    active_from = models.DateField("加入时间")
    active_to = models.DateField("退出时间", null=True, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = MemberUnitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "成员单位"
        ordering = ["sort_order", "unit__path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_to__isnull=True) | models.Q(active_to__gte=models.F("active_from")),
                name="%(app_label)s_%(class)s_active_to_after_from",
            ),
        ]

    def __str__(self):
        return self.unit.display_name

    @property
    def name(self):
        return self.unit.display_name

    def officers(self):
        """信息联络员: users in the unit's group who hold the liaison role."""
        return User.objects.filter(groups=self.group, is_active=True).filter(groups__name=roles.LIAISON)

    def is_active_in(self, period):
        return self.active_from <= month_end(period) and (self.active_to is None or self.active_to >= period)


class Aspect(models.TextChoices):
    """The five aspects of a cadre that member units report on."""

    POLITICAL_RULES = "political_rules", "政治规矩"
    PERFORMANCE = "performance", "履职担当"
    DISCIPLINE = "discipline", "遵规守纪"
    CONDUCT = "conduct", "作风形象"
    PUBLIC_OPINION = "public_opinion", "干群评价"


class Severity(models.TextChoices):
    MINOR = "minor", "一般"
    SERIOUS = "serious", "较重"
    SEVERE = "severe", "严重"


class ReportQuerySet(ScopedQuerySet):
    """Office roles see the reports by jurisdiction; a liaison officer through the object permissions granted to
    their unit's group; nobody else anything."""

    unit_fields = ("member_unit__unit",)

    def for_other_roles(self, user):
        if user and user.is_authenticated and user.has_role(roles.LIAISON):
            return get_objects_for_user(user, "liaison.view_report", klass=self, use_groups=True,
                                        with_superuser=False, accept_global_perms=False)
        return self.none()

    def monthly(self):
        return self.filter(kind=Report.Kind.MONTHLY)

    def received(self):
        """Reports the office has received (submitted, signed)."""
        return self.filter(status__in=Report.RECEIVED)


class Report(Versioned):
    """通报: a member unit's monthly report (月度通报), or one urgent item sent alone (即时通报)."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "月度通报"
        URGENT = "urgent", "即时通报"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        SIGNED = "signed", "已签收"
        RETURNED = "returned", "退回"

    RECEIVED = (Status.SUBMITTED, Status.SIGNED)

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    member_unit = models.ForeignKey(MemberUnit, verbose_name="成员单位", on_delete=models.PROTECT,
                                    related_name="reports")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.MONTHLY)
    period = models.DateField("所属月份", help_text="月份的第一天")
    due_date = models.DateField("报送期限", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    is_nil = models.BooleanField("零报告", default=False)
    nil_statement = models.CharField("零报告说明", max_length=200, blank=True)
    remarks = models.TextField("备注", blank=True)
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签收人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="退回人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "通报"
        ordering = ["-period", "member_unit__sort_order", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["member_unit", "period"], condition=models.Q(kind="monthly"),
                                    name="%(app_label)s_%(class)s_one_monthly_per_unit_month"),
            models.CheckConstraint(condition=models.Q(period__day=1), name="%(app_label)s_%(class)s_period_first_day"),
            models.CheckConstraint(condition=models.Q(kind="urgent") | models.Q(due_date__isnull=False),
                                   name="%(app_label)s_%(class)s_monthly_has_due_date"),
        ]
        indexes = [
            # serves the compliance matrix and the deadline scan: monthly reports of a range of months
            models.Index(fields=["period", "member_unit"], name="liaison_report_period_unit"),
        ]

    def __str__(self):
        return f"{self.member_unit} {self.period_label} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("liaison:report_detail", args=[self.code])

    @property
    def period_label(self):
        return period_label(self.period)

    @property
    def period_value(self):
        return f"{self.period:%Y-%m}"

    @property
    def is_late(self):
        """Submitted (first) after the due date; urgent reports have no due date."""
        if self.kind != self.Kind.MONTHLY or self.first_submitted_at is None:
            return False
        return timezone.localtime(self.first_submitted_at).date() > self.due_date


class ReportUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Report, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = verbose_name_plural = "通报对象权限（用户）"


class ReportGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Report, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = verbose_name_plural = "通报对象权限（联络员组）"


class ItemSource(models.TextChoices):
    WORK = "work", "本单位工作中发现"
    SUPERVISOR = "supervisor", "干部监督员反映"
    WORK_STYLE = "work_style", "作风督查"
    PUBLIC = "public", "群众反映"
    OTHER = "other", "其他"


class ReportItem(Versioned):
    """通报事项: one thing a member unit learned about a cadre."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, verbose_name="通报", on_delete=models.PROTECT, related_name="items")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="liaison_items")
    cadre_name = models.CharField("干部姓名", max_length=50)
    cadre_post = models.CharField("单位职务", max_length=100, blank=True)
    is_principal = models.BooleanField("一把手", default=False)
    aspect = models.CharField("方面", max_length=32, choices=Aspect.choices)
    description = models.TextField("具体情况")
    source_kind = models.CharField("来源类别", max_length=16, choices=ItemSource.choices, default=ItemSource.WORK)
    source = models.CharField("信息来源", max_length=200)
    occurred_on = models.DateField("发生时间")
    severity = models.CharField("严重程度", max_length=16, choices=Severity.choices, default=Severity.MINOR)
    matched_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="匹配人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    matched_at = models.DateTimeField("匹配时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    voided_at = models.DateTimeField("删除时间", null=True, blank=True)
    void_reason = models.CharField("删除原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通报事项"
        ordering = ["report", "occurred_on", "id"]
        indexes = [
            # serves the cadre timeline and the warning rule: live items about a set of cadres
            models.Index(fields=["cadre", "occurred_on"], condition=models.Q(voided_at__isnull=True),
                         name="liaison_reportitem_cadre_live"),
            # serve the search box (core.search.containing): the name as reported and what the item says
            GinIndex(Bigrams("cadre_name"), name="liaison_item_name_bigrams"),
            GinIndex(Bigrams("description"), name="liaison_item_text_bigrams"),
            # and its order: the newest live items first, so that a frequent word stops after the first few
            models.Index(fields=["-occurred_on", "-id"], condition=models.Q(voided_at__isnull=True),
                         name="liaison_item_live_recent"),
        ]

    def __str__(self):
        return f"{self.cadre_name}（{self.get_aspect_display()}）"

    def get_absolute_url(self):
        return f"{self.report.get_absolute_url()}#item-{self.code}"


def attachment_path(instance, filename):
    return f"liaison/{instance.code}"


class ItemAttachment(models.Model):
    """附件: stored outside the web root, served only through a permission-checking view."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(ReportItem, verbose_name="通报事项", on_delete=models.PROTECT,
                             related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path)
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class Disposal(models.Model):
    """处置: what the office did with an item; every action is shared back to the reporting unit."""

    class Action(models.TextChoices):
        ARCHIVE = "archive", "存档备查"
        REMINDER_TALK = "reminder_talk", "提醒谈话"
        INQUIRY = "inquiry", "函询"
        ADMONISHMENT = "admonishment", "诫勉"
        TO_PETITION = "to_petition", "转信访举报件"
        FOR_VETTING = "for_vetting", "纳入考察"
        FEEDBACK = "feedback", "反馈成员单位"

    class Handoff(models.TextChoices):
        NONE = "", "—"
        PENDING = "pending", "待信访举报模块受理"
        DONE = "done", "已受理"

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(ReportItem, verbose_name="通报事项", on_delete=models.PROTECT, related_name="disposals")
    action = models.CharField("处置方式", max_length=32, choices=Action.choices)
    decided_on = models.DateField("处置日期")
    feedback = models.TextField("反馈成员单位意见", blank=True, help_text="成员单位可见")
    note = models.TextField("内部备注", blank=True, help_text="仅监督科可见")
    measure_code = models.CharField("监督措施编号", max_length=64, blank=True)
    handoff_status = models.CharField("移交状态", max_length=16, choices=Handoff.choices, blank=True, default="")
    handoff_code = models.CharField("移交案件编号", max_length=64, blank=True)
    handoff_label = models.CharField("移交案件", max_length=200, blank=True)
    handoff_url = models.CharField("移交案件链接", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处置人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "处置"
        ordering = ["item", "decided_on", "id"]
        constraints = [
            # a double click must not create two measures for the same item
            models.UniqueConstraint(fields=["item", "action"], name="%(app_label)s_%(class)s_once_per_action"),
        ]
        indexes = [
            # serves the petitions hand-off retry: disposals still waiting for a handler
            models.Index(fields=["action"], condition=models.Q(handoff_status="pending"),
                         name="liaison_disposal_pending"),
        ]

    def __str__(self):
        return f"{self.item} {self.get_action_display()}"


class MeetingQuerySet(ScopedQuerySet):
    unit_fields = ("organizer",)


class Meeting(Versioned):
    """联席会议: plenary (全体会议, at least one a year) or thematic (专题会议)."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", "全体会议"
        THEMATIC = "thematic", "专题会议"

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    organizer = models.ForeignKey(Unit, verbose_name="召集单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("会议类型", max_length=16, choices=Kind.choices)
    title = models.CharField("会议名称", max_length=200)
    held_on = models.DateField("召开日期")
    attendees = models.ManyToManyField(MemberUnit, verbose_name="参会单位", blank=True, related_name="meetings")
    agenda = models.TextField("议程", blank=True)
    minutes = models.TextField("会议纪要", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "联席会议"
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("liaison:meeting_detail", args=[self.code])


class MeetingDecisionQuerySet(ScopedQuerySet):
    """Office roles see the decisions of the meetings in their jurisdiction; a liaison officer those their own
    unit leads (through the unit's liaison group); nobody else any."""

    unit_fields = ("meeting__organizer",)

    def for_other_roles(self, user):
        if user and user.is_authenticated and user.has_role(roles.LIAISON):
            return self.filter(owner_unit__group__user=user)
        return self.none()

    def open(self):
        return self.filter(status=MeetingDecision.Status.OPEN)


class MeetingDecision(models.Model):
    """议定事项: tracked to done; undone ones past their deadline are reported by the scan. The lead unit's
    liaison officers see their unit's decisions and report them done (办理情况)."""

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        DONE = "done", "已办结"

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="decisions")
    content = models.TextField("议定事项")
    owner_unit = models.ForeignKey(MemberUnit, verbose_name="牵头单位", on_delete=models.PROTECT,
                                   related_name="decisions")
    deadline = models.DateField("办结期限")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField("办结日期", null=True, blank=True)
    done_note = models.TextField("办理情况", blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")

    objects = MeetingDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "议定事项"
        ordering = ["deadline", "id"]
        indexes = [
            # serves the deadline scan: open decisions by deadline
            models.Index(fields=["deadline"], condition=models.Q(status="open"), name="liaison_decision_open"),
        ]

    def __str__(self):
        return self.content[:60]

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#decision-{self.code}"

    def get_unit_url(self):
        """The decision's own page, where the lead unit's officers read it and report it done."""
        return reverse("liaison:decision_detail", args=[self.code])

    def is_overdue(self, on_date):
        return self.status == self.Status.OPEN and self.deadline < on_date
