import datetime

from celery import shared_task

from core import deadlines


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def scan_deadlines(on_date=None):
    """Daily at 08:00: run every deadline provider. Idempotent: a rerun creates nothing new."""
    day = datetime.date.fromisoformat(on_date) if on_date else None
    return dict(deadlines.scan(day))


@shared_task
def ping():
    """Round trip through broker, worker and database, for health checks and the integration test."""
    from core.models import Unit

    return {"pong": True, "units": Unit.objects.count()}


@shared_task(acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def anchor_audit_log():
    """Daily: append the audit log's signed head to the anchor file (core.audit), outside the database."""
    from core import audit

    return audit.write_anchor("daily").payload()
