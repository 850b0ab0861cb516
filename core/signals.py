"""Any change to the holiday schedule — a day added, edited or deleted, a year entered, edited or deleted —
recomputes the stored deadlines it reaches, inside the same transaction (core.workdays.schedule_changed)."""

import datetime

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core.models import WorkCalendarDay, WorkCalendarYear
from core.workdays import schedule_changed


def _year_range(*years):
    return datetime.date(min(years), 1, 1), datetime.date(max(years), 12, 31)


@receiver(pre_save, sender=WorkCalendarDay)
@receiver(pre_save, sender=WorkCalendarYear)
def _remember_before(sender, instance, **kwargs):
    # An edit that moves a day (or renumbers a year) changes the old date too.
    field = "date" if sender is WorkCalendarDay else "year"
    old = sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first() if instance.pk else None
    instance._schedule_before = old


@receiver(post_save, sender=WorkCalendarDay)
@receiver(post_delete, sender=WorkCalendarDay)
def _day_changed(sender, instance, **kwargs):
    dates = [instance.date, getattr(instance, "_schedule_before", None) or instance.date]
    schedule_changed(min(dates), max(dates))


@receiver(post_save, sender=WorkCalendarYear)
@receiver(post_delete, sender=WorkCalendarYear)
def _year_changed(sender, instance, **kwargs):
    schedule_changed(*_year_range(instance.year, getattr(instance, "_schedule_before", None) or instance.year))
