from playwright.sync_api import expect


def test_staff_logs_in_and_sees_the_shell_with_only_local_assets(page, live_server, login, demo):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    login("staff01")
    expect(page.locator("h1")).to_have_text("首页")
    expect(page.locator(".sidenav")).to_contain_text("干部信息")
    page.click("text=我的待办")
    expect(page.locator("h1")).to_have_text("我的待办")
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert page.console_errors == []


def test_wrong_password_shows_a_chinese_message(page, live_server, login, demo):
    login("staff01", "wrong-password-1")
    expect(page.locator(".error")).to_contain_text("用户名或密码不正确")


def test_chinese_text_is_drawn_with_real_glyphs(page):
    """Without a CJK font Chromium draws every Chinese character as the same empty box; with one, two different
    characters give two different pictures."""
    page.set_content("<canvas width='64' height='64'></canvas>")
    supervise, inspect = page.evaluate("""(texts) => texts.map((text) => {
        const context = document.querySelector("canvas").getContext("2d");
        context.clearRect(0, 0, 64, 64);
        context.font = "48px sans-serif";
        context.fillText(text, 4, 52);
        return Array.from(context.getImageData(0, 0, 64, 64).data).join(",");
    })""", ["监", "督"])
    assert supervise != inspect, "中文显示为方框：请安装 fonts-noto-cjk"
