"""Every view: allowed, denied and not found; the list's query count; filters; actions through the page."""

import datetime

import pytest
from django.urls import reverse

from cadres.models import Cadre, SupervisionMeasure
from petitions import services
from petitions.models import Conclusion, Disposal, Petition, Status
from tests.factories import CadreFactory
from tests.petitions.factories import make_petition

MISSING = "XF-2026-99999"


@pytest.fixture
def case(staff):
    return make_petition(staff)


def page_urls(code):
    return {
        "index": reverse("petitions:index"),
        "create": reverse("petitions:create"),
        "export": reverse("petitions:export"),
        "statistics": reverse("petitions:statistics"),
        "detail": reverse("petitions:detail", args=[code]),
    }


@pytest.mark.parametrize("name", ["index", "create", "statistics", "detail"])  # export: tests/petitions/test_export.py
def test_office_users_may_open_pages(name, case, staff, client_for):
    assert client_for(staff).get(page_urls(case.code)[name]).status_code == 200


@pytest.mark.parametrize("persona", ["liaison_a", "system_admin", "security_admin", "security_auditor", "outsider"])
@pytest.mark.parametrize("name", ["index", "create", "export", "statistics", "detail"])
def test_others_are_denied(name, persona, case, client_for, request):
    response = client_for(request.getfixturevalue(persona)).get(page_urls(case.code)[name])
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_login(case, client):
    response = client.get(case.get_absolute_url())
    assert response.status_code == 302 and "/login/" in response.url


def test_leader_may_read_but_not_register(case, leader, client_for):
    client = client_for(leader)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(reverse("petitions:create")).status_code == 403


@pytest.mark.parametrize("url_name", ["petitions:detail", "petitions:reveal"])
def test_not_found(url_name, staff, client_for):
    client = client_for(staff)
    response = client.get(reverse(url_name, args=[MISSING])) if url_name.endswith("detail") else \
        client.post(reverse(url_name, args=[MISSING]), {"reason": "x"})
    assert response.status_code == 404


def test_other_county_sees_nothing(case, other_county_staff, client_for):
    client = client_for(other_county_staff)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert case.code not in client.get(reverse("petitions:index")).content.decode()
    assert client.post(reverse("petitions:act", args=[case.code, "propose"]), {}).status_code == 404


def test_unknown_action_is_not_found(case, staff, client_for):
    assert client_for(staff).post(reverse("petitions:act", args=[case.code, "explode"])).status_code == 404


def test_attachment_download_allowed_denied_missing(case, staff, other_county_staff, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = services.add_attachment(case, SimpleUploadedFile("举报信.pdf", b"%PDF-1.4 content"), actor=staff)
    url = reverse("petitions:attachment", args=[case.code, attachment.code])
    response = client_for(staff).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 content"
    assert client_for(other_county_staff).get(url).status_code == 404
    missing = reverse("petitions:attachment", args=[case.code, "00000000-0000-0000-0000-000000000000"])
    assert client_for(staff).get(missing).status_code == 404


def test_lookup_by_query_code(case, staff, client_for):
    client = client_for(staff)
    response = client.get(reverse("petitions:lookup"), {"query_code": case.query_code.lower()})
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    response = client.get(reverse("petitions:lookup"), {"query_code": "NOPE1234"})
    assert response.url == reverse("petitions:index")


def test_approval_is_for_section_heads_and_leaders(case, staff, section_head, client_for):
    services.propose(case, actor=staff, disposal=Disposal.PRELIMINARY_CHECK, reason="线索具体")
    url = reverse("petitions:act", args=[case.code, "approve"])
    assert client_for(staff).post(url, {"approve-note": "同意"}).status_code == 403
    response = client_for(section_head).post(url, {"approve-note": "同意"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING


def test_non_handler_staff_may_not_work_the_case(case, client_for, staff):
    from tests.factories import UserFactory

    colleague = UserFactory(roles=["监督科工作人员"], unit=staff.unit, jurisdiction=staff.jurisdiction)
    url = reverse("petitions:act", args=[case.code, "propose"])
    response = client_for(colleague).post(url, {"propose-disposal": "preliminary_check", "propose-reason": "x"})
    assert response.status_code == 403


def test_illegal_action_is_refused_with_a_message(case, staff, client_for):
    response = client_for(staff).post(reverse("petitions:act", args=[case.code, "submit_findings"]),
                                      {"submit_findings-findings": "查核情况"}, follow=True)
    assert "当前状态为“已登记”，不能提交查核情况" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_invalid_form_is_reported(case, staff, client_for):
    response = client_for(staff).post(reverse("petitions:act", args=[case.code, "propose"]), {}, follow=True)
    assert "拟办未完成" in response.content.decode()


def test_whole_case_through_the_pages(staff, section_head, client_for):
    cadre = CadreFactory(unit=staff.jurisdiction)
    case = make_petition(staff, cadre=cadre)
    act = lambda user, action, data: client_for(user).post(  # noqa: E731
        reverse("petitions:act", args=[case.code, action]), {f"{action}-{k}": v for k, v in data.items()})
    act(staff, "propose", {"disposal": Disposal.PRELIMINARY_CHECK, "reason": "线索具体"})
    act(section_head, "approve", {"note": "同意直接初步核实"})
    act(staff, "add_interview", {"held_on": "2026-03-10", "interviewee": "知情人", "content": "要点"})
    act(staff, "submit_findings", {"findings": "部分属实"})
    subject = case.subjects.get()
    act(section_head, "conclude", {"conclusion": Conclusion.PARTLY_TRUE, "note": "部分属实",
                                   f"measure_{subject.pk}": "admonishment"})
    act(staff, "record_feedback", {"feedback_on": "2026-04-01", "method": "phone", "content": "已告知结果"})
    act(staff, "archive", {})
    case.refresh_from_db()
    assert case.status == Status.ARCHIVED
    assert SupervisionMeasure.objects.get(cadre=cadre).kind == "admonishment"
    page = client_for(staff).get(case.get_absolute_url()).content.decode()
    for text in ("受理登记", "拟办", "审批同意", "谈话记录", "提交查核情况", "审核办结", "反馈", "归档", "诫勉"):
        assert text in page


def _list(client, **params):
    return client.get(reverse("petitions:index"), params)


def test_list_query_count_does_not_grow_with_rows(staff, client_for, django_assert_num_queries):
    client = client_for(staff)
    make_petition(staff)
    _list(client)  # warm caches (content types, sessions)
    # session, user (roles, unit, jurisdiction from the cache: core.user_facts), unread count, filter choices:
    # units, handlers; count, page, subjects, handlers
    with django_assert_num_queries(9) as few:
        _list(client)
    for _ in range(6):
        make_petition(staff, named=False)
    with django_assert_num_queries(len(few.captured_queries)):
        _list(client)


@pytest.mark.parametrize("params", [{}, {"status": "registered"}, {"status": "open"}, {"status": "voided"},
                                    {"q": "反映"}, {"channel": "letter"}, {"status": "archived", "days": "none"}])
def test_list_count_is_the_number_of_cases_listed(staff, other_county_staff, unit_a, client_for, params):
    """The count (petitions.filters.count) takes away the cases about the user himself, as the rows do."""
    from django.http import QueryDict

    from petitions.filters import count, filtered

    me = CadreFactory(unit=unit_a)
    Cadre.objects.filter(pk=me.pk).update(user=staff)
    about_me = make_petition(staff, cadre=me)
    make_petition(staff, cadre=me, channel="letter")
    for channel in ("letter", "phone_12380", "letter"):
        make_petition(staff, named=False, channel=channel)
    make_petition(other_county_staff)
    query = QueryDict(mutable=True)
    query.update(params)
    listed = filtered(query, staff)[1]
    assert about_me not in listed
    assert count(query, staff) == listed.count()
    if not params:
        assert listed.count() == 3
        assert client_for(staff).get(reverse("petitions:index")).context["page"].paginator.count == 3


def test_list_filters(staff, section_head, client_for):
    a = make_petition(staff, summary="反映甲", categories=["integrity"], received_on=datetime.date(2026, 3, 2))
    b = make_petition(staff, summary="反映乙", categories=["conduct"], channel="letter", named=False)
    services.propose(b, actor=staff, disposal=Disposal.HOLD, reason="暂存")
    client = client_for(staff)
    text = _list(client, category="integrity").content.decode()
    assert a.code in text and b.code not in text
    text = _list(client, channel="letter").content.decode()
    assert b.code in text and a.code not in text
    text = _list(client, status="proposed").content.decode()
    assert b.code in text and a.code not in text
    text = _list(client, handler=staff.pk).content.decode()
    assert a.code in text and b.code in text
    text = _list(client, days="overdue").content.decode()  # a's acceptance notice was due in March 2026
    assert a.code in text and b.code not in text
    text = _list(client, unit=staff.jurisdiction.pk).content.decode()
    assert a.code in text


def test_list_shows_days_left_coloured(staff, client_for):
    make_petition(staff, received_on=datetime.date(2026, 3, 2))
    assert 'class="days-red"' in _list(client_for(staff)).content.decode()


def test_statistics_page(staff, client_for):
    main = make_petition(staff)
    services.link_duplicate(make_petition(staff, named=False), main, actor=staff)
    text = client_for(staff).get(reverse("petitions:statistics")).content.decode()
    assert 'data-testid="total-cases">1<' in text
    assert 'data-testid="total-reports">2<' in text


def test_link_subject_later(staff, client_for):
    case = make_petition(staff, unmatched=[{"name": "王某", "unit_text": "某局"}])
    subject = case.subjects.get(cadre__isnull=True)
    cadre = CadreFactory(unit=staff.jurisdiction)
    response = client_for(staff).post(reverse("petitions:act", args=[case.code, "link_subject"]),
                                      {"link_subject-subject": subject.pk, "link_subject-cadre": cadre.pk})
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.cadre == cadre


def test_duplicate_linked_from_the_page(staff, client_for):
    cadre = CadreFactory(unit=staff.jurisdiction)
    main = make_petition(staff, cadre=cadre, categories=["integrity"])
    new = make_petition(staff, cadre=cadre, categories=["integrity", "conduct"], summary="完全不同的内容描述")
    client = client_for(staff)
    page = client.get(new.get_absolute_url()).content.decode()
    assert "可能的重复件" in page and main.code in page
    client.post(reverse("petitions:act", args=[new.code, "link_duplicate"]), {"link_duplicate-main_code": main.code})
    new.refresh_from_db()
    assert new.status == Status.MERGED and new.duplicate_of == main
    assert Petition.objects.counted().filter(pk=new.pk).count() == 0


def test_handler_filter_offers_the_office_users_by_their_names(staff, section_head, liaison_a, client_for):
    from core.models import User

    User.objects.filter(pk=section_head.pk).update(full_name="")
    staff.refresh_from_db()
    page = _list(client_for(staff), handler=staff.pk).content.decode()
    assert f'<option value="{staff.pk}" selected>{staff}</option>' in page
    assert f'<option value="{section_head.pk}">{section_head.username}</option>' in page
    assert f'<option value="{liaison_a.pk}"' not in page
