"""在册人数: how many cadres each unit has in each status, kept by a database trigger on cadres_cadre (migration
cadres 0014) in the same transaction as the change, whatever makes it (a service, a bulk update, COPY, a restore).
The cadre list's total sums these few thousand rows instead of counting a province's 200k cadres on every page."""

from django.db import models
from django.db.models import Sum

from core.scoping import in_subtree, scoped_by


class RosterCount(models.Model):
    """The cadres of one unit in one status (rows are never deleted: a count may fall to 0)."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    status = models.CharField("状态", max_length=16)
    cadres = models.IntegerField("人数")

    objects = scoped_by("unit").as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "在册人数"
        constraints = [
            # the trigger's ON CONFLICT target
            models.UniqueConstraint(fields=["unit", "status"], name="%(app_label)s_%(class)s_unique"),
        ]
        indexes = [
            # serves a status's total from the index alone (the unit joined for its path when scoped)
            models.Index(fields=["status", "unit"], include=["cadres"], name="cadres_rostercount_status"),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.status} = {self.cadres}"


def head_count(user, *, unit=None, status=None):
    """The number of cadres Cadre.objects.visible_to(user) holds, within `unit`'s subtree and in `status` when given:
    the same scope rules, read from the counts."""
    counts = in_subtree(RosterCount.objects.visible_to(user), unit)
    if status:
        counts = counts.filter(status=status)
    return counts.aggregate(total=Sum("cadres"))["total"] or 0
