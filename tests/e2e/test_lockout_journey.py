"""Five wrong passwords lock the account (by user name, not by address: colleagues behind the same NAT still log
in); while locked, even the right password is refused."""

import re

from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD
from tests.e2e.helpers import snapshot


def test_five_wrong_passwords_lock_the_account(page, live_server, login, demo):
    for attempt in range(1, 5):
        login("staff02", f"Wrong@password{attempt}")
        expect(page.locator(".error")).to_contain_text("用户名或密码不正确")
        expect(page.locator("#id_username")).to_have_value("staff02")

    login("staff02", "Wrong@password5")
    expect(page.locator("[data-testid=locked]")).to_contain_text("登录失败次数过多，账号已锁定")
    # how long and until when (SecurityPolicy.lockout_minutes, 30 by default), in local time, and whom to ask
    expect(page.locator("[data-testid=locked]")).to_contain_text(
        re.compile(r"账号已锁定30分钟，将于(\d+月\d+日 )?\d{2}:\d{2}自动解锁；如需提前解锁请联系安全保密管理员。"))
    snapshot(page, "lockout_message")

    login("staff02", DEMO_PASSWORD)
    expect(page.locator("[data-testid=locked]")).to_contain_text("账号已锁定")
    expect(page.locator("nav.sidenav")).to_have_count(0)

    # the same browser, another user: not locked
    login("staff01")
    expect(page.locator("h1")).to_have_text("首页")

    # and staff02 is still locked out
    page.click("text=退出")
    login("staff02", DEMO_PASSWORD)
    expect(page.locator("[data-testid=locked]")).to_contain_text("账号已锁定")
    assert all("429" in error for error in page.console_errors), page.console_errors
