from celery import shared_task

from api import services


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def purge_idempotent_answers():
    """Hourly: delete the answers kept for Idempotency-Key past their retention. A rerun deletes nothing more."""
    return {"purged": services.purge_idempotent_answers()}
