"""When a year's holiday schedule is entered, provisional deadlines touching it are recomputed."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from core.models import WorkCalendarDay, WorkCalendarYear
from core.workdays import recompute_provisional


def _recompute_after_commit(year):
    # After commit: the admin saves the year before its inline days, and the recompute must see them all.
    transaction.on_commit(lambda: recompute_provisional(year))


@receiver(post_save, sender=WorkCalendarYear)
def _year_entered(sender, instance, **kwargs):
    _recompute_after_commit(instance.year)


@receiver(post_save, sender=WorkCalendarDay)
def _day_changed(sender, instance, **kwargs):
    _recompute_after_commit(instance.date.year)
