"""The step records of a vetting case. Each records who entered it and when; every change also appends a
StepEvent (全程纪实). They are changed only through vetting.services, which refuses any change once the case is
closed."""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from vetting.models.cases import VettingCase


class StepRecord(models.Model):
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间", null=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.verbose_name}（{self.case.number}）"


class Recommendation(StepRecord):  # noqa: DJ008 (__str__ from StepRecord)
    """民主推荐."""

    case = models.OneToOneField(VettingCase, on_delete=models.PROTECT, related_name="recommendation")
    held_on = models.DateField("推荐日期")
    votes_cast = models.PositiveIntegerField("参加推荐人数（有效票）", validators=[MinValueValidator(1)])
    votes_for = models.PositiveIntegerField("得票数")
    threshold = models.DecimalField("当时的得票率下限（%）", max_digits=5, decimal_places=2)
    below_threshold = models.BooleanField("低于下限", default=False)
    override_reason = models.TextField("继续推进理由", blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    override_at = models.DateTimeField("批准时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "民主推荐"
        constraints = [
            models.CheckConstraint(condition=Q(votes_for__lte=F("votes_cast")),
                                   name="%(app_label)s_%(class)s_for_within_cast"),
        ]

    @property
    def share(self):
        """Share of the votes, in percent (two decimals)."""
        return (Decimal(self.votes_for) * 100 / Decimal(self.votes_cast)).quantize(Decimal("0.01"), ROUND_HALF_UP)


class ArchiveResult(models.TextChoices):
    CLEAR = "clear", "审核无问题"
    CORRECTED = "corrected", "存在问题，已查清认定"
    FALSIFIED = "falsified", "发现造假等严重问题"


class ArchiveProblem(models.TextChoices):
    BIRTH_DATE = "birth_date", "出生日期"
    PARTY_DATE = "party_date", "入党时间"
    WORK_DATE = "work_date", "参加工作时间"
    EDUCATION = "education", "学历学位认定"
    RESUME = "resume", "工作经历"
    IDENTITY = "identity", "干部身份"


class ArchiveReview(StepRecord):  # noqa: DJ008 (__str__ from StepRecord)
    """档案审核 (三龄二历一身份)."""

    case = models.OneToOneField(VettingCase, on_delete=models.PROTECT, related_name="archive_review")
    reviewed_on = models.DateField("审核日期")
    result = models.CharField("审核结果", max_length=16, choices=ArchiveResult.choices)
    problems = ArrayField(models.CharField(max_length=16, choices=ArchiveProblem.choices), verbose_name="问题类别",
                          default=list, blank=True)
    findings = models.TextField("发现的问题及认定情况", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "档案审核"

    def problem_labels(self):
        labels = dict(ArchiveProblem.choices)
        return [labels.get(p, p) for p in self.problems]


class PersonalMattersResult(models.TextChoices):
    CONSISTENT = "consistent", "一致"
    OMISSION = "omission", "漏报"
    CONCEALMENT = "concealment", "瞒报（隐瞒不报）"


class PersonalMattersCheck(StepRecord):  # noqa: DJ008 (__str__ from StepRecord)
    """个人有关事项报告查核 (凡提必核). The verification itself lives in the cadres app; this keeps its result and
    an optional reference to that record."""

    case = models.OneToOneField(VettingCase, on_delete=models.PROTECT, related_name="personal_matters")
    checked_on = models.DateField("查核日期")
    result = models.CharField("查核结果", max_length=16, choices=PersonalMattersResult.choices)
    verification_ref = models.CharField("查核记录编号", max_length=64, blank=True,
                                        help_text="干部信息中个人有关事项查核记录的编号（如有）")
    notes = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "个人有关事项报告查核"


class DisciplineConclusion(models.TextChoices):
    NO_ISSUES = "no_issues", "未发现问题（廉洁情况良好）"
    ISSUES_NOT_AFFECTING = "issues_not_affecting", "有问题反映，不影响使用"
    ISSUES = "issues", "有问题反映，建议暂缓或不予使用"


class DisciplineOpinion(StepRecord):  # noqa: DJ008 (__str__ from StepRecord)
    """纪检监察机关意见 (必听): a written request to the 纪委监委 and its reply."""

    case = models.OneToOneField(VettingCase, on_delete=models.PROTECT, related_name="discipline")
    requested_on = models.DateField("函询日期")
    reply_days = models.PositiveSmallIntegerField("答复期限（工作日）")
    reply_deadline = models.DateField("答复期限")
    reply_deadline_provisional = models.BooleanField("期限暂定", default=False)
    replied_on = models.DateField("回复日期", null=True, blank=True)
    conclusion = models.CharField("意见", max_length=32, choices=DisciplineConclusion.choices, blank=True)
    reply = models.TextField("回复内容", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "纪检监察机关意见"
        indexes = [
            # serves the deadline scan: requests still waiting for the reply
            models.Index(fields=["reply_deadline"], condition=Q(replied_on__isnull=True),
                         name="vetting_discipline_waiting"),
        ]


class PetitionCheck(StepRecord):  # noqa: DJ008 (__str__ from StepRecord)
    """信访举报核查 (必查). The cases it looked at are kept as they were when it was completed."""

    case = models.OneToOneField(VettingCase, on_delete=models.PROTECT, related_name="petition_check")
    checked_on = models.DateField("核查日期")
    conclusion = models.TextField("核查结论")
    cases_seen = models.JSONField("核查时的相关案件", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信访举报核查"


class Department(models.TextChoices):
    HEALTH = "health", "卫健（计划生育）"
    POLITICAL_LEGAL = "political_legal", "综治（政法委）"
    POLICE = "police", "公安"
    PETITION = "petition", "信访"
    AUDIT = "audit", "审计"
    COURT = "court", "法院"
    PROCURATORATE = "procuratorate", "检察院"
    TAX = "tax", "税务"
    MARKET = "market", "市场监管"
    NATURAL_RESOURCES = "natural_resources", "自然资源"
    ENVIRONMENT = "environment", "生态环境"
    OTHER = "other", "其他"


class OpinionRequest(StepRecord):
    """征求意见: one request to one department."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(VettingCase, on_delete=models.PROTECT, related_name="opinion_requests")
    department = models.CharField("部门", max_length=32, choices=Department.choices)
    department_name = models.CharField("部门名称", max_length=60, blank=True, help_text="选“其他”时填写")
    requested_on = models.DateField("发函日期")
    reply_days = models.PositiveSmallIntegerField("答复期限（工作日）")
    reply_deadline = models.DateField("答复期限")
    reply_deadline_provisional = models.BooleanField("期限暂定", default=False)
    replied_on = models.DateField("回复日期", null=True, blank=True)
    reply = models.TextField("回复内容", blank=True)
    replied_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回复登记人", null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "征求意见"
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "department", "department_name"],
                                    name="%(app_label)s_%(class)s_one_per_department"),
        ]
        indexes = [
            # serves the deadline scan: requests still waiting for the reply
            models.Index(fields=["reply_deadline"], condition=Q(replied_on__isnull=True),
                         name="vetting_opinion_waiting"),
        ]

    def __str__(self):
        return self.department_label

    @property
    def department_label(self):
        if self.department == Department.OTHER and self.department_name:
            return self.department_name
        return self.get_department_display()


SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class ExamAttempt(StepRecord):  # noqa: DJ008 (__str__ from StepRecord)
    """三考: one sitting of the three exams; a failed first sitting may be followed by one retake."""

    case = models.ForeignKey(VettingCase, on_delete=models.PROTECT, related_name="exam_attempts")
    attempt_no = models.PositiveSmallIntegerField("场次")
    exam_date = models.DateField("考试日期")
    score_party_rules = models.DecimalField("党章党规", max_digits=4, decimal_places=1, validators=SCORE_VALIDATORS)
    score_law = models.DecimalField("宪法法律", max_digits=4, decimal_places=1, validators=SCORE_VALIDATORS)
    score_integrity = models.DecimalField("廉政知识", max_digits=4, decimal_places=1, validators=SCORE_VALIDATORS)
    pass_mark = models.PositiveSmallIntegerField("及格分")
    passed = models.BooleanField("通过")

    class Meta:
        verbose_name = verbose_name_plural = "三考（任前考试）"
        ordering = ["case", "attempt_no"]
        constraints = [
            models.UniqueConstraint(fields=["case", "attempt_no"], name="%(app_label)s_%(class)s_once_per_no"),
            models.CheckConstraint(condition=Q(attempt_no__in=[1, 2]), name="%(app_label)s_%(class)s_one_retake"),
        ]

    @property
    def label(self):
        return "首考" if self.attempt_no == 1 else "补考"


class PublicityOutcome(models.TextChoices):
    NO_OBJECTION = "no_objection", "无异议"
    OBJECTION_CLEARED = "objection_cleared", "有异议经核查不影响任职"
    POSTPONE = "postpone", "暂缓任职"
    REJECT = "reject", "不予任职"


class Publicity(StepRecord):  # noqa: DJ008 (__str__ from StepRecord)
    """任前公示. The end date is at least `min_end_date` (start + the publicity working days)."""

    case = models.OneToOneField(VettingCase, on_delete=models.PROTECT, related_name="publicity")
    start_date = models.DateField("公示开始")
    end_date = models.DateField("公示结束")
    min_end_date = models.DateField("最早结束日期")
    end_provisional = models.BooleanField("日期暂定", default=False)
    scope = models.CharField("公示范围/方式", max_length=200, blank=True)
    outcome = models.CharField("公示结果", max_length=32, choices=PublicityOutcome.choices, blank=True)
    outcome_note = models.TextField("结果说明", blank=True)
    decided_on = models.DateField("结果认定日期", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="认定人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "任前公示"
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("min_end_date")),
                                   name="%(app_label)s_%(class)s_not_shorter"),
        ]


class FeedbackChannel(models.TextChoices):
    LETTER = "letter", "来信"
    CALL = "call", "来电"
    VISIT = "visit", "来访"
    ONLINE = "online", "网络"


class FeedbackConclusion(models.TextChoices):
    TRUE = "true", "属实"
    PARTLY_TRUE = "partly_true", "部分属实"
    UNTRUE = "untrue", "不属实"
    UNVERIFIABLE = "unverifiable", "无法查实"


class PublicityFeedback(StepRecord):  # noqa: DJ008 (__str__ from StepRecord)
    """Feedback received during publicity. No informant identity is kept here."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    publicity = models.ForeignKey(Publicity, on_delete=models.PROTECT, related_name="feedback")
    received_on = models.DateField("收到日期")
    channel = models.CharField("渠道", max_length=16, choices=FeedbackChannel.choices)
    content = models.TextField("反映内容")
    conclusion = models.CharField("核查结论", max_length=16, choices=FeedbackConclusion.choices, blank=True)
    verification = models.TextField("核查情况", blank=True)
    verified_on = models.DateField("核查日期", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查登记人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "公示期间反映"
        ordering = ["publicity", "received_on", "id"]

    def __str__(self):
        return f"公示期间反映（{self.publicity.case.number}）"

    @property
    def is_verified(self):
        return bool(self.conclusion)


class TalkBody(models.TextChoices):
    ORGANIZATION = "organization", "组织部"
    DISCIPLINE = "discipline", "纪委监委"
    PARTY_COMMITTEE = "party_committee", "党委（党组）"


def pledge_path(instance, filename):
    # A random name: the uploaded file name never reaches the file system.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"vetting/pledges/{uuid.uuid4().hex}.{suffix}"


class IntegrityTalk(StepRecord):  # noqa: DJ008 (__str__ from StepRecord)
    """任前廉政谈话 with the signed 廉政承诺."""

    case = models.OneToOneField(VettingCase, on_delete=models.PROTECT, related_name="talk")
    talk_date = models.DateField("谈话日期")
    bodies = ArrayField(models.CharField(max_length=32, choices=TalkBody.choices), verbose_name="谈话主体")
    talkers = models.CharField("谈话人", max_length=200, help_text="姓名及职务")
    key_points = models.TextField("谈话要点")
    pledge = models.FileField("廉政承诺书（签字扫描件）", upload_to=pledge_path)
    pledge_name = models.CharField("承诺书文件名", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "任前廉政谈话"

    def body_labels(self):
        labels = dict(TalkBody.choices)
        return [labels.get(b, b) for b in self.bodies]


class ProbationResult(models.TextChoices):
    COMPETENT = "competent", "胜任（正式任职）"
    INCOMPETENT = "incompetent", "不胜任（免去试用职务）"


class Appointment(StepRecord):  # noqa: DJ008 (__str__ from StepRecord)
    """任职, and the probation that follows a promotion to a non-elected leadership post."""

    case = models.OneToOneField(VettingCase, on_delete=models.PROTECT, related_name="appointment")
    appointed_on = models.DateField("任职日期", help_text="任职通知（文件）日期，试用期自此起算")
    document_no = models.CharField("任职文号", max_length=100, blank=True)
    probation_end = models.DateField("试用期满", null=True, blank=True)
    probation_result = models.CharField("试用期考核", max_length=16, choices=ProbationResult.choices, blank=True)
    assessed_on = models.DateField("考核日期", null=True, blank=True)
    assessment_note = models.TextField("考核情况", blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="考核登记人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    cadre_updated = models.BooleanField("已同步干部信息", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "任职及试用期"
        indexes = [
            # serves the deadline scan: probations not yet assessed
            models.Index(fields=["probation_end"], condition=Q(probation_result=""),
                         name="vetting_probation_running"),
        ]
