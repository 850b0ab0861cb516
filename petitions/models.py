"""信访举报: petitions and reports about cadres, from intake to archive, with the informant's identity encrypted."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse

from core.models import Unit
from core.scoping import ScopedQuerySet
from core.search import Bigrams


class Channel(models.TextChoices):
    PHONE_12380 = "phone_12380", "12380电话"
    WEB_12380 = "web_12380", "12380网站"
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    SMS = "sms", "短信"
    SUPERIOR = "superior", "上级交办"
    DISCIPLINE = "discipline", "纪委监委移送"
    SUPERVISOR = "supervisor", "干部监督员反映"
    WORK_STYLE = "work_style", "作风督查移送"
    OTHER_TRANSFER = "other_transfer", "其他转来"
    LIAISON = "liaison", "联席会议成员单位"  # 转信访举报件 from a liaison monthly-report item


class CaseType(models.TextChoices):
    """Decides the clock: 检举控告 counts working days, 信访事项 calendar days (domain.md §3)."""

    ACCUSATION = "accusation", "检举控告"
    PETITION_MATTER = "petition_matter", "信访事项"


class ProblemCategory(models.TextChoices):
    """问题类别: the one list of categories."""

    SELECTION = "selection", "违反选人用人规定"
    ORG_DISCIPLINE = "org_discipline", "违反组织人事纪律"
    PERSONAL_MATTERS = "personal_matters", "个人有关事项不实"
    CONDUCT = "conduct", "作风问题"
    INTEGRITY = "integrity", "廉洁问题"
    PERFORMANCE = "performance", "履职问题"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    REGISTERED = "registered", "已登记"
    PROPOSED = "proposed", "拟办待审批"
    INVESTIGATING = "investigating", "查核中"
    ON_HOLD = "on_hold", "暂存待查"
    TRANSFERRED = "transferred", "已转办"
    REVIEWING = "reviewing", "待审核办结"
    CONCLUDED = "concluded", "已办结"
    FED_BACK = "fed_back", "已反馈"
    ARCHIVED = "archived", "已归档"
    MERGED = "merged", "重复件（已并案）"
    VOIDED = "voided", "已作废"


# Cases still being handled (warnings, vetting block, open counts).
OPEN_STATUSES = (Status.REGISTERED, Status.PROPOSED, Status.INVESTIGATING, Status.ON_HOLD, Status.TRANSFERRED,
                 Status.REVIEWING)
# Cases with a result (timeline of the cadre, conclusion statistics).
CONCLUDED_STATUSES = (Status.CONCLUDED, Status.FED_BACK, Status.ARCHIVED)
# Not counted in statistics: a duplicate counts in its main case; a voided record counts nowhere.
UNCOUNTED_STATUSES = (Status.MERGED, Status.VOIDED)
# Before the decision on acceptance (a transfer may still be proposed); while the case is being handled.
BEFORE_ACCEPTANCE = (Status.REGISTERED, Status.PROPOSED)
HANDLING_STATUSES = (Status.INVESTIGATING, Status.ON_HOLD, Status.REVIEWING)


class Disposal(models.TextChoices):
    """拟办: how the lead is to be disposed of."""

    TALK_INQUIRY = "talk_inquiry", "谈话函询"
    PRELIMINARY_CHECK = "preliminary_check", "初步核实"
    HOLD = "hold", "暂存待查"
    CLOSE = "close", "予以了结"
    TRANSFER = "transfer", "转办"
    JOINT_CHECK = "joint_check", "联合查核"


class Conclusion(models.TextChoices):
    TRUE = "true", "属实"
    PARTLY_TRUE = "partly_true", "部分属实"
    FALSE = "false", "不属实"
    UNVERIFIABLE = "unverifiable", "无法查实"


class FeedbackMethod(models.TextChoices):
    PHONE = "phone", "电话"
    IN_PERSON = "in_person", "当面"
    LETTER = "letter", "书面"
    SMS = "sms", "短信"
    ONLINE = "online", "网络"


class Stage(models.TextChoices):
    """The stages a time limit applies to."""

    ACCEPTANCE = "acceptance", "受理（告知）"
    FORWARD = "forward", "转送其他层级"
    HANDLING = "handling", "办结"
    FEEDBACK = "feedback", "反馈"
    EXTENSION = "extension", "延期（上限）"
    TRANSFER_REPLY = "transfer_reply", "转办回复"
    # 《信访工作条例》第三十五条、第三十六条 (信访事项 only)
    REVIEW_REQUEST = "review_request", "请求复查"
    REVIEW_ANSWER = "review_answer", "复查答复"
    RECHECK_REQUEST = "recheck_request", "请求复核"
    RECHECK_ANSWER = "recheck_answer", "复核答复"


class DayKind(models.TextChoices):
    WORKING = "working", "工作日"
    CALENDAR = "calendar", "自然日"


class TimeLimit(models.Model):
    """办理时限: editable in the admin, seeded with the statutory numbers (migration 0002). The rows without a
    jurisdiction are the city's (the default); a county may set its own row for a case type and stage
    (core.models.nearest: the row of the nearest jurisdiction above a case's unit applies, stage by stage)."""

    jurisdiction = models.ForeignKey(
        Unit, verbose_name="适用辖区", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="为空为全市默认；县（市、区）另行规定的时限仅适用于该辖区。")
    case_type = models.CharField("件别", max_length=20, choices=CaseType.choices)
    stage = models.CharField("环节", max_length=20, choices=Stage.choices)
    days = models.PositiveSmallIntegerField("天数")
    day_kind = models.CharField("计日方式", max_length=10, choices=DayKind.choices)
    counted_from = models.CharField("起算", max_length=50)
    basis = models.CharField("依据", max_length=200, blank=True)
    # 期间届满的最后一日是法定休假日的，以休假日后的第一日为期间届满的日期 (民法典 第二百零三条); calendar days only.
    roll_over_holidays = models.BooleanField("遇法定节假日顺延", default=True,
                                             help_text="自然日期限的最后一日为法定休假日时，顺延至其后第一个工作日")

    class Meta:
        verbose_name = verbose_name_plural = "信访举报办理时限"
        ordering = ["case_type", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "case_type", "stage"], nulls_distinct=False,
                                    name="%(app_label)s_%(class)s_one_per_stage"),
        ]

    def __str__(self):
        return f"{self.get_case_type_display()} {self.get_stage_display()} {self.days}{self.get_day_kind_display()}"


ABOUT_USER = "subjects__cadre__user"  # a case naming the user (through the cadre linked to his login)


class PetitionQuerySet(ScopedQuerySet):
    """Office roles see the cases in their unit subtree, and never a case that names the user himself (matched
    through the cadre linked to his login)."""

    unit_fields = ("unit",)

    def hidden_from(self, user):
        return self.exclude(**{ABOUT_USER: user})

    def about(self, user):
        """The cases hidden_from takes away (the dashboard takes them off its per-unit tallies)."""
        return self.filter(pk__in=Petition.objects.filter(**{ABOUT_USER: user}).values("pk"))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def counted(self):
        return self.exclude(status__in=UNCOUNTED_STATUSES)


class Petition(models.Model):
    """信访举报件. Status changes only through petitions.services."""

    code = models.CharField("编号", max_length=30, unique=True, editable=False)
    query_code = models.CharField("查询码", max_length=8, unique=True, editable=False,
                                  help_text="可告知举报人，用于电话查询办理进度，无需查看举报人身份")
    received_on = models.DateField("收件日期")
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices)
    case_type = models.CharField("件别", max_length=20, choices=CaseType.choices, default=CaseType.ACCUSATION)
    is_named = models.BooleanField("实名", default=False)
    unit = models.ForeignKey(Unit, verbose_name="涉及单位", on_delete=models.PROTECT, related_name="+")
    categories = ArrayField(models.CharField(max_length=20, choices=ProblemCategory.choices), verbose_name="问题类别")
    summary = models.CharField("内容摘要", max_length=300)
    full_text = models.TextField("反映内容全文", blank=True)
    clues_specific = models.BooleanField("线索具体", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.REGISTERED)
    handlers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="承办人", blank=True,
                                      related_name="petitions_handled")

    # 拟办 (the approved proposal) and acceptance
    disposal = models.CharField("处置方式", max_length=20, choices=Disposal.choices, blank=True)
    proposed_disposal = models.CharField("拟办方式（待审批）", max_length=20, choices=Disposal.choices, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    acceptance_notified_on = models.DateField("受理告知日期", null=True, blank=True)
    acceptance_notice_method = models.CharField("受理告知方式", max_length=20, choices=FeedbackMethod.choices,
                                                blank=True)

    # 查核
    investigators = models.CharField("查核人员", max_length=200, blank=True)
    investigation_plan = models.TextField("查核方案", blank=True)
    joint_bodies = models.CharField("联合查核单位", max_length=200, blank=True)
    findings = models.TextField("查核情况", blank=True)

    # 审核办结
    conclusion = models.CharField("查核结论", max_length=20, choices=Conclusion.choices, blank=True)
    conclusion_note = models.TextField("办结意见", blank=True)
    concluded_on = models.DateField("办结日期", null=True, blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    name_cleared = models.BooleanField("澄清正名", default=False)
    clearing_note = models.TextField("澄清正名情况", blank=True)
    false_accusation_referred = models.BooleanField("诬告陷害移送", default=False)
    false_accusation_note = models.TextField("诬告陷害移送情况", blank=True)

    # 延期 (信访事项 only, once)
    extension_days = models.PositiveSmallIntegerField("延期天数", default=0)
    extension_reason = models.TextField("延期理由", blank=True)
    extension_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="延期批准人", null=True,
                                              blank=True, on_delete=models.PROTECT, related_name="+")
    extension_approved_at = models.DateTimeField("延期批准时间", null=True, blank=True)

    # 反馈
    feedback_on = models.DateField("反馈日期", null=True, blank=True)
    feedback_method = models.CharField("反馈方式", max_length=20, choices=FeedbackMethod.choices, blank=True)
    feedback_content = models.TextField("反馈内容", blank=True)
    feedback_objection = models.TextField("举报人意见（异议）", blank=True)
    archived_on = models.DateField("归档日期", null=True, blank=True)

    duplicate_of = models.ForeignKey("self", verbose_name="并入案件", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="duplicates")
    void_reason = models.CharField("作废原因", max_length=200, blank=True)

    # Deadlines, computed by services.refresh_deadlines from the TimeLimit table (one function each).
    acceptance_due = models.DateField("受理期限", null=True, blank=True)
    acceptance_due_provisional = models.BooleanField(default=False)
    forward_due = models.DateField("转送期限", null=True, blank=True)
    forward_due_provisional = models.BooleanField(default=False)
    handling_due = models.DateField("办结期限", null=True, blank=True)
    handling_due_provisional = models.BooleanField(default=False)
    feedback_due = models.DateField("反馈期限", null=True, blank=True)
    feedback_due_provisional = models.BooleanField(default=False)
    next_due = models.DateField("最近期限", null=True, blank=True)
    next_due_provisional = models.BooleanField(default=False)
    next_due_label = models.CharField("最近期限事项", max_length=30, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "信访举报件"
        ordering = ["-received_on", "-code"]
        permissions = [("view_reporter_identity", "查看举报人身份")]
        indexes = [
            # serves the default list and the deadline scan: open cases by nearest deadline
            models.Index(fields=["next_due"], condition=models.Q(status__in=OPEN_STATUSES + (Status.CONCLUDED,)),
                         name="petitions_petition_open_due"),
            # serve the deadline scan (petitions.deadlines.provider): each stage's due dates of the cases still
            # owing that step, so that a stage reads what is due, not every open case
            models.Index(fields=["acceptance_due"], name="petitions_acceptance_owed",
                         condition=models.Q(status__in=OPEN_STATUSES) & (
                             models.Q(acceptance_notified_on__isnull=True) | models.Q(status__in=BEFORE_ACCEPTANCE))),
            models.Index(fields=["forward_due"], condition=models.Q(status__in=BEFORE_ACCEPTANCE),
                         name="petitions_forward_owed"),
            models.Index(fields=["handling_due"], condition=models.Q(status__in=HANDLING_STATUSES),
                         name="petitions_handling_owed"),
            models.Index(fields=["feedback_due"], condition=models.Q(status=Status.CONCLUDED),
                         name="petitions_feedback_owed"),
            # serves duplicate proposals and the category filter: categories && ARRAY[...]
            GinIndex(fields=["categories"], name="petitions_petition_categories"),
            # serves duplicate proposals: summary % 'text' (pg_trgm)
            GinIndex(fields=["summary"], opclasses=["gin_trgm_ops"], name="petitions_summary_trgm"),
            models.Index(fields=["received_on"], name="petitions_petition_received"),
            # serves the list's exact count (status filter, anti-join on id): an index-only scan instead of reading
            # every petition row (province: 84 ms -> 34 ms; docs/benchmarks.md)
            models.Index(fields=["status", "id"], name="petitions_petition_status_id"),
            # serves the list's count without a status chosen (petitions.filters.count: the counted cases, of
            # every unit or joined to the user's): an index-only scan of the counted cases alone
            models.Index(fields=["unit", "id"], condition=~models.Q(status__in=UNCOUNTED_STATUSES),
                         name="petitions_petition_counted"),
            # serve the search box (core.search.containing): the case number and the summary, any length
            GinIndex(Bigrams(Upper("code")), name="petitions_code_bigrams"),
            GinIndex(Bigrams("summary"), name="petitions_summary_bigrams"),
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("petitions:detail", args=[self.code])

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def reporter_display(self):
        """What everybody sees in place of the identity."""
        return "实名（身份已保护）" if self.is_named else "匿名"

    def category_labels(self):
        labels = dict(ProblemCategory.choices)
        return [labels.get(value, value) for value in self.categories]


class PetitionSubject(models.Model):
    """被反映人: a linked cadre, or free text until the person can be matched."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="subjects")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="petition_subjects")
    name = models.CharField("姓名（未匹配）", max_length=50, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    unit_text = models.CharField("单位（文字）", max_length=100, blank=True)
    post_title = models.CharField("职务", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "被反映人"
        ordering = ["id"]
        # serves the search box (core.search.containing): the name of a person not matched to a cadre
        indexes = [GinIndex(Bigrams("name"), name="petitions_subject_name_bigrams")]
        constraints = [
            models.CheckConstraint(condition=models.Q(cadre__isnull=False) | ~models.Q(name=""),
                                   name="%(app_label)s_%(class)s_cadre_or_name"),
            models.UniqueConstraint(fields=["petition", "cadre"], condition=models.Q(cadre__isnull=False),
                                    name="%(app_label)s_%(class)s_once_per_case"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.cadre.name if self.cadre_id else self.name

    @property
    def unit_display(self):
        if self.unit_id:
            return self.unit.display_name
        if self.cadre_id:
            return self.cadre.unit.display_name
        return self.unit_text


class ReporterIdentity(models.Model):
    """The informant of a named report. Every value is an SM4-GCM token (petitions.crypto); the keyed hashes find
    repeat reporters without decrypting. Read only through petitions.identity.reveal."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="identity")
    name_token = models.TextField(blank=True)
    id_number_token = models.TextField(blank=True)
    phone_token = models.TextField(blank=True)
    address_token = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    TOKEN_FIELDS = ("name_token", "id_number_token", "phone_token", "address_token")

    class Meta:
        verbose_name = verbose_name_plural = "举报人身份（加密）"
        indexes = [
            # serves repeat-reporter matching: phone_hash = %s
            models.Index(fields=["phone_hash"], condition=~models.Q(phone_hash=""), name="petitions_identity_phone"),
            # serves repeat-reporter matching: id_number_hash = %s
            models.Index(fields=["id_number_hash"], condition=~models.Q(id_number_hash=""),
                         name="petitions_identity_idno"),
        ]

    def __str__(self):
        return f"{self.petition_id}（已加密）"

    def __repr__(self):
        return f"<ReporterIdentity petition={self.petition_id}>"

    def aad(self, field):
        """Associated data binding a token to its case and column."""
        return f"petitions.reporteridentity.{field}:{self.petition_id}"


class HandlingProposal(models.Model):
    """拟办 and its 审批."""

    class Decision(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "同意"
        REJECTED = "rejected", "退回"

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="proposals")
    disposal = models.CharField("拟办方式", max_length=20, choices=Disposal.choices)
    reason = models.TextField("拟办理由")
    transfer_to = models.CharField("转办单位", max_length=100, blank=True)
    transfer_reply_due = models.DateField("转办回复期限", null=True, blank=True)
    joint_bodies = models.CharField("联合查核单位", max_length=200, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="拟办人", on_delete=models.PROTECT,
                                    related_name="+")
    proposed_at = models.DateTimeField("拟办时间", auto_now_add=True)
    decision = models.CharField("审批结果", max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "拟办意见"
        ordering = ["proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["petition"], condition=models.Q(decision="pending"),
                                    name="%(app_label)s_%(class)s_one_pending"),
        ]

    def __str__(self):
        return f"{self.petition} {self.get_disposal_display()}"


class InterviewRecord(models.Model):
    """谈话（询问）记录 made during 查核."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="interviews")
    held_on = models.DateField("谈话日期")
    interviewee = models.CharField("谈话对象", max_length=100)
    place = models.CharField("地点", max_length=100, blank=True)
    content = models.TextField("谈话要点")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "谈话记录"
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.petition} {self.held_on:%Y-%m-%d} {self.interviewee}"


class Transfer(models.Model):
    """转办: the case sent to another body, with a reply deadline and the reply."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="transfers")
    to_body = models.CharField("转办单位", max_length=100)
    sent_on = models.DateField("转办日期")
    reply_due = models.DateField("回复期限")
    replied_on = models.DateField("回复日期", null=True, blank=True)
    reply_content = models.TextField("回复内容", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "转办记录"
        ordering = ["sent_on", "id"]
        indexes = [
            # serves the deadline scan: transfers still awaiting a reply
            models.Index(fields=["reply_due"], condition=models.Q(replied_on__isnull=True),
                         name="petitions_transfer_awaiting"),
        ]

    def __str__(self):
        return f"{self.petition} → {self.to_body}"


class PetitionEvent(models.Model):
    """One workflow step on the case page timeline: who, when, what (the audit log keeps the same, append-only)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField("操作", max_length=40)
    label = models.CharField("环节", max_length=40)
    from_status = models.CharField("原状态", max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=Status.choices, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理过程"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.petition} {self.label}"


class ReviewLevel(models.TextChoices):
    """复查 of the reply, then 复核 of the 复查 answer (《信访工作条例》第三十五条、第三十六条)."""

    REVIEW = "review", "复查"
    RECHECK = "recheck", "复核"


class ReviewOutcome(models.TextChoices):
    UPHELD = "upheld", "维持原处理意见"
    CHANGED = "changed", "变更原处理意见"
    REVOKED = "revoked", "撤销原处理意见，重新办理"


class ReviewRequest(models.Model):
    """复查/复核请求 of a 信访事项. Recorded through petitions.services.request_review; a late request is refused or
    kept as 不予受理 with its reason. The deadlines are stored, computed by petitions.deadlines."""

    class State(models.TextChoices):
        PENDING = "pending", "待答复"
        ANSWERED = "answered", "已答复"
        NOT_ACCEPTED = "not_accepted", "不予受理"

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="review_requests")
    level = models.CharField("类别", max_length=10, choices=ReviewLevel.choices)
    reply_received_on = models.DateField("收到原答复日期", help_text="信访人收到处理意见书（或复查意见）之日")
    request_due = models.DateField("请求期限")
    request_due_provisional = models.BooleanField(default=False)
    requested_on = models.DateField("提出请求日期")
    received_on = models.DateField("收到请求日期")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PENDING)
    refusal_reason = models.CharField("不予受理理由", max_length=300, blank=True)
    answer_due = models.DateField("答复期限", null=True, blank=True)
    answer_due_provisional = models.BooleanField(default=False)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    outcome = models.CharField("复查（复核）意见", max_length=20, choices=ReviewOutcome.choices, blank=True)
    answer_note = models.TextField("答复内容", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "复查复核请求"
        ordering = ["received_on", "id"]
        constraints = [
            # One accepted request per level; refused (不予受理) ones are kept as a record beside it.
            models.UniqueConstraint(fields=["petition", "level"], condition=~models.Q(state="not_accepted"),
                                    name="%(app_label)s_%(class)s_one_accepted_per_level"),
            models.CheckConstraint(condition=~models.Q(state="answered")
                                   | (models.Q(answered_on__isnull=False) & ~models.Q(outcome="")),
                                   name="%(app_label)s_%(class)s_answered_has_answer"),
            models.CheckConstraint(condition=~models.Q(state="not_accepted") | ~models.Q(refusal_reason=""),
                                   name="%(app_label)s_%(class)s_refusal_has_reason"),
            models.CheckConstraint(condition=models.Q(received_on__gte=models.F("requested_on")),
                                   name="%(app_label)s_%(class)s_received_after_requested"),
        ]
        indexes = [
            # serves the deadline scan: requests awaiting an answer
            models.Index(fields=["answer_due"], condition=models.Q(state="pending"),
                         name="petitions_review_pending_due"),
        ]

    def __str__(self):
        return f"{self.petition} {self.get_level_display()}请求"

    @property
    def answer_stage(self):
        return Stage.REVIEW_ANSWER if self.level == ReviewLevel.REVIEW else Stage.RECHECK_ANSWER


def attachment_path(instance, filename):
    # The stored name is random: an original file name may carry personal data.
    return f"petitions/{instance.petition.received_on:%Y}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField("文件", upload_to=attachment_path)
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小", default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
