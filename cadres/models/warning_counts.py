"""预警统计: each warning snapshot's warned cadres counted per unit and rule, written with the snapshot
(cadres.snapshots), so that the dashboard sums the few thousand rows of a jurisdiction subtree instead of counting a
province's hundred thousand warnings with DISTINCT."""

from django.db import models

from core.scoping import scoped_by


class WarningCount(models.Model):
    """The cadres of one unit under one rule (`code`) in a snapshot; `code` "" counts the cadres under any rule (a
    cadre under two rules counts once there). Per unit, because a cadre has one unit in a snapshot: the units' counts
    add up to a subtree's."""

    snapshot = models.ForeignKey("cadres.WarningSnapshot", on_delete=models.CASCADE, related_name="counts",
                                 db_index=False)  # the unique constraint's index leads with it
    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    code = models.CharField("预警规则", max_length=64, blank=True)  # "": any rule
    warned = models.IntegerField("预警干部")
    warned_blocking = models.IntegerField("有阻止任职预警")

    objects = scoped_by("unit").as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "预警统计"
        constraints = [
            # its index serves the board's sums: snapshot = … (and the unit joined for its path)
            models.UniqueConstraint(fields=["snapshot", "code", "unit"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self):
        return f"{self.snapshot_id} {self.unit_id} {self.code or '*'} = {self.warned}"
