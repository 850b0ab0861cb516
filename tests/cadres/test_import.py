import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from cadres import idcard, importer
from cadres.models import Cadre, PositionHistory
from core.audit import AuditEvent
from core.models import Unit
from tests.factories import CadreFactory

D = datetime.date
HEADER = ["姓名", "性别", "出生日期", "身份证号", "现任单位", "现任职务", "职级", "是否一把手", "任现职时间"]


def xlsx(*rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def row(name, birth, gender="男", unit="UNIT-A", sequence=1, id_number=None, post_since="2021-03-01", **extra):
    number = id_number or idcard.make(birth, "M" if gender == "男" else "F", sequence=sequence)
    return [name, gender, birth, number, unit, extra.get("post", "副局长"), extra.get("rank", "副科"),
            extra.get("principal", "否"), post_since]


def parse(buffer):
    return importer.parse(buffer, Unit.objects.all())


def test_the_template_has_the_header_the_importer_expects(db):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(importer.template_bytes())).worksheets[0]
    assert [c.value for c in sheet[1]] == [column.header for column in importer.COLUMNS]
    assert parse(io.BytesIO(importer.template_bytes())).file_error.startswith("文件中没有数据行")


def test_a_good_file_creates_new_cadres_and_updates_existing_ones(unit_a, unit_b, staff):
    existing = CadreFactory(unit=unit_b, actor=staff, name="王旧名", birth_date=D(1975, 1, 2), post_since=D(2019, 1, 1))
    plan = parse(xlsx(
        row("李新", D(1980, 5, 6), sequence=11),
        row("赵芳", D(1982, 7, 8), gender="女", sequence=12, unit="县审计局"),
        row("王新名", D(1975, 1, 2), id_number=existing.id_number, unit="UNIT-A", post="局长", rank="正科",
            principal="是", post_since="2024-06-01"),
    ))
    assert plan.ok, plan.errors
    assert (plan.creates, plan.updates) == (2, 1)
    assert importer.apply(plan, actor=staff, filename="名册.xlsx") == (2, 1)
    existing.refresh_from_db()
    assert (existing.name, existing.unit, existing.post_title, existing.is_principal) == ("王新名", unit_a, "局长",
                                                                                         True)
    history = list(existing.positions.order_by("start_date").values_list("unit__code", "start_date", "end_date"))
    assert history == [("UNIT-B", D(2019, 1, 1), D(2024, 5, 31)), ("UNIT-A", D(2024, 6, 1), None)]
    new = Cadre.objects.get(name="李新")
    assert new.positions.get().start_date == D(2021, 3, 1) == new.post_since
    assert Cadre.objects.get(name="赵芳").unit == unit_b
    event = AuditEvent.objects.get(name="cadres.cadre.imported")
    assert event.action == "import" and "新增2人，更新1人" in event.summary
    assert event.changes["created"] == 2 and event.changes["updated"] == 1


@pytest.mark.parametrize("content, message", [
    (b"name,gender\n", "不是有效的 Excel"),
    (b"", "不是有效的 Excel"),
])
def test_files_that_are_not_xlsx_are_refused(db, content, message):
    assert message in parse(io.BytesIO(content)).file_error


def test_an_empty_workbook_is_refused(db):
    assert parse(xlsx(header=None)).file_error == "文件是空的：没有表头，也没有数据"


def test_an_unknown_column_is_ignored_and_shown_as_ignored(unit_a):
    """Issue 20: real rosters carry columns of their own (序号, 电话); they are ignored, and the preview says so."""
    plan = parse(xlsx([*row("甲", D(1980, 1, 1)), "13800000000"], header=[*HEADER, "电话"]))
    assert plan.ok, plan.errors
    assert [(use.letter, use.found) for use in plan.ignored] == [("J", "电话")]
    assert "电话" not in plan.rows[0].data.values()


def test_a_missing_required_column_is_named_with_the_headers_accepted(db):
    header = [h for h in HEADER if h != "身份证号"]
    assert parse(xlsx(header=header)).file_error == (
        "缺少必填列：身份证号（可用列名：身份证号、身份证号码、公民身份号码、公民身份证号码、身份证、身份证件号码）")


REAL_HEADER = ["序号", "姓 名", "性别", "出生年月", "公民身份号码", "工作单位", "现职务", "职务层次", "是否一把手",
               "任现职务时间", "备注"]


def test_the_headers_real_rosters_use_are_mapped_and_shown(unit_a):
    """Issue 20: 工作单位 → 现任单位, 现职务 → 现任职务, 公民身份号码 → 身份证号, 职务层次 (正科级) → 职级; a title row
    above the header is skipped; the mapping is in the plan for the preview, nothing is saved by parse."""
    person = row("钱进", D(1980, 5, 6), rank="正科级")
    plan = parse(xlsx(["某县干部名册（2026年）"], REAL_HEADER, [1, *person, "无"], header=None))
    assert plan.ok, plan.errors
    assert plan.header_row == 2
    mapping = {use.found: (use.column.header if use.column else None) for use in plan.mapping}
    assert mapping == {"序号": None, "姓 名": "姓名", "性别": "性别", "出生年月": "出生日期",
                       "公民身份号码": "身份证号", "工作单位": "现任单位", "现职务": "现任职务", "职务层次": "职级",
                       "是否一把手": "是否一把手",
                       "任现职务时间": "任现职时间", "备注": None}
    data = plan.rows[0].data
    assert (data["unit"], data["post_title"], data["rank"], plan.rows[0].row) == (unit_a, "副局长", "section_chief", 3)
    assert Cadre.objects.count() == 0


@pytest.mark.parametrize("combined", ["工作单位及职务", "现工作单位及职务", "单位职务"])
def test_unit_and_post_in_one_column_is_refused_asking_to_split_it(unit_a, combined):
    header = ["姓名", "性别", "出生日期", "身份证号", combined, "职级"]
    person = row("钱进", D(1980, 5, 6))
    plan = parse(xlsx([*person[:4], "县纪委监委副主任", "副科"], header=header))
    assert plan.file_error.startswith(f"“{combined}”把单位和职务写在一列")
    assert "拆成“单位”和“职务”两列" in plan.file_error
    assert not plan.rows


def test_year_month_typed_as_numbers_keep_their_month(unit_a):
    """Rosters type 出生年月 and 任现职时间 as 1980.10: Excel stores the number 1980.1, which is October, not
    January (a text cell 2021.1 is January as written)."""
    header = [*HEADER, "入党时间"]
    person = row("孙立", D(1980, 10, 6), post_since=2021.1)
    person[2] = 1980.1
    plan = parse(xlsx([*person, 2003.07], header=header))
    assert plan.ok, plan.errors
    data = plan.rows[0].data
    assert (data["birth_date"], data["post_since"], data["party_joined_on"]) == (
        D(1980, 10, 6), D(2021, 10, 1), D(2003, 7, 1))
    as_text = parse(xlsx(row("李平", D(1980, 1, 6), post_since="2021.1")))
    assert as_text.ok, as_text.errors
    assert as_text.rows[0].data["post_since"] == D(2021, 1, 1)


def test_the_preview_shows_the_dates_as_read_and_saves_nothing(client_for, staff, unit_a, settings, tmp_path):
    """The preview lists each row's 出生日期 and 任现职时间 as they will be stored, so a misread date is seen
    before 确认导入; a row without 任现职时间 says it takes the import date."""
    settings.MEDIA_ROOT = str(tmp_path)
    person = row("孙立", D(1980, 10, 6), post_since=2021.1)
    person[2] = 1980.1
    upload = xlsx(person, row("李平", D(1981, 2, 3), sequence=2, post_since=None))
    upload.name = "名册.xlsx"
    response = client_for(staff).post(reverse("cadres:import"), {"file": upload})
    body = response.content.decode()
    assert response.context["plan"].ok
    assert "<td>1980-10-06</td>" in body and "<td>2021-10-01</td>" in body and "导入当日" in body
    assert Cadre.objects.count() == 0


@pytest.mark.parametrize("headers", [("单位", "工作单位"), ("身份证号", "身份证")])
def test_two_columns_for_the_same_field_are_refused_naming_both(db, headers):
    header = [*HEADER, headers[1]] if headers[0] in HEADER else [*HEADER, *headers]
    error = parse(xlsx(header=header)).file_error
    assert error.startswith("表头不正确：") and f"“{headers[1]}”" in error and "请只保留一列" in error


def test_a_sheet_without_a_recognisable_header_is_refused(db):
    assert parse(xlsx(["a", "b", "c"], header=None)).file_error.startswith("未找到表头")


def test_bad_rows_are_all_reported_and_nothing_is_saved(unit_a, staff):
    good = row("好人", D(1980, 1, 1), sequence=1)
    bad_check = row("校验错", D(1980, 1, 1), sequence=2)
    bad_check[3] = bad_check[3][:17] + ("0" if bad_check[3][17] != "0" else "1")
    mismatch = row("生日不符", D(1980, 1, 1), sequence=3)
    mismatch[2] = D(1981, 1, 1)
    unknown_unit = row("单位错", D(1980, 1, 1), sequence=4, unit="不存在的局")
    future = row("未来", D(1980, 1, 1), sequence=5, post_since="2099-01-01")
    duplicate = row("重复", D(1980, 1, 1), sequence=1)
    missing = row("", D(1980, 1, 1), sequence=6)
    bad_rank = row("职级错", D(1980, 1, 1), sequence=7, rank="宇宙级")
    plan = parse(xlsx(good, bad_check, mismatch, unknown_unit, future, duplicate, missing, bad_rank))
    found = {(e.row, e.column): e.message for e in plan.errors}
    assert "校验位错误" in found[(3, "身份证号")]
    assert "与登记的出生日期" in found[(4, "身份证号")]
    assert "不存在" in found[(5, "现任单位")]
    assert "晚于今天" in found[(6, "任现职时间")]
    assert found[(7, "身份证号")] == "与第2行重复"
    assert found[(8, "姓名")] == "必填，不能为空"
    assert "职级“宇宙级”无效" in found[(9, "职级")]
    assert str(plan.errors[0]).startswith("第3行【身份证号】")
    with pytest.raises(importer.ImportFailed):
        importer.apply(plan, actor=staff)
    assert Cadre.objects.count() == 0
    assert not AuditEvent.objects.filter(name="cadres.cadre.imported").exists()


def test_a_cadre_outside_the_importers_scope_is_not_updated(unit_a, other_county, staff, other_county_staff):
    foreign = CadreFactory(unit=other_county, actor=other_county_staff, birth_date=D(1975, 1, 2))
    plan = importer.parse(xlsx(row("冒名", D(1975, 1, 2), id_number=foreign.id_number)), Unit.objects.all(),
                          Cadre.objects.visible_to(staff))
    assert [e.message for e in plan.errors] == ["该身份证号的干部已存在，但不在您的管理范围内"]


def test_the_command_imports_dry_runs_and_fails_cleanly(unit_a, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(row("甲", D(1980, 1, 1), sequence=1), row("乙", D(1981, 1, 1), sequence=2)).getvalue())
    call_command("import_cadres", str(good), "--dry-run")
    assert "将新增2人" in capsys.readouterr().out and Cadre.objects.count() == 0
    call_command("import_cadres", str(good))
    assert Cadre.objects.count() == 2 and PositionHistory.objects.count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx(row("丙", D(1982, 1, 1), sequence=3), row("丁", D(1982, 1, 1), unit="无")).getvalue())
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_cadres", str(bad))
    assert "第3行【现任单位】" in capsys.readouterr().err
    assert Cadre.objects.count() == 2


def test_an_update_goes_through_the_services_and_a_same_date_post_is_corrected(unit_a, unit_b, staff):
    """Issue 17: rows are saved through cadres.services (their audit events); a roster whose 任现职时间 is not later
    than the recorded one corrects the current post instead of inventing a move."""
    existing = CadreFactory(unit=unit_b, actor=staff, name="孙旧", birth_date=D(1975, 1, 2), post_since=D(2024, 6, 1))
    plan = parse(xlsx(row("孙新", D(1975, 1, 2), id_number=existing.id_number, unit="UNIT-B", post="主任",
                          post_since="2024-06-01")))
    assert plan.ok and plan.rows[0].post_changed
    importer.apply(plan, actor=staff)
    existing.refresh_from_db()
    assert (existing.name, existing.post_title) == ("孙新", "主任")
    assert list(existing.positions.values_list("post_title", "start_date", "end_date")) == [("主任", D(2024, 6, 1),
                                                                                            None)]
    names = set(AuditEvent.objects.values_list("name", flat=True))
    assert {"cadres.cadre.updated", "cadres.cadre.post_corrected", "cadres.cadre.imported"} <= names
