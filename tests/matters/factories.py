"""Builders for matters tests. They go through matters.services, the way the app itself creates things."""

import datetime

from matters import services
from matters.models import CertificateKind, Funding, OpinionResult, ReviewDepartment

D = datetime.date
ISSUED, EXPIRES, HANDED = D(2026, 1, 5), D(2035, 12, 31), D(2026, 1, 8)
APPLIED, DEPARTS, RETURNS, REPLIED = D(2026, 3, 2), D(2026, 4, 1), D(2026, 4, 10), D(2026, 3, 5)


def certificate(person, actor, *, kind=CertificateKind.PASSPORT, number=None, issued_on=ISSUED,
                expires_on=EXPIRES, handed_over_on=HANDED):
    number = number or f"E{person.pk:08d}{kind[:1].upper()}"
    return services.add_certificate(person, kind=kind, number=number, issued_on=issued_on, expires_on=expires_on,
                                    handed_over_on=handed_over_on, actor=actor)


def application(person, actor, *, applied_on=APPLIED, departs_on=DEPARTS, returns_on=RETURNS,
                certificate=None, destination="日本", purpose="探亲"):
    return services.create_application(person, destination=destination, departs_on=departs_on,
                                       returns_on=returns_on, purpose=purpose, funding=Funding.SELF,
                                       certificate=certificate, applied_on=applied_on, actor=actor)


def review(app, actor, *, replied_on=REPLIED, results=None):
    results = results or {}
    for department in ReviewDepartment.values:
        result = results.get(department, OpinionResult.AGREE)
        services.record_opinion(app, department, replied_on=replied_on, result=result,
                                note="不同意" if result == OpinionResult.DISAGREE else "", actor=actor)
    app.refresh_from_db()
    return app


def approved(person, actor, **kwargs):
    app = review(application(person, actor, **kwargs), actor)
    services.approve(app, decided_on=D(2026, 3, 10), decision_ref="青组干审〔2026〕1号", actor=actor)
    app.refresh_from_db()
    return app


def travelling(person, actor, **kwargs):
    """An approved trip (1–10 April 2026) with the passport lent on 30 March; due back 17 April."""
    cert = certificate(person, actor)
    app = approved(person, actor, certificate=cert, **kwargs)
    loan = services.lend_certificate(app, lent_on=D(2026, 3, 30), actor=actor)
    app.refresh_from_db()
    return app, loan
