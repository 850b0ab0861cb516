import datetime

import factory
from django.utils import timezone

from liaison import services
from liaison.models import Aspect, Report, ReportItem, Severity


def member_unit(unit, officers=(), active_from=datetime.date(2025, 1, 1)):
    member = services.ensure_member_unit(unit, active_from=active_from)
    for officer in officers:
        member.group.user_set.add(officer)
    return member


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report
        skip_postgeneration_save = True

    kind = Report.Kind.MONTHLY
    period = datetime.date(2026, 10, 1)
    due_date = factory.LazyAttribute(lambda o: services.report_due_date(o.period))

    @factory.post_generation
    def grant(self, create, extracted, **kwargs):
        if create:
            services.grant_unit_access(self)


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportItem

    cadre_name = factory.Sequence(lambda n: f"干部{n}")
    cadre_post = "县某局局长"
    aspect = Aspect.CONDUCT
    description = "工作日中午饮酒。"
    source = "群众来信"
    occurred_on = datetime.date(2026, 10, 8)
    severity = Severity.MINOR


def submitted(report, on, *, signed=False, actor=None):
    """Put a report into 已报送 (or 已签收) as if it had been submitted on `on` (a date)."""
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    report.status = Report.Status.SIGNED if signed else Report.Status.SUBMITTED
    report.first_submitted_at = report.submitted_at = at
    if signed:
        report.signed_at, report.signed_by = at, actor
    report.save()
    if signed:
        services.revoke_unit_change(report)
    return report
