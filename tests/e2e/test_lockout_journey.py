"""Five wrong passwords lock the account (by user name, not by address: colleagues behind the same NAT still log
in); while locked, even the right password is refused."""

from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD


def test_five_wrong_passwords_lock_the_account(page, live_server, login, demo):
    for attempt in range(1, 5):
        login("staff02", f"Wrong@password{attempt}")
        expect(page.locator(".error")).to_contain_text("用户名或密码不正确")
        expect(page.locator("#id_username")).to_have_value("staff02")

    login("staff02", "Wrong@password5")
    expect(page.locator("[data-testid=locked]")).to_contain_text("该账号已暂时锁定")

    login("staff02", DEMO_PASSWORD)
    expect(page.locator("[data-testid=locked]")).to_contain_text("已暂时锁定")
    expect(page.locator("nav.sidenav")).to_have_count(0)

    # the same browser, another user: not locked
    login("staff01")
    expect(page.locator("h1")).to_have_text("首页")

    # and staff02 is still locked out
    page.click("text=退出")
    login("staff02", DEMO_PASSWORD)
    expect(page.locator("[data-testid=locked]")).to_contain_text("已暂时锁定")
    assert all("429" in error for error in page.console_errors), page.console_errors
