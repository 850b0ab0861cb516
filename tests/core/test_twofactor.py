"""Two-factor login for 部领导 and the three administrators."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent

GOOD = "Test@2026password"


def code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_login(client, user):
    return client.post("/login/", {"username": user.username, "password": GOOD})


@pytest.mark.django_db
class TestTwoFactor:
    def test_leader_must_enter_a_code_before_any_page(self, client, leader):
        device = TOTPDevice.objects.create(user=leader, name="手机", confirmed=True)
        password_login(client, leader)
        response = client.get("/todo/")
        assert response.status_code == 302 and response.url.startswith("/otp/")
        response = client.post("/otp/", {"token": code(device), "next": "/todo/"})
        assert response.url == "/todo/"
        assert client.get("/todo/").status_code == 200
        assert AuditEvent.objects.filter(name="core.user.otp_verified", actor=leader).exists()

    def test_a_wrong_code_is_refused_and_logged(self, client, leader):
        device = TOTPDevice.objects.create(user=leader, name="手机", confirmed=True)
        password_login(client, leader)
        wrong = f"{(int(code(device)) + 1) % 1000000:06d}"
        response = client.post("/otp/", {"token": wrong})
        assert "验证码错误" in response.content.decode()
        assert client.get("/todo/").url.startswith("/otp/")
        assert AuditEvent.objects.filter(name="core.user.otp_failed", actor=leader).exists()

    @pytest.mark.parametrize("persona", ["system_admin", "security_admin", "security_auditor"])
    def test_the_three_administrators_need_it_too(self, request, client, persona):
        user = request.getfixturevalue(persona)
        password_login(client, user)
        assert client.get("/admin/").url.startswith("/otp/")

    def test_first_login_enrols_a_device(self, client, security_auditor):
        password_login(client, security_auditor)
        page = client.get("/otp/").content.decode()
        assert "扫描下方二维码" in page and 'data-testid="otp-secret"' in page and "data:image/svg+xml" in page
        device = TOTPDevice.objects.get(user=security_auditor)
        assert not device.confirmed
        client.post("/otp/", {"token": code(device)})
        device.refresh_from_db()
        assert device.confirmed
        assert client.get("/audit-log/").status_code == 200

    def test_staff_log_in_with_a_password_only(self, client, staff):
        password_login(client, staff)
        assert client.get("/todo/").status_code == 200
