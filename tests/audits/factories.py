"""Builders for audits tests. They go through audits.services, the way the app itself creates things."""

import datetime
from decimal import Decimal

from audits import services
from audits.models import AuditKind, Category, FindingCategory, Mode, Responsibility
from tests.factories import CadreFactory


def principal(unit, *, name=None, post_since=datetime.date(2020, 3, 1), birth_date=datetime.date(1975, 5, 20),
              **extra):
    """A principal leader (一把手) of `unit`."""
    kwargs = {"name": name} if name else {}
    return CadreFactory(unit=unit, is_principal=True, post_since=post_since, birth_date=birth_date, **kwargs,
                        **extra)


def classify(unit, category=Category.A, actor=None, **kwargs):
    return services.classify_unit(unit, category=category, actor=actor, **kwargs)


def audit(cadre, actor, *, year=2026, kind=AuditKind.IN_OFFICE, mode=Mode.DIRECT, unit=None, cadres=None):
    return services.create_audit(year=year, unit=unit or cadre.unit, cadres=cadres or [cadre], kind=kind, mode=mode,
                                 actor=actor)


def reported_audit(cadre, actor, *, year=2026, report_date=datetime.date(2026, 3, 1),
                   amount=Decimal("1000.00"), **kwargs):
    """An audit that has reached 结果运用中 (findings and results can be recorded)."""
    made = audit(cadre, actor, year=year, **kwargs)
    services.transition(made, "start", entry_date=report_date - datetime.timedelta(days=30), actor=actor)
    services.transition(made, "report", report_date=report_date, assessment="average", violation_amount=amount,
                        actor=actor)
    services.transition(made, "results", result_report_date=report_date, actor=actor)
    made.refresh_from_db()
    return made


def closed_audit(cadre, actor, year, **kwargs):
    made = reported_audit(cadre, actor, year=year, report_date=datetime.date(year, 6, 1), **kwargs)
    services.transition(made, "close", actor=actor)
    return made


def finding(audit_obj, actor, *, amount="100.00", responsible=None, start_date=None, deadline=None,
            category=FindingCategory.FISCAL):
    return services.add_finding(audit_obj, category=category, amount=Decimal(amount) if amount else None,
                                description="超范围列支", responsibility=Responsibility.DIRECT,
                                responsible_cadre=responsible, rectification_required="追回资金",
                                start_date=start_date, deadline=deadline, actor=actor)
