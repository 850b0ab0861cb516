import datetime

from celery import shared_task

from cadres import snapshots


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def refresh_warnings(as_of=None):
    """Hourly (and at 00:01 for the new day): recompute the warning snapshot (cadres.snapshots) in full."""
    day = datetime.date.fromisoformat(as_of) if as_of else None
    snap = snapshots.refresh(day)
    return {"as_of": snap.as_of.isoformat(), "warnings": snap.warnings.count()}
