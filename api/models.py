"""API clients (a member unit's system, or the office's 12380 intake) and the answers kept for Idempotency-Key."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from core import roles
from liaison.models import MemberUnit


class Scope(models.TextChoices):
    """What a client may call. Liaison scopes need a member unit; the others belong to the office's clients."""

    LIAISON_READ = "liaison.read", "联席会议通报：读取"
    LIAISON_WRITE = "liaison.write", "联席会议通报：报送与更正"
    MATTERS_WRITE = "matters.write", "出入境记录：报送（公安）"
    PETITIONS_WRITE = "petitions.write", "12380举报：登记"
    STATS_READ = "stats.read", "监督态势统计：读取"


UNIT_SCOPES = {Scope.LIAISON_READ, Scope.LIAISON_WRITE, Scope.MATTERS_WRITE}
OFFICE_SCOPES = {Scope.PETITIONS_WRITE, Scope.STATS_READ}


class ApiClient(models.Model):
    """One system calling the API. It acts as its own service account (`user`: no password, so it never logs in
    to the pages; no role of a person, so it is in no user picker, gets no reminder and handles no case). During a
    call the account acts with `acting_role` in its unit (or jurisdiction), so the services and `visible_to` treat
    it as they treat a person of that role."""

    code = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("名称", max_length=100)
    member_unit = models.ForeignKey(MemberUnit, verbose_name="成员单位", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="api_clients",
                                    help_text="不选则为监督科自用客户端（12380 受理、统计）")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="服务账号", on_delete=models.PROTECT,
                                related_name="api_client", editable=False)
    scopes = ArrayField(models.CharField(max_length=32, choices=Scope.choices), verbose_name="授权范围", default=list)
    rate_per_minute = models.PositiveIntegerField("每分钟调用上限", default=60)
    key_prefix = models.CharField("密钥前缀", max_length=12, unique=True, editable=False)
    key_hash = models.CharField("密钥摘要", max_length=64, editable=False)  # sha256 hex of the whole key
    key_issued_at = models.DateTimeField("密钥签发时间", editable=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口客户端"
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.revoked_at is None

    @property
    def acting_role(self):
        return roles.LIAISON if self.member_unit_id else roles.STAFF

    def scope_labels(self):
        return [Scope(scope).label for scope in self.scopes if scope in Scope.values]


class IdempotentAnswer(models.Model):
    """The first successful answer to a write with an Idempotency-Key: a retry with the same key gets it again."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and body: the same key, another request
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="%(app_label)s_%(class)s_once")]

    def __str__(self):
        return f"{self.client_id}:{self.key}"
