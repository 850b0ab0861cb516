"""The UI shell: login page, layout, the bell and 我的待办."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import Notification, Unit


def make_notification(user, unit, **extra):
    values = dict(recipient=user, kind="core.demo", target_type=ContentType.objects.get_for_model(Unit),
                  target_id=str(unit.pk), title="函询回复即将到期", due_date=datetime.date(2026, 10, 14),
                  level="notice")
    values.update(extra)
    return Notification.objects.create(**values)


@pytest.mark.django_db
class TestLoginPage:
    def test_login_page_is_chinese_and_uses_only_local_assets(self, client):
        body = client.get("/login/").content.decode()
        assert "干部监督信息平台" in body and "登录" in body
        assert 'lang="zh-CN"' in body
        assert "http://" not in body and "https://" not in body

    def test_wrong_password_gets_a_chinese_message(self, client, staff):
        response = client.post("/login/", {"username": "staff", "password": "nope"})
        assert "用户名或密码不正确" in response.content.decode()

    def test_login_lands_on_home(self, client, staff):
        response = client.post("/login/", {"username": "staff", "password": "Test@2026password"}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("core:home")
        assert "首页" in response.content.decode()


@pytest.mark.django_db
class TestMyTasks:
    def test_bell_counts_unread_notifications(self, client_for, staff, county):
        make_notification(staff, county)
        make_notification(staff, county, level="overdue", title="已逾期")
        body = client_for(staff).get(reverse("core:home")).content.decode()
        assert 'data-testid="unread-count">2<' in body

    def test_list_shows_only_own_notifications_with_chinese_dates(self, client_for, staff, section_head, county):
        make_notification(staff, county)
        make_notification(section_head, county, title="他人的待办")
        body = client_for(staff).get(reverse("core:my_tasks")).content.decode()
        assert "函询回复即将到期" in body and "2026年10月14日" in body
        assert "他人的待办" not in body

    def test_mark_read(self, client_for, staff, county):
        note = make_notification(staff, county)
        client = client_for(staff)
        client.post(reverse("core:mark_read", args=[note.pk]))
        note.refresh_from_db()
        assert note.read_at is not None
        assert "暂无待办事项" in client.get(reverse("core:my_tasks")).content.decode()

    def test_cannot_mark_someone_elses_notification(self, client_for, staff, section_head, county):
        note = make_notification(section_head, county)
        assert client_for(staff).post(reverse("core:mark_read", args=[note.pk])).status_code == 404
        note.refresh_from_db()
        assert note.read_at is None

    def test_authenticated_pages_are_not_cached(self, client_for, staff):
        response = client_for(staff).get(reverse("core:my_tasks"))
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_unit_subtree_follows_moves(county, unit_a, unit_b):
    child = Unit.objects.create(code="A-1", name="下属单位", parent=unit_a)
    assert set(county.subtree()) == {county, unit_a, unit_b, child}
    unit_a.parent = unit_b
    unit_a.save()
    child.refresh_from_db()
    assert child.path == f"{county.pk}/{unit_b.pk}/{unit_a.pk}/{child.pk}/"
    assert set(unit_b.subtree()) == {unit_b, unit_a, child}
