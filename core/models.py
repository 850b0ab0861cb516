import datetime
import time

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Length, Replace, Substr
from django.utils import timezone

from core import audit_events


def unit_depth(path="path"):
    """A unit's level in the tree, from its materialized path (one "/" per level), as SQL."""
    return Length(path) - Length(Replace(path, Value("/"), Value("")))


class Unit(models.Model):
    """单位: an organization in a tree. Every case belongs to units, and data is scoped by subtree."""

    class Kind(models.TextChoices):
        PARTY_GOVERNMENT = "party_government", "党政机关"
        PUBLIC_INSTITUTION = "public_institution", "事业单位"
        STATE_ENTERPRISE = "state_enterprise", "国有企业"
        TOWNSHIP = "township", "乡镇（街道）"
        PEOPLES_ORGANIZATION = "peoples_organization", "人民团体"
        OTHER = "other", "其他"

    code = models.CharField("单位代码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("单位类别", max_length=32, choices=Kind.choices, default=Kind.PARTY_GOVERNMENT)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    # Materialized path ("12/40/") so a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["path", "sort_order"]
        indexes = [
            # serves Unit.subtree(): path LIKE 'prefix%'
            models.Index(fields=["path"], name="core_unit_path_like", opclasses=["varchar_pattern_ops"]),
            # serves the unit drop-downs (core.widgets.UnitSelect): the top levels of a tree without reading it all
            models.Index(unit_depth(), F("path"), name="core_unit_depth"),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            old_path = self.path
            if self.pk is None:
                super().save(*args, **kwargs)  # the path needs the primary key
                args, kwargs = (), {}
            self.path = f"{self.parent.path if self.parent_id else ''}{self.pk}/"
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                self._move_descendants(old_path)

    def _move_descendants(self, old_path):
        """One UPDATE rewrites the path prefix of every unit below (however deep), instead of a save per unit."""
        Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(Value(self.path), Substr("path", len(old_path) + 1), output_field=models.CharField()))

    def subtree(self):
        """This unit and all units below it."""
        return Unit.objects.filter(path__startswith=self.path)


class User(AbstractUser):
    """A person who logs in. `unit` is where they work; `jurisdiction` is the subtree of units whose cases they see."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="所在单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="users")
    jurisdiction = models.ForeignKey(
        Unit, verbose_name="管辖范围", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="办公室人员可见的单位范围（含下级单位）；为空则可见全部。",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    must_change_password = models.BooleanField("须修改密码", default=True,
                                               help_text="新建账号或管理员重置密码后，首次登录须修改密码。")
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    def role_names(self):
        """The user's roles, kept on the instance and in the shared cache with the jurisdiction (core.user_facts)."""
        if not hasattr(self, "_role_names"):
            from core import user_facts  # it imports these models

            self._role_names = user_facts.load(self) if self.pk else frozenset()
        return self._role_names

    def has_role(self, *roles):
        return self.is_active and bool(self.role_names().intersection(roles))

    @property
    def is_service_account(self):
        """An API client's account: never a handler, a reminder's recipient, or a reader of an informant."""
        from core.roles import SERVICE_ACCOUNT  # core.roles imports these models

        return SERVICE_ACCOUNT in self.role_names()

    def act_for_client(self, role):
        """A service account holds no role of a person; for the API call at hand it acts with its client's `role`
        (the liaison role of its member unit, or office staff), so the services and `visible_to` scope it as they
        scope a person of that role."""
        if not self.is_service_account:
            raise ValueError(f"{self.username} is not a service account")
        self._role_names = self.role_names() | {role}

    def password_expired(self, policy):
        if self.must_change_password or self.password_changed_at is None:
            return True
        return timezone.now() - self.password_changed_at > datetime.timedelta(days=policy.password_expiry_days)


class AuditEvent(models.Model):
    """审计日志: append-only; a PostgreSQL trigger (migration 0002) rejects UPDATE and DELETE."""

    class Action(models.TextChoices):
        LOGIN = "login", "登录"
        LOGOUT = "logout", "登出"
        LOGIN_FAILED = "login_failed", "登录失败"
        VIEW = "view", "查看"
        CREATE = "create", "新建"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        EXPORT = "export", "导出"
        IMPORT = "import", "导入"
        PERMISSION_CHANGE = "permission_change", "权限变更"
        DENIED = "denied", "越权访问"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    actor_username = models.CharField("用户名", max_length=150, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    action = models.CharField("操作", max_length=32, choices=Action.choices)
    name = models.CharField("事件", max_length=100, help_text="如 petitions.petition.accepted")
    target_type = models.CharField("对象类型", max_length=100, blank=True)
    target_id = models.CharField("对象标识", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=200, blank=True)
    summary = models.CharField("摘要", max_length=500, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    # Hash chain: each row's keyed hash covers its content and the previous row's hash (core.audit).
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="core_auditevent_target")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.get_action_display()} {self.target_repr}"

    def get_name_display(self):
        """The event's Chinese label from the registry (core.audit_events); an old name reads as its new one."""
        return audit_events.label(self.name)


class Notification(models.Model):
    """A reminder created by the daily deadline scan. Unique per item, level and due date, so a rerun adds nothing."""

    class Level(models.TextChoices):
        NOTICE = "notice", "提示"
        WARNING = "warning", "预警"
        OVERDUE = "overdue", "逾期"

    # No index of their own on either key (the scan writes tens of thousands of rows a day, each index costs):
    # a user's reminders are read through the unique constraint (it starts with the recipient) or the unread index;
    # a target's only with its kind and recipients (liaison.services.notify_urgent_report), the same way.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="notifications", db_index=False)
    kind = models.CharField("类别", max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+", db_index=False)
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    title = models.CharField("事项", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True)
    due_date = models.DateField("期限")
    level = models.CharField("级别", max_length=16, choices=Level.choices)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待办提醒"
        ordering = ["read_at", "due_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "target_type", "target_id", "level", "due_date"],
                name="%(app_label)s_%(class)s_once_per_level",
            )
        ]
        indexes = [
            # serves the bell: unread notifications of one user
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True),
                         name="core_notification_unread"),
        ]

    def __str__(self):
        return self.title


class WorkCalendarYear(models.Model):
    """A year whose official holiday schedule (国务院办公厅通知) has been entered by an administrator."""

    year = models.PositiveIntegerField("年份", unique=True)
    source = models.CharField("依据", max_length=200, blank=True, help_text="如 国办发明电〔2026〕X号")
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排（年度）"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年"


class WorkCalendarDay(models.Model):
    """One date that the official schedule makes a holiday, or a weekend day made a working day (调休)."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日")
    name = models.CharField("说明", max_length=50, blank=True, help_text="如 春节、国庆节调休上班")

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排（日期）"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_working_day else '放假'}"


class YearlyCounter(models.Model):
    """The last number issued in one series (信访件, 任前把关, 审计项目…), year and jurisdiction (a county numbers
    its own cases; empty: the city's, or a deployment's only, series); advanced only by core.numbering."""

    series = models.CharField("编号序列", max_length=50)
    year = models.PositiveIntegerField("年度")
    jurisdiction = models.ForeignKey(Unit, verbose_name="编号辖区", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    last = models.PositiveIntegerField("已用至", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "案件编号计数"
        constraints = [
            # the ON CONFLICT target of core.numbering.next_number; the city's row (no jurisdiction) is one too
            models.UniqueConstraint(fields=["series", "year", "jurisdiction"], nulls_distinct=False,
                                    name="%(app_label)s_%(class)s_one_per_series_year"),
        ]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last}"


class SingleRowSettings(models.Model):
    """A table of local numbers with one row (pk 1), edited in the admin and read through `current()`, which
    creates the row with the defaults on first use. A table read on every request sets `cache_seconds`: the row is
    then kept in the process that long (saving it clears the cache of this process; others see it within that time)."""

    cache_seconds = 0

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1  # a single row
        super().save(*args, **kwargs)
        _settings_cache.pop(type(self), None)

    @classmethod
    def current(cls):
        if not cls.cache_seconds:
            return cls.objects.get_or_create(pk=1)[0]
        cached = _settings_cache.get(cls)
        if cached is None or time.monotonic() - cached[1] > cls.cache_seconds:
            cached = _settings_cache[cls] = (cls.objects.get_or_create(pk=1)[0], time.monotonic())
        return cached[0]

    @classmethod
    def current_steps(cls):
        """`current()` as steps (core.bundles): the row is read with the other queries of its round."""
        cached = _settings_cache.get(cls) if cls.cache_seconds else None
        if cached is not None and time.monotonic() - cached[1] <= cls.cache_seconds:
            return cached[0]
        rows = yield cls.objects.filter(pk=1)
        return rows[0] if rows else cls.current()


_settings_cache = {}  # model class -> (row, time read), for the tables with cache_seconds


class JurisdictionSettings(SingleRowSettings):
    """Local numbers a county may set differently from its city (issue 20): time limits, periods, thresholds, due
    days. The row without a jurisdiction (pk 1, `current()`) is the city's and the default; a county's own row is
    keyed by its jurisdiction unit (the unit its office's users have as `User.jurisdiction`) and holds all the
    table's numbers. `for_unit(unit)` reads the row of the nearest jurisdiction at or above the unit, else the
    default. Security policy is not one of them: one deployment, one set of accounts, one policy (core.SecurityPolicy).
    """

    jurisdiction = models.OneToOneField(
        Unit, verbose_name="适用辖区", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="为空为全市默认；县（市、区）另行设置的，仅适用于该辖区，未设置的辖区沿用全市默认。")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.jurisdiction_id is None:
            super().save(*args, **kwargs)  # the default: the one row at pk 1
            return
        models.Model.save(self, *args, **kwargs)
        _settings_cache.pop(type(self), None)

    @classmethod
    def for_unit(cls, unit):
        """The row that applies to `unit` (a Unit, a unit id or None): its nearest jurisdiction's, else the default.
        One query while the default row exists."""
        if unit is None:
            return cls.current()
        return nearest(cls.objects.all(), unit).first() or cls.current()

    @classmethod
    def for_unit_steps(cls, unit):
        """`for_unit()` as steps (core.bundles): the row is read with the other queries of its round."""
        if unit is None:
            return (yield from cls.current_steps())
        rows = yield nearest(cls.objects.all(), unit)[:1]
        return rows[0] if rows else cls.current()

    @classmethod
    def rows(cls):
        """(the default row, [the counties' rows, the deepest jurisdiction first]), read in one query."""
        return cls._split(list(cls._all_rows()))

    @classmethod
    def rows_steps(cls):
        """`rows()` as steps (core.bundles)."""
        return cls._split((yield cls._all_rows()))

    @classmethod
    def _all_rows(cls):
        return cls.objects.select_related("jurisdiction").order_by(F("jurisdiction__path").desc(nulls_last=True))

    @classmethod
    def _split(cls, rows):
        rows = list(rows)
        default = rows.pop() if rows and rows[-1].jurisdiction_id is None else cls.current()
        return default, rows

    @classmethod
    def resolver(cls, rows=None):
        """for_unit for many units (Units with their paths): the rows (as `rows()` gives them) read once, matched in
        memory."""
        default, counties = rows or cls.rows()
        by_unit = {row.jurisdiction_id: row for row in counties}

        def for_unit(unit):
            return next((by_unit[pk] for pk in reversed(ancestors(unit)) if pk in by_unit), default)

        return for_unit


def ancestors(unit):
    """`unit` and the units above it, as a list of ids (a Unit with its path; none for None) or a subquery (a unit
    id), outermost first."""
    if unit is None:
        return []
    if isinstance(unit, Unit):
        return [int(pk) for pk in unit.path.split("/") if pk]
    return RawSQL("SELECT unnest(string_to_array(rtrim(path, '/'), '/'))::bigint FROM core_unit WHERE id = %s",
                  [unit])


def nearest(queryset, unit, field="jurisdiction"):
    """The rows of `queryset` keyed (at `field`) by `unit` or a unit above it, or by no unit (the default), nearest
    first: a jurisdiction's path extends the paths of those above it, so it sorts after them."""
    return (queryset.filter(Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": ancestors(unit)}))
            .order_by(F(f"{field}__path").desc(nulls_last=True)))


class SecurityPolicy(SingleRowSettings):
    """安全策略: one row, edited by the 安全保密管理员 in the admin. Read through `SecurityPolicy.current()`."""

    cache_seconds = 60  # read on every request

    password_min_length = models.PositiveSmallIntegerField("密码最小长度", default=12)
    password_expiry_days = models.PositiveSmallIntegerField("密码有效期（天）", default=90)
    lockout_failures = models.PositiveSmallIntegerField("锁定前允许失败次数", default=5)
    lockout_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）", default=30)
    idle_timeout_minutes = models.PositiveSmallIntegerField("空闲超时（分钟）", default=30)
    absolute_timeout_hours = models.PositiveSmallIntegerField("会话最长时长（小时）", default=10)

    class Meta:
        verbose_name = verbose_name_plural = "安全策略"

    def __str__(self):
        return "安全策略"


from core.exports import ListExport  # noqa: E402,F401  (the model lives with its lifecycle, core/exports.py)
from core.outbox import OutboxMessage  # noqa: E402,F401  (the model lives with its service, core/outbox.py)
from core.tallies import StatTally, StatTotal, TallyBuild  # noqa: E402,F401  (the dashboard's pre-aggregates, core/tallies.py)
