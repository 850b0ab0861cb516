"""Celery tasks of the petitions app: they take ids (never an informant's identity) and are idempotent."""

from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import Notification, User
from petitions.models import Petition


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def notify_assigned(petition_id, user_ids):
    """Tell newly assigned handlers (承办人). One notification per user and case and day: a retry adds nothing."""
    petition = Petition.objects.filter(pk=petition_id).first()
    if petition is None:
        return 0
    content_type = ContentType.objects.get_for_model(Petition)
    today = timezone.localdate()
    created = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True):
        _, was_created = Notification.objects.get_or_create(
            recipient=user, kind="petitions.assigned", target_type=content_type, target_id=str(petition.pk),
            level=Notification.Level.NOTICE, due_date=petition.next_due or today,
            defaults={"title": f"信访举报件 {petition.code} 已分配给您承办", "url": petition.get_absolute_url()},
        )
        created += was_created
    return created

