"""A cadre roster imported from Excel: a file with one bad row is refused with the row and the problem named and
nothing saved; the corrected file is previewed and imported."""

import datetime

from openpyxl import Workbook
from playwright.sync_api import expect

from cadres import idcard
from cadres.models import Cadre
from tests.e2e.helpers import snapshot

HEADER = ["姓名", "性别", "出生日期", "身份证号", "现任单位", "现任职务", "职级", "是否一把手", "任现职时间"]
PEOPLE = [
    ("邵明远", "男", datetime.date(1979, 4, 12), "县财政局", "党组成员、副局长", "副科", "否", "2022-03"),
    ("骆晓琴", "女", datetime.date(1983, 9, 3), "县统计局", "副局长", "副科", "否", "2023-07"),
    ("戴俊豪", "男", datetime.date(1976, 1, 25), "QX-TJ", "党组书记、局长", "正科", "是", "2021-11"),
]


def roster(path, *, broken_row=None):
    """The roster file; `broken_row` (0-based among the people) gets a wrong ID check character."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "干部名册"
    sheet.append(HEADER)
    for index, (name, gender, birth, unit, post, rank, principal, since) in enumerate(PEOPLE):
        number = idcard.make(birth, "M" if gender == "男" else "F", region="110102", sequence=index + 1)
        if index == broken_row:
            number = number[:17] + ("0" if number[17] != "0" else "1")
        sheet.append([name, gender, birth.isoformat(), number, unit, post, rank, principal, since])
    workbook.save(path)
    return path


def test_roster_with_a_bad_row_then_fixed(page, live_server, login, demo, media_root, tmp_path):
    login("staff01")
    page.click("nav.sidenav >> text=干部信息")
    page.click("text=导入名册")
    expect(page.locator("h1")).to_have_text("导入干部名册")

    # one row has a wrong check character: the row and the column are named, nothing is imported
    page.set_input_files("input[type=file][name=file]", str(roster(tmp_path / "干部名册.xlsx", broken_row=1)))
    page.click("button:has-text('上传并预览')")
    preview = page.locator("[data-testid=import-preview]")
    expect(preview.locator("h2")).to_have_text("发现 1 处错误，未导入任何数据")
    errors = page.locator("[data-testid=import-errors] tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.locator("td").nth(0)).to_have_text("3")  # the header is row 1; 骆晓琴 is on row 3
    expect(errors.locator("td").nth(1)).to_have_text("身份证号")
    expect(errors.locator("td").nth(2)).to_contain_text("身份证号校验位错误")
    expect(page.locator("button:has-text('确认导入')")).to_have_count(0)
    assert not Cadre.objects.filter(name__in=[p[0] for p in PEOPLE]).exists()
    snapshot(page, "roster_import_row_error")

    # the corrected file: previewed (ID numbers masked), then imported
    page.set_input_files("input[type=file][name=file]", str(roster(tmp_path / "干部名册（改）.xlsx")))
    page.click("button:has-text('上传并预览')")
    expect(preview.locator("h2")).to_have_text("预览：将新增 3 人，更新 0 人")
    expect(preview).to_contain_text("骆晓琴")
    expect(preview).to_contain_text("110***1983********")
    page.click("button:has-text('确认导入')")
    expect(page.locator(".messages")).to_contain_text("导入完成：新增3人，更新0人")
    expect(page.locator("h1")).to_have_text("干部信息")

    page.fill("form.filters input[name=q]", "骆晓琴")  # not the top bar's search box
    page.click("button:has-text('查询')")
    rows = page.locator("[data-testid=cadre-list] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("县统计局")
    expect(rows.first).to_contain_text("副局长")
    rows.first.locator("a").first.click()
    expect(page.locator("h1")).to_have_text("骆晓琴 · 廉政档案")
    expect(page.locator("#positions")).to_contain_text("2023-07-01 至 今")
    assert page.console_errors == []


REAL_HEADER = ["序号", "姓  名", "性别", "出生年月", "公民身份号码", "工作单位", "现职务", "职务层次", "是否一把手",
               "任现职务时间", "联系电话"]


def test_a_roster_with_its_own_headers_shows_where_each_column_goes(page, live_server, login, demo, media_root,
                                                                      tmp_path):
    """Issue 20: a unit's own roster (a title row, 工作单位/现职务/公民身份号码/职务层次, a 序号 and a phone column)
    is previewed with the column mapping and the ignored columns named; nothing is saved before 确认导入."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["青溪县科级干部名册（2026年12月）"])
    sheet.append(REAL_HEADER)
    for index, (name, gender, birth, unit, post, rank, principal, since) in enumerate(PEOPLE):
        number = idcard.make(birth, "M" if gender == "男" else "F", region="110102", sequence=index + 1)
        sheet.append([index + 1, name, gender, birth.strftime("%Y.%m"), number, unit, post, rank + "级", principal,
                      since, "0570-1234567"])
    workbook.save(tmp_path / "本单位名册.xlsx")

    login("staff01")
    page.goto(f"{live_server.url}/cadres/import/")
    page.set_input_files("input[type=file][name=file]", str(tmp_path / "本单位名册.xlsx"))
    page.click("button:has-text('上传并预览')")
    mapping = page.locator("[data-testid=import-mapping] tbody tr")
    expect(mapping).to_have_count(len(REAL_HEADER))
    expect(page.locator("[data-testid=import-preview]")).to_contain_text("表头在第 2 行")
    expect(mapping.nth(5)).to_contain_text("工作单位")
    expect(mapping.nth(5).locator("td").nth(2)).to_have_text("现任单位")
    expect(mapping.nth(4).locator("td").nth(2)).to_have_text("身份证号")
    expect(mapping.nth(7).locator("td").nth(2)).to_have_text("职级")
    expect(mapping.nth(0).locator("td").nth(2)).to_have_text("不导入（无法识别的列）")
    expect(page.locator("[data-testid=import-ignored]")).to_have_text("以下列不导入：“序号”、“联系电话”。")
    expect(page.locator("[data-testid=import-preview] h2")).to_have_text("预览：将新增 3 人，更新 0 人")
    expect(page.locator("[data-testid=import-preview] tbody").last).to_contain_text("正科")  # the label, not a code
    assert not Cadre.objects.filter(name__in=[p[0] for p in PEOPLE]).exists()
    snapshot(page, "roster_import_mapping")

    page.click("button:has-text('确认导入')")
    expect(page.locator(".messages")).to_contain_text("导入完成：新增3人，更新0人")
    assert Cadre.objects.get(name="戴俊豪").get_rank_display() == "正科"
    assert list(media_root.rglob("*.xlsx")) == []
    assert page.console_errors == []

