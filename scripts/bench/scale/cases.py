"""What the case builders share: the window their cases fall in, and the yearly case numbers (core.numbering)
advanced past the rows they write in bulk. Each app's cases are built by its own module: petition_cases,
vetting_cases, audit_cases."""

import datetime

from django.apps import apps

from core import numbering


def counter_start(series):
    """The last number issued per year in `series` (core.numbering), for numbering rows written in bulk."""
    return dict(apps.get_model("core", "YearlyCounter").objects.filter(series=series).values_list("year", "last"))


def counter_save(series, counters):
    for year, last in counters.items():
        numbering.advance_to(series, year, last)


class CaseBuilder:
    def __init__(self, org, people, rng, today, log, months=60):
        self.org, self.people, self.rng, self.today, self.log = org, people, rng, today, log
        self.months = months

    def day_in_window(self):
        return self.today - datetime.timedelta(days=int(self.rng.random() ** 1.15 * self.months * 30.4))
