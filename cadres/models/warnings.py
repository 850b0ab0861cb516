"""Warnings (预警): the snapshot of the rules as of a date and the warnings it holds."""


from django.contrib.postgres.fields import ArrayField
from django.db import models

from cadres.models.cadre import Cadre
from core.models import Unit
from core.scoping import ScopedQuerySet


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
