import datetime

from celery import shared_task
from django.apps import apps

from core import audit, deadlines, exports, outbox, tallies
from core.models import Unit


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def scan_deadlines(on_date=None):
    """Daily at 08:00: run every deadline provider. Idempotent: a rerun creates nothing new."""
    day = datetime.date.fromisoformat(on_date) if on_date else None
    return dict(deadlines.scan(day))


@shared_task
def ping():
    """Round trip through broker, worker and database, for health checks and the integration test."""
    return {"pong": True, "units": Unit.objects.count()}


@shared_task(acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def anchor_audit_log():
    """Daily: append the audit log's signed head to the anchor file (core.audit), outside the database."""
    return audit.write_anchor("daily").payload()


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def dispatch_outbox():
    """Every 30 s: send the outbox's pending tasks (core.outbox), e.g. those a request could not send while the
    broker was down; sent messages older than a week are deleted."""
    sent, failed = outbox.dispatch()
    return {"sent": sent, "failed": failed, "purged": outbox.purge_sent()}


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def requeue_stale_exports():
    """Every minute: queue again the exports whose worker died (stale heartbeat), remove their *.part files."""
    return {"requeued": exports.requeue_stale()}


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def build_export(model_label, job_id):
    """Build the file of one export job (any registered kind; core.exports.build); progress is written on the row.
    A rerun does nothing."""
    job = exports.build(apps.get_model(model_label), job_id)
    return {"export": str(job.code) if job else None, "status": job.status if job else "skipped"}


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def rebuild_tallies():
    """Nightly: recompute the dashboard's tallies (core.tallies) in full, catching what no signal reported."""
    return tallies.rebuild_all()
