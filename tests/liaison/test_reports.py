import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from core.models import AuditEvent
from core.refusals import Refused
from liaison import services
from liaison.models import Disposal, Report, ReportingSchedule
from tests.factories import CadreFactory
from tests.liaison.conftest import refresh
from tests.liaison.factories import ItemFactory, ReportFactory, submitted

S = Report.Status


# ---------------------------------------------------------------- due dates

@pytest.mark.django_db
@pytest.mark.parametrize(("period", "due"), [
    (datetime.date(2026, 9, 1), datetime.date(2026, 10, 15)),
    (datetime.date(2026, 10, 1), datetime.date(2026, 11, 16)),  # 11-15 is a Sunday: 民法典 第二百零三条
    (datetime.date(2026, 12, 1), datetime.date(2027, 1, 15)),  # over the year end
    (datetime.date(2026, 1, 1), datetime.date(2026, 2, 24)),  # 02-15..23 Spring Festival
])
def test_a_monthly_report_is_due_on_the_15th_of_the_following_month(period, due):
    assert services.report_due_date(period) == due


@pytest.mark.django_db
def test_the_due_day_is_an_editable_setting():
    ReportingSchedule.objects.update_or_create(pk=ReportingSchedule.current().pk,
                                               defaults={"due_day": 20, "reminder_day": 12})
    assert services.report_due_date(datetime.date(2026, 10, 1)) == datetime.date(2026, 11, 20)
    assert services.reminder_date(datetime.date(2026, 10, 1)) == datetime.date(2026, 11, 12)


@pytest.mark.django_db
def test_a_new_report_stores_its_due_date(member_a, liaison_a):
    report = services.create_report(member_a, datetime.date(2026, 10, 1), actor=liaison_a)
    assert report.due_date == datetime.date(2026, 11, 16)  # the 15th is a Sunday
    assert report.status == S.DRAFT
    assert AuditEvent.objects.filter(name="liaison.report.created", target_id=str(report.code)).exists()


@pytest.mark.django_db
def test_late_is_decided_by_the_first_submission(report_a):
    submitted(report_a, datetime.date(2026, 11, 16))  # due the 15th, a Sunday: rolled over to Monday
    assert not refresh(report_a).is_late
    submitted(report_a, datetime.date(2026, 11, 17))
    report_a.first_submitted_at = report_a.submitted_at
    report_a.save()
    assert refresh(report_a).is_late


# ---------------------------------------------------------------- transitions

@pytest.mark.django_db
def test_draft_submitted_signed(report_a, liaison_a, staff):
    ItemFactory(report=report_a)
    services.submit(report_a, actor=liaison_a)
    assert refresh(report_a).status == S.SUBMITTED
    services.sign(report_a, actor=staff)
    report = refresh(report_a)
    assert report.status == S.SIGNED and report.signed_by == staff
    names = set(AuditEvent.objects.filter(target_id=str(report.code)).values_list("name", flat=True))
    assert {"liaison.report.submitted", "liaison.report.signed"} <= names


@pytest.mark.django_db
def test_returned_with_a_reason_goes_back_to_draft_and_is_resubmitted(report_a, liaison_a, staff):
    ItemFactory(report=report_a)
    services.submit(report_a, actor=liaison_a)
    with pytest.raises(Refused):
        services.return_report(report_a, actor=staff, reason="  ")
    services.return_report(report_a, actor=staff, reason="事项描述不具体")
    report = refresh(report_a)
    assert report.status == S.RETURNED and report.return_reason == "事项描述不具体"
    services.reopen(report, actor=liaison_a)
    assert refresh(report).status == S.DRAFT
    services.submit(report, actor=liaison_a)
    report = refresh(report)
    assert report.status == S.SUBMITTED
    assert report.first_submitted_at < report.submitted_at  # lateness stays with the first submission


EVENTS = {
    "submit": lambda r, u, item: services.submit(r, actor=u),
    "sign": lambda r, u, item: services.sign(r, actor=u),
    "return": lambda r, u, item: services.return_report(r, actor=u, reason="原因"),
    "reopen": lambda r, u, item: services.reopen(r, actor=u),
    "edit": lambda r, u, item: services.update_report(r, actor=u, is_nil=False, remarks="改", version=r.version),
    "match": lambda r, u, item: services.match_item(item, CadreFactory(), actor=u),
    "dispose": lambda r, u, item: services.dispose(item, Disposal.Action.ARCHIVE, actor=u),
}


def test_every_action_of_the_machine_has_a_call_here():
    assert set(EVENTS) == set(services.MACHINE.actions)


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "event"), services.MACHINE.illegal())
def test_every_illegal_transition_is_refused(report_a, staff, status, event):
    item = ItemFactory(report=report_a)
    Report.objects.filter(pk=report_a.pk).update(status=status)
    with pytest.raises(Refused, match=f"当前状态为“{S(status).label}”，不能{services.MACHINE.label(event)}") as refused:
        EVENTS[event](refresh(report_a), staff, item)
    assert refused.value.code == "state"
    assert refresh(report_a).status == status
    assert not Disposal.objects.exists()


# ---------------------------------------------------------------- content rules

@pytest.mark.django_db
def test_an_empty_report_cannot_be_submitted_a_nil_report_must_be_explicit(report_a, liaison_a):
    with pytest.raises(Refused, match="零报告"):
        services.submit(report_a, actor=liaison_a)
    services.update_report(report_a, actor=liaison_a, is_nil=True, nil_statement="", version=report_a.version)
    services.submit(report_a, actor=liaison_a)
    report = refresh(report_a)
    assert report.status == S.SUBMITTED and report.is_nil and report.nil_statement == "本月无应报告事项"


@pytest.mark.django_db
def test_a_nil_report_cannot_have_items(report_a, liaison_a):
    ItemFactory(report=report_a)
    with pytest.raises(Refused):
        services.update_report(report_a, actor=liaison_a, is_nil=True, version=report_a.version)
    Report.objects.filter(pk=report_a.pk).update(is_nil=True)
    with pytest.raises(Refused):
        services.submit(refresh(report_a), actor=liaison_a)


@pytest.mark.django_db
def test_voided_items_do_not_count_and_are_kept(report_a, liaison_a):
    item = ItemFactory(report=report_a)
    services.void_item(item, actor=liaison_a, reason="重复填报")
    item.refresh_from_db()
    assert item.voided_at is not None and item.void_reason == "重复填报"
    with pytest.raises(Refused):
        services.submit(report_a, actor=liaison_a)


@pytest.mark.django_db
def test_items_cannot_change_after_submission(report_a, liaison_a):
    item = ItemFactory(report=report_a)
    services.submit(report_a, actor=liaison_a)
    with pytest.raises(Refused):
        services.update_item(item, actor=liaison_a, description="改", version=item.version)
    with pytest.raises(Refused):
        services.add_item(refresh(report_a), actor=liaison_a, cadre_name="某", cadre_post="", is_principal=False,
                          aspect="conduct", description="x", source="y", occurred_on=datetime.date(2026, 10, 1),
                          severity="minor")


@pytest.mark.django_db
def test_signing_removes_the_units_change_permission_but_keeps_view(report_a, liaison_a, staff):
    ItemFactory(report=report_a)
    assert liaison_a.has_perm("liaison.change_report", report_a)
    services.submit(report_a, actor=liaison_a)
    services.sign(report_a, actor=staff)
    from core.models import User

    officer = User.objects.get(pk=liaison_a.pk)  # fresh permission cache
    assert officer.has_perm("liaison.view_report", report_a)
    assert not officer.has_perm("liaison.change_report", report_a)


# ---------------------------------------------------------------- one report per unit per month

@pytest.mark.django_db
def test_a_second_monthly_report_for_the_same_month_is_refused(member_a, liaison_a):
    first = services.create_report(member_a, datetime.date(2026, 10, 1), actor=liaison_a)
    with pytest.raises(services.ReportExists) as exists:
        services.create_report(member_a, datetime.date(2026, 10, 1), actor=liaison_a)
    assert exists.value.report == first
    # the named constraint is in the database, not only in the service
    with pytest.raises(IntegrityError, match="liaison_report_one_monthly_per_unit_month"), transaction.atomic():
        Report.objects.create(member_unit=member_a, period=datetime.date(2026, 10, 1),
                              due_date=datetime.date(2026, 11, 15))
    # urgent reports are not limited
    ReportFactory(member_unit=member_a, kind=Report.Kind.URGENT, due_date=None)
    ReportFactory(member_unit=member_a, kind=Report.Kind.URGENT, due_date=None)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_create_one_report(post_migrate_state, unit_a, liaison_a):
    from tests.liaison.factories import member_unit

    member = member_unit(unit_a, [liaison_a])
    barrier = threading.Barrier(2)
    outcomes = []

    def create():
        try:
            barrier.wait()
            services.create_report(member, datetime.date(2026, 10, 1), actor=liaison_a)
            outcomes.append("created")
        except services.ReportExists:
            outcomes.append("exists")
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "exists"]
    assert Report.objects.filter(member_unit=member).count() == 1


@pytest.mark.django_db
def test_a_unit_can_only_report_for_months_it_is_a_member(unit_a, liaison_a):
    from tests.liaison.factories import member_unit

    member = member_unit(unit_a, [liaison_a], active_from=datetime.date(2026, 6, 1))
    with pytest.raises(Refused):
        services.create_report(member, datetime.date(2026, 5, 1), actor=liaison_a)
    periods = services.reportable_periods(member, today=datetime.date(2026, 11, 23))
    assert periods[0] == datetime.date(2026, 11, 1) and periods[-1] == datetime.date(2026, 6, 1)


@pytest.mark.django_db
def test_liaison_item_edit_refuses_a_stale_version(liaison_b, item_b):
    from core.concurrency import EditConflict
    from liaison import services

    services.update_item(item_b, actor=liaison_b, version=1, description="第一位联络员的修改")
    with pytest.raises(EditConflict, match="第一位联络员的修改"):
        services.update_item(type(item_b).objects.get(pk=item_b.pk), actor=liaison_b, version=1,
                             description="第二位联络员的修改")
    item_b.refresh_from_db()
    assert item_b.description == "第一位联络员的修改"
