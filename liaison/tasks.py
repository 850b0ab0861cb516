from celery import shared_task

from liaison import services


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100, autoretry_for=(ConnectionError,),
             retry_backoff=True, max_retries=5)
def notify_urgent_report(report_id):
    """即时通报: notify the section heads and leaders. Idempotent (unique notification per item and recipient)."""
    return services.notify_urgent_report(report_id)
