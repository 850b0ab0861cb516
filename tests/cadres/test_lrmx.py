"""Importing 干部任免审批表 files (.lrmx): parsing, mapping onto the record, batches, the command."""

import base64
import datetime

import pytest
from django.core.management import CommandError, call_command

from cadres.lrmx import importing, parse, tags
from cadres.models import AppointmentProfile, Cadre, FamilyMember, PositionHistory, Rank
from core.audit import AuditEvent
from core.models import Unit
from tests.cadres.lrmx_files import PHOTO, full_fields, id_number, lrmx_file, minimal_fields, zipped
from tests.factories import CadreFactory

D = datetime.date


def plan(*files, default_unit=None, default_rank=Rank.SECTION_DEPUTY, cadres=None, units=None):
    """files: (name, bytes) pairs."""
    sources = [source for name, data in files for source in parse.open_upload(name, data)]
    return importing.plan(sources, units=units if units is not None else Unit.objects.all(), cadres=cadres,
                          default_unit=default_unit, default_rank=default_rank)


def import_files(*files, actor=None, only_good=False, **kwargs):
    batch = plan(*files, **kwargs)
    return batch, importing.apply(batch, actor=actor, only_good=only_good)


# --- values ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("197503", D(1975, 3, 1)), ("1975.03", D(1975, 3, 1)), ("1975.3", D(1975, 3, 1)), ("1975-03", D(1975, 3, 1)),
    ("1975年3月", D(1975, 3, 1)), ("19750312", D(1975, 3, 12)), ("1975.03.12", D(1975, 3, 12)),
    ("１９７５．０３", D(1975, 3, 1)), ("", None), ("  ", None),
])
def test_dates_are_read_in_the_forms_the_editor_and_people_write(text, expected):
    assert tags.parse_date(text) == expected


@pytest.mark.parametrize("text", ["1975.13", "75.03", "1975", "三月", "1975.03.40", "2021.03--"])
def test_unreadable_dates_raise(text):
    with pytest.raises(ValueError):
        tags.parse_date(text)


def test_resume_lines_parse_with_ascii_full_width_and_open_ended_dashes():
    entries, notes = tags.parse_resume("\n".join([
        "1993.09--1997.07  浙江财经学院学习",
        "1997.08—2003.05 青溪县财政局科员",
        "２００３．０５－－２０１１．１２　县财政局股长（兼）",
        "199307--199805 六位年月的写法",
        "  （其间：2005.09--2008.07在职研究生学习）",
        "2011.12——        县审计局副局长",
    ]), today=D(2026, 1, 1))
    assert [(e.start, e.end, e.text) for e in entries] == [
        (D(1993, 9, 1), D(1997, 7, 1), "浙江财经学院学习"),
        (D(1997, 8, 1), D(2003, 5, 1), "青溪县财政局科员"),
        (D(2003, 5, 1), D(2011, 12, 1), "县财政局股长（兼）"),  # the Chinese punctuation is kept
        (D(1993, 7, 1), D(1998, 5, 1), "六位年月的写法"),
        (D(2011, 12, 1), None, "县审计局副局长"),
    ]
    assert [(n.text, n.after) for n in notes] == [("（其间：2005.09--2008.07在职研究生学习）", "1993-07")]


def test_resume_lines_that_do_not_parse_are_kept_with_a_reason():
    entries, notes = tags.parse_resume("\n".join([
        "1993年至1997年在某单位工作",
        "1997.13--1998.01 月份不对",
        "2005.01--2003.01 倒过来的",
        "2001.01--",
        "2009.01-- 兼任某协会会长",
        "2010.01--2015.01 某局局长",
    ]), today=D(2026, 1, 1))
    assert [e.text for e in entries] == ["某局局长"]
    assert [n.reason for n in notes] == ["不是“起止年月 单位及职务”格式", "年月无效", "结束年月早于开始年月",
                                         "缺少单位及职务", "未写结束年月，且不是现任职务"]


@pytest.mark.parametrize("text, expected", [
    ("2022、2023年度考核均为称职，2024年度考核为优秀。", [(2022, "competent"), (2023, "competent"),
                                                       (2024, "excellent")]),
    ("2021年度基本称职；2022年度不称职；2023年度，考核结果为称职", [(2021, "basic"), (2022, "incompetent"),
                                                                (2023, "competent")]),
    ("2024年度考核优秀。", [(2024, "excellent")]),
    ("近三年考核情况良好", []),
])
def test_assessment_text_is_read_into_years_and_grades(text, expected):
    assert tags.parse_assessments(text) == expected


# --- a full record -----------------------------------------------------------------------------------------------

def test_a_full_record_creates_the_cadre_with_everything_on_the_form(unit_b, staff):
    batch, result = import_files(("林晓东.lrmx", lrmx_file(full_fields(DaoLingNianYue="x"))), actor=staff)
    assert result == (1, 0)
    cadre = Cadre.objects.get(name="林晓东")
    assert (cadre.gender, cadre.birth_date, cadre.ethnicity, cadre.native_place) == ("M", D(1975, 3, 12), "汉族",
                                                                                      "浙江青溪")
    assert (cadre.party_joined_on, cadre.education) == (D(1998, 7, 1), "研究生")
    assert (cadre.unit, cadre.post_title, cadre.rank, cadre.post_since) == (unit_b, "副局长", Rank.SECTION_DEPUTY,
                                                                            D(2019, 3, 1))
    positions = list(cadre.positions.order_by("start_date").values_list("start_date", "end_date", "unit__code",
                                                                        "post_title"))
    assert positions == [
        (D(1993, 9, 1), D(1997, 7, 1), None, "浙江财经学院财政系财政学专业学习"),
        (D(1997, 8, 1), D(2003, 5, 1), None, "青溪县财政局科员"),
        (D(2003, 5, 1), D(2011, 12, 1), None, "青溪县财政局预算股副股长、股长"),
        (D(2011, 12, 1), D(2019, 3, 1), "UNIT-B", "办公室主任"),
        (D(2019, 3, 1), None, "UNIT-B", "副局长"),  # the current post: one row, in step with the cadre
    ]
    profile = cadre.appointment_profile
    assert (profile.work_started_on, profile.health, profile.professional_title) == (D(1997, 8, 1), "健康", "经济师")
    assert (profile.fulltime_education, profile.fulltime_degree, profile.fulltime_school) == (
        "大学", "经济学学士", "浙江财经学院财政系财政学专业")
    assert (profile.inservice_education, profile.inservice_degree, profile.inservice_school) == (
        "研究生", "管理学硕士", "浙江大学公共管理学院公共管理专业")
    assert (profile.proposed_post, profile.proposed_removal) == ("县审计局局长", "县审计局副局长")
    assert profile.appointment_reason == "工作需要" and profile.rewards_penalties == "2016年被评为全县优秀共产党员。"
    assert (profile.reporting_unit, profile.filled_by, profile.filled_on) == ("中共青溪县委组织部", "张敏",
                                                                              D(2026, 1, 5))
    assert bytes(profile.photo) == PHOTO and profile.photo_type == "image/jpeg"
    note = "（其间：2005.09--2008.07在浙江大学公共管理学院公共管理专业在职研究生学习，获管理学硕士学位）"
    assert profile.resume_notes == [{"text": note, "after": "2003-05"}]
    assert list(cadre.assessments.order_by("year").values_list("year", "grade")) == [
        (2022, "competent"), (2023, "competent"), (2024, "excellent")]
    assert list(FamilyMember.objects.filter(cadre=cadre).values_list("relation", "name", "birth_month")) == [
        ("妻子", "王丽", D(1978, 6, 1)), ("儿子", "林浩", D(2003, 5, 1))]
    assert batch.files[0].person.unknown == ["DaoLingNianYue"]
    event = AuditEvent.objects.get(name="cadres.cadre.lrmx_imported")
    assert event.action == "import" and event.actor == staff and event.target_id == str(cadre.code)
    assert event.changes["unknown_tags"] == ["DaoLingNianYue"] and event.changes["family_members"] == 2
    assert cadre.id_number not in str(event.changes) + event.summary


def test_a_minimal_record_creates_a_cadre_with_defaults(unit_a):
    batch, result = import_files(("min.lrmx", lrmx_file(minimal_fields())))
    assert result == (1, 0)
    cadre = Cadre.objects.get(name="赵敏")
    assert (cadre.gender, cadre.birth_date, cadre.ethnicity, cadre.unit, cadre.post_title) == (
        "F", D(1980, 11, 2), "汉族", unit_a, "副主任")
    assert cadre.positions.get().end_date is None
    assert not FamilyMember.objects.exists() and cadre.appointment_profile.photo is None


def test_a_new_cadre_needs_a_rank_and_a_unit_it_can_find(unit_a, county):
    batch = plan(("a.lrmx", lrmx_file(minimal_fields())), default_rank="")
    assert "需要职级" in batch.files[0].error and "“a.lrmx”" in batch.files[0].error
    batch = plan(("a.lrmx", lrmx_file(minimal_fields(XianRenZhiWu="某市某局副局长"))))
    assert "找不到系统中" in batch.files[0].error
    batch = plan(("a.lrmx", lrmx_file(minimal_fields(XianRenZhiWu="某市某局副局长"))), default_unit=county)
    assert batch.ok and (batch.files[0].unit, batch.files[0].post_title) == (county, "某市某局副局长")


# --- bad files -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fields, tag", [
    ({"ChuShengNianYue": "1975.13"}, "ChuShengNianYue"),
    ({"RuDangShiJian": "九八年七月"}, "RuDangShiJian"),
    ({"CanJiaGongZuoShiJian": "1997.8.40"}, "CanJiaGongZuoShiJian"),
    ({"TianBiaoShiJian": "明天"}, "TianBiaoShiJian"),
])
def test_a_bad_date_names_the_file_and_the_tag(unit_b, fields, tag):
    batch = plan(("林晓东.lrmx", lrmx_file(full_fields(**fields))))
    error = batch.files[0].error
    assert "“林晓东.lrmx”" in error and tag in error and "无法识别为日期" in error
    assert not batch.good


def test_a_bad_family_birth_date_names_the_item(unit_b):
    family = [{"ChengWei": "父亲", "XingMing": "林某", "ChuShengRiQi": "1950年春"}]
    error = plan(("x.lrmx", lrmx_file(full_fields(JiaTingChengYuan=family)))).files[0].error
    assert "JiaTingChengYuan/Item/ChuShengRiQi" in error and "第1个家庭成员" in error


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.4 not an lrmx", "不是任免审批表文件"),
    ("姓名,性别\n林晓东,男\n".encode(), "不是任免审批表文件"),
    (b"<Person><XingMing>unclosed</Person>", "不是有效的 XML"),
    (b"", "文件为空"),
])
def test_a_file_that_is_not_xml_is_refused_with_its_name(db, data, message):
    error = plan(("坏文件.lrmx", data)).files[0].error
    assert "“坏文件.lrmx”" in error and message in error


def test_another_root_element_is_refused(db):
    error = plan(("x.lrmx", lrmx_file(full_fields(), root="Cadre"))).files[0].error
    assert "“x.lrmx”" in error and "<Cadre>" in error and "<Person>" in error


def test_external_entities_are_refused(db):
    data = (b'<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<Person><XingMing>&x;</XingMing></Person>")
    error = plan(("xxe.lrmx", data)).files[0].error
    assert "“xxe.lrmx”" in error and "实体" in error


@pytest.mark.parametrize("fields, message", [
    ({"ShenFenZheng": None}, "缺少身份证号（ShenFenZheng）"),
    ({"ShenFenZheng": "331100197503120158"}, "校验位错误"),
    ({"ChuShengNianYue": "197504"}, "出生年月（ChuShengNianYue）1975.04与身份证号"),
    ({"XingBie": "女"}, "与身份证号（ShenFenZheng）显示的性别不一致"),
    ({"XingMing": ""}, "缺少姓名（XingMing）"),
])
def test_identity_must_agree_with_the_id_number(unit_b, fields, message):
    error = plan(("x.lrmx", lrmx_file(full_fields(**fields)))).files[0].error
    assert message in error, error
    assert "331100197503120157" not in error  # never the number itself


def test_a_bad_photo_is_left_out_with_a_warning_not_an_error(unit_b):
    batch = plan(("x.lrmx", lrmx_file(full_fields(ZhaoPian=base64.b64encode(b"GIF89a....").decode()))))
    assert batch.ok and batch.files[0].person.photo is None
    assert any("照片" in note for note in batch.files[0].notes)


# --- batches -----------------------------------------------------------------------------------------------------

def test_a_zip_of_several_files_imports_each(unit_a, unit_b):
    other = minimal_fields(XingMing="钱进", XingBie="男", ChuShengNianYue="198201",
                           ShenFenZheng=id_number(D(1982, 1, 20), "M", sequence=11))
    archive = zipped({"一/林晓东.lrmx": lrmx_file(full_fields()), "赵敏.lrmx": lrmx_file(minimal_fields()),
                      "二/钱进.xml": lrmx_file(other), "说明.txt": b"readme", "__MACOSX/._x.lrmx": b"junk"})
    batch, result = import_files(("干部.zip", archive))
    assert [f.name for f in batch.files] == ["干部.zip/一/林晓东.lrmx", "干部.zip/赵敏.lrmx", "干部.zip/二/钱进.xml"]
    assert result == (3, 0)
    assert set(Cadre.objects.values_list("name", flat=True)) == {"林晓东", "赵敏", "钱进"}


def test_a_zip_member_that_is_not_xml_fails_by_its_own_name(unit_a):
    archive = zipped({"好.lrmx": lrmx_file(minimal_fields()), "坏.lrmx": b"\x00\x01binary", "套.zip": zipped({})})
    batch = plan(("包.zip", archive))
    errors = {f.name: f.error for f in batch.bad}
    assert "不是任免审批表文件" in errors["包.zip/坏.lrmx"] and "嵌套" in errors["包.zip/套.zip"]
    assert [f.name for f in batch.good] == ["包.zip/好.lrmx"]


def test_a_zip_bomb_is_refused(db):
    archive = zipped({"big.lrmx": b"<Person>" + b" " * (30 * 1024 * 1024) + b"</Person>"})
    error = plan(("bomb.zip", archive)).files[0].error
    assert "“bomb.zip”" in error and "压缩炸弹" in error


def test_a_form_with_too_many_elements_is_refused_while_parsing(db):
    """Issue 22: an .lrmx is bounded by its element count while defusedxml parses it (a real form has a few
    hundred); the message names the file and the limit."""
    flat = b"<Person>" + b"<X/>" * (parse.MAX_ELEMENTS + 1) + b"</Person>"
    error = plan(("flat.lrmx", flat)).files[0].error
    assert "“flat.lrmx”" in error and f"元素过多（上限{parse.MAX_ELEMENTS}个）" in error


def test_a_form_past_the_size_limit_is_refused_before_it_is_parsed(db, monkeypatch):
    monkeypatch.setattr(parse, "MAX_FILE_BYTES", 1000)
    error = plan(("big.lrmx", lrmx_file(full_fields(JianLi="简历" * 600)))).files[0].error
    assert error == "“big.lrmx”：文件过大（上限1 KB）"


def test_a_zip_member_past_the_size_limit_is_refused_by_its_declared_size(unit_a, monkeypatch):
    monkeypatch.setattr(parse, "MAX_FILE_BYTES", 2000)
    archive = zipped({"好.lrmx": lrmx_file(minimal_fields()), "大.lrmx": lrmx_file(full_fields(JianLi="简" * 2000))})
    batch = plan(("包.zip", archive))
    assert "解压后过大" in {f.name: f.error for f in batch.bad}["包.zip/大.lrmx"]
    assert [f.name for f in batch.good] == ["包.zip/好.lrmx"]


def test_a_stored_upload_past_the_limit_is_refused_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "0"
    path.write_bytes(b"<Person>" + b" " * 5000 + b"</Person>")
    monkeypatch.setattr(parse, "MAX_UPLOAD_BYTES", 4096)
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("read before its size was checked"))
    [source] = parse.open_upload_path("大.lrmx", path)
    assert source.error.startswith("“大.lrmx”：文件过大")


def test_one_bad_file_stops_the_whole_batch(unit_a, unit_b, staff):
    bad = lrmx_file(full_fields(ChuShengNianYue="1975.13"))
    batch = plan(("好.lrmx", lrmx_file(minimal_fields())), ("坏.lrmx", bad))
    assert len(batch.good) == 1 and len(batch.bad) == 1
    with pytest.raises(importing.ImportFailed, match="整批未导入"):
        importing.apply(batch, actor=staff)
    assert not Cadre.objects.exists() and not AuditEvent.objects.filter(name="cadres.cadre.lrmx_imported").exists()


def test_only_good_files_when_the_user_chooses_so(unit_a, unit_b, staff):
    batch, result = import_files(("好.lrmx", lrmx_file(minimal_fields())),
                                 ("坏.lrmx", lrmx_file(full_fields(ChuShengNianYue="1975.13"))), actor=staff,
                                 only_good=True)
    assert result == (1, 0) and list(Cadre.objects.values_list("name", flat=True)) == ["赵敏"]
    rejected = AuditEvent.objects.get(name="cadres.cadre.lrmx_import_rejected")
    assert rejected.changes["files"] == ["坏.lrmx"] and "其余文件已导入" in rejected.summary


def test_the_same_person_twice_in_a_batch_is_an_error(unit_b):
    batch = plan(("a.lrmx", lrmx_file(full_fields())), ("b.lrmx", lrmx_file(full_fields())))
    assert batch.files[1].error == "“b.lrmx”：身份证号与“a.lrmx”相同，同一干部只能导入一个文件"


# --- updating an existing cadre -----------------------------------------------------------------------------------

@pytest.fixture
def existing(unit_b, staff):
    """林小东, already in the system: 县审计局副局长 since 2019-03-15, 大学, native of 浙江丽水."""
    return CadreFactory(actor=staff, unit=unit_b, post_title="副局长", rank=Rank.SECTION_DEPUTY,
                        post_since=D(2019, 3, 15), name="林小东", gender="M", birth_date=D(1975, 3, 12),
                        id_number=id_number(), native_place="浙江丽水", education="大学",
                        party_joined_on=D(1998, 7, 20))


def test_an_existing_cadre_is_matched_by_id_number_and_each_change_is_shown(existing, staff):
    batch = plan(("x.lrmx", lrmx_file(full_fields())))
    file_plan = batch.files[0]
    assert file_plan.cadre == existing and file_plan.action == "更新"
    changes = {c.label: (c.old, c.new) for c in file_plan.changes}
    assert changes["姓名"] == ("林小东", "林晓东")
    assert changes["籍贯"] == ("浙江丽水", "浙江青溪")
    assert changes["学历"] == ("大学", "研究生")
    assert "入党时间" not in changes  # same month: the recorded day is kept
    assert "现任职务" not in changes  # the same post, named with the unit's short name
    assert changes["简历"] == ("—", "新增4段任职经历")
    assert changes["2024年度考核"] == ("—", "优秀")
    assert changes["家庭成员"] == ("0人", "2人") and changes["照片"] == ("无", "新增")
    assert changes["拟任职务"] == ("—", "县审计局局长")
    assert importing.apply(batch, actor=staff) == (0, 1)
    existing.refresh_from_db()
    assert (existing.name, existing.native_place, existing.party_joined_on) == ("林晓东", "浙江青溪", D(1998, 7, 20))
    assert existing.positions.count() == 5
    assert existing.positions.get(end_date__isnull=True).start_date == D(2019, 3, 15)
    update = AuditEvent.objects.get(name="cadres.cadre.updated")
    assert update.changes["name"] == ["林小东", "林晓东"]


def test_a_later_post_in_the_file_is_a_change_of_post_through_the_service(existing, unit_a, staff):
    resume = "2011.12--2019.03 县审计局办公室主任\n2019.03--2025.06 县审计局副局长\n2025.06-- 县纪委监委副书记"
    fields = minimal_fields(**_same_person(), XianRenZhiWu="县纪委监委副书记", JianLi=resume)
    batch = plan(("x.lrmx", lrmx_file(fields)))
    file_plan = batch.files[0]
    assert file_plan.post_action == "change"
    assert {c.label: c.new for c in file_plan.changes}["现任职务"] == "县纪委监委副书记（2025.06起，任职变动）"
    importing.apply(batch, actor=staff)
    existing.refresh_from_db()
    assert (existing.unit, existing.post_title, existing.post_since) == (unit_a, "副书记", D(2025, 6, 1))
    rows = list(existing.positions.order_by("start_date").values_list("start_date", "end_date", "post_title"))
    assert rows == [(D(2011, 12, 1), D(2019, 3, 1), "办公室主任"), (D(2019, 3, 15), D(2025, 5, 31), "副局长"),
                    (D(2025, 6, 1), None, "副书记")]
    assert AuditEvent.objects.filter(name="cadres.cadre.post_changed").count() == 1


def test_an_older_file_does_not_move_the_current_post(existing, staff):
    resume = "2015.01-- 县纪委监委副书记"
    file_plan = plan(("x.lrmx", lrmx_file(minimal_fields(**_same_person(), XianRenZhiWu="县纪委监委副书记",
                                                    JianLi=resume)))).files[0]
    assert file_plan.post_action == "" and any("未修改现任职务" in note for note in file_plan.notes)


def test_an_existing_cadre_out_of_scope_is_an_error_not_a_silent_update(existing, other_county_staff):
    batch = plan(("x.lrmx", lrmx_file(full_fields())), cadres=Cadre.objects.visible_to(other_county_staff))
    assert "不在您的管理范围内" in batch.files[0].error


def test_an_empty_tag_leaves_the_record_alone(existing, staff):
    import_files(("x.lrmx", lrmx_file(full_fields())), actor=staff)
    fields = minimal_fields(**{**_same_person(), "XingMing": "林晓东"}, XianRenZhiWu="县审计局副局长")
    batch = plan(("y.lrmx", lrmx_file(fields)))
    assert batch.files[0].unchanged and batch.updates == 0 and batch.unchanged == 1
    assert FamilyMember.objects.filter(cadre=existing).count() == 2


def _same_person():
    return {"XingMing": "林小东", "XingBie": "男", "ChuShengNianYue": "197503", "ShenFenZheng": id_number()}


# --- the command -------------------------------------------------------------------------------------------------

def test_the_command_imports_files_zips_and_directories(unit_a, unit_b, tmp_path, capsys):
    (tmp_path / "林晓东.lrmx").write_bytes(lrmx_file(full_fields()))
    (tmp_path / "more.zip").write_bytes(zipped({"赵敏.lrmx": lrmx_file(minimal_fields())}))
    call_command("import_lrmx", str(tmp_path), "--rank", "副科", "--dry-run")
    assert "可新增2人" in capsys.readouterr().out and not Cadre.objects.exists()
    call_command("import_lrmx", str(tmp_path), "--rank", "副科")
    assert Cadre.objects.count() == 2 and PositionHistory.objects.filter(end_date__isnull=True).count() == 2
    call_command("import_lrmx", str(tmp_path / "林晓东.lrmx"))
    assert "无变化" in capsys.readouterr().out


def test_the_command_refuses_a_bad_batch_and_logs_it(unit_a, tmp_path):
    (tmp_path / "a.lrmx").write_bytes(lrmx_file(minimal_fields()))
    (tmp_path / "b.lrmx").write_bytes(b"not xml")
    with pytest.raises(CommandError, match="整批未导入"):
        call_command("import_lrmx", str(tmp_path), "--rank", "副科")
    assert not Cadre.objects.exists()
    assert AuditEvent.objects.get(name="cadres.cadre.lrmx_import_rejected").changes["files"] == ["b.lrmx"]
    call_command("import_lrmx", str(tmp_path), "--rank", "副科", "--only-good")
    assert Cadre.objects.count() == 1
    assert AppointmentProfile.objects.count() == 1
