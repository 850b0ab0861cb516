"""Authentication policy (等保三级): lockout, password rules, forced changes, session timeouts, headers."""

import datetime
import re
import time

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import SecurityPolicy
from core.security import SESSION_LOGIN_AT, PasswordPolicyValidator
from tests.factories import UserFactory

GOOD = "Test@2026password"


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
class TestLockout:
    def test_five_failures_lock_the_account_even_with_the_right_password(self, client, staff):
        for _ in range(4):
            assert login(client, "staff", "wrong").status_code == 200
        assert login(client, "staff", "wrong").status_code == 429
        response = login(client, "staff", GOOD)
        assert response.status_code == 429
        assert "账号已锁定" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_unknown_user_names_get_the_same_answers(self, client, staff):
        known = [login(client, "staff", "wrong") for _ in range(5)]
        unknown = [login(client, "nobody-here", "wrong") for _ in range(5)]
        assert [r.status_code for r in known] == [r.status_code for r in unknown] == [200] * 4 + [429]
        # the same page but for the unlock time, which follows each name's own last failure
        assert re.sub(rb"\d+:\d\d", b"", known[-1].content) == re.sub(rb"\d+:\d\d", b"", unknown[-1].content)

    def test_the_lockout_page_says_for_how_long_and_until_when(self, client, staff):
        """等保三级 login-failure handling (GB/T 22239-2019 8.1.4.1 b): the lock lasts SecurityPolicy.lockout_minutes
        (30 by default) from the last failure; the page gives both, in local time, and whom to ask."""
        SecurityPolicy.objects.update_or_create(pk=1, defaults={"lockout_minutes": 45})
        for _ in range(5):
            response = login(client, "staff", "wrong")
        last = AccessAttempt.objects.get(username="staff").attempt_time
        unlock = timezone.localtime(last + datetime.timedelta(minutes=45))
        day = "" if unlock.date() == timezone.localdate() else f"{unlock.month}月{unlock.day}日 "
        when = f"{day}{unlock:%H:%M}"
        assert response.status_code == 429
        assert (f"账号已锁定45分钟，将于{when}自动解锁；如需提前解锁请联系安全保密管理员。"
                in response.content.decode())

    def test_lock_lifts_after_the_cool_off(self, client, staff):
        for _ in range(5):
            login(client, "staff", "wrong")
        AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
        assert login(client, "staff", GOOD).status_code == 302

    def test_limit_comes_from_the_security_policy(self, client, staff):
        SecurityPolicy.objects.update_or_create(pk=1, defaults={"lockout_failures": 2})
        login(client, "staff", "wrong")
        assert login(client, "staff", "wrong").status_code == 429


class TestPasswordRules:
    @pytest.mark.parametrize("password, message", [
        ("Short@1a", "至少 12 位"),
        ("alllowercase123", "至少三类"),
        ("Zhangmin@2026x", "不得包含用户名"),
    ])
    @pytest.mark.django_db
    def test_weak_passwords_are_refused_with_a_chinese_reason(self, password, message):
        user = UserFactory.build(username="zhangmin")
        with pytest.raises(ValidationError, match=message):
            PasswordPolicyValidator().validate(password, user)

    @pytest.mark.django_db
    def test_a_strong_password_passes(self):
        PasswordPolicyValidator().validate("Qingxi#Jiandu2026", UserFactory.build(username="zhangmin"))


@pytest.mark.django_db
class TestForcedPasswordChange:
    def test_first_login_must_change_the_password(self, client):
        user = UserFactory(username="newbie", must_change_password=True)
        login(client, "newbie", GOOD)
        assert client.get(reverse("core:home")).url == reverse("password_change")
        response = client.post(reverse("password_change"), {
            "old_password": GOOD, "new_password1": "Qingxi#Jiandu2026", "new_password2": "Qingxi#Jiandu2026"})
        assert response.status_code == 302
        user.refresh_from_db()
        assert not user.must_change_password and user.password_changed_at is not None
        assert client.get(reverse("core:home")).status_code == 200

    def test_expired_password_must_be_changed(self, client):
        UserFactory(username="old", password_changed_at=timezone.now() - datetime.timedelta(days=91))
        login(client, "old", GOOD)
        assert client.get(reverse("core:my_tasks")).url == reverse("password_change")


@pytest.mark.django_db
class TestSessions:
    def test_login_issues_a_new_session_key(self, client, staff):
        client.get("/login/")
        session = client.session
        session["probe"] = 1
        session.save()
        before = session.session_key
        login(client, "staff", GOOD)
        assert client.session.session_key != before

    def test_idle_timeout_is_thirty_minutes(self, client_for, staff):
        client = client_for(staff)
        client.get(reverse("core:home"))
        assert client.session.get_expiry_age() == 30 * 60

    def test_absolute_timeout_ends_the_session(self, client_for, staff):
        client = client_for(staff)
        session = client.session
        session[SESSION_LOGIN_AT] = time.time() - 11 * 3600
        session.save()
        response = client.get(reverse("core:home"))
        assert response.status_code == 302 and response.url.startswith("/login/")
        assert "_auth_user_id" not in client.session

    def test_disabling_a_user_ends_his_sessions(self, client_for, staff):
        client = client_for(staff)
        staff.is_active = False
        staff.save()
        assert client.get(reverse("core:home")).url.startswith("/login/")

    def test_password_change_ends_the_other_sessions(self, staff):
        mine, other = Client(), Client()
        login(mine, "staff", GOOD)
        login(other, "staff", GOOD)
        mine.post(reverse("password_change"), {
            "old_password": GOOD, "new_password1": "Qingxi#Jiandu2026", "new_password2": "Qingxi#Jiandu2026"})
        assert mine.get(reverse("core:home")).status_code == 200
        assert other.get(reverse("core:home")).url.startswith("/login/")


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
class TestDeployChecks:
    def test_an_active_superuser_fails_the_production_check(self):
        from core.checks import no_active_superuser

        assert no_active_superuser(None) == []
        UserFactory(username="root", is_superuser=True)
        assert [error.id for error in no_active_superuser(None)] == ["core.E002"]

    def test_missing_audit_key_fails_the_production_check(self, settings):
        from core.checks import audit_log_key

        assert audit_log_key(None) == []
        settings.AUDIT_LOG_KEY = ""
        assert [error.id for error in audit_log_key(None)] == ["core.E001"]
