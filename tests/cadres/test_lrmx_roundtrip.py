"""Export a cadre as .lrmx and read it back: the record does not change (the round trip)."""

import datetime
from xml.etree.ElementTree import tostring

from defusedxml import ElementTree

from cadres import services
from cadres.lrmx import importing, parse, tags, write
from cadres.models import AnnualAssessment, AppointmentProfile, Cadre, FamilyMember, MeasureKind, PositionHistory, Rank
from core.models import Unit
from tests.cadres.lrmx_files import full_fields, lrmx_file
from tests.factories import CadreFactory

D = datetime.date


def snapshot(cadre):
    """Everything the import could touch, as plain values."""
    cadre = Cadre.objects.get(pk=cadre.pk)

    def row(obj, skip=("updated_at",)):
        values = {f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skip}
        return {k: bytes(v) if isinstance(v, memoryview) else v for k, v in values.items()}

    profile = AppointmentProfile.objects.filter(cadre=cadre).first()
    return {
        "cadre": row(cadre),
        "positions": [row(p) for p in PositionHistory.objects.filter(cadre=cadre).order_by("id")],
        "assessments": [row(a, skip=()) for a in AnnualAssessment.objects.filter(cadre=cadre).order_by("id")],
        "profile": row(profile) if profile else None,
        "family": [row(m) for m in FamilyMember.objects.filter(cadre=cadre).order_by("id")],
        "measures": list(cadre.measures.values_list("id", flat=True)),
    }


def reimport(data, actor=None, name="导出.lrmx"):
    batch = importing.plan(parse.open_upload(name, data), units=Unit.objects.all(), default_rank=Rank.SECTION_DEPUTY)
    assert batch.ok, [f.error for f in batch.files]
    return batch, importing.apply(batch, actor=actor)


def test_an_imported_full_record_survives_export_and_import_unchanged(unit_b, staff):
    reimport(lrmx_file(full_fields()), actor=staff, name="原件.lrmx")
    cadre = Cadre.objects.get()
    before = snapshot(cadre)
    exported = write.serialize(cadre)
    batch, result = reimport(exported, actor=staff)
    assert batch.files[0].unchanged, [(c.label, c.old, c.new) for c in batch.files[0].changes]
    assert batch.files[0].person.notes and not batch.files[0].person.unknown
    assert result == (0, 0)
    assert snapshot(cadre) == before
    assert write.serialize(cadre) == exported  # and the file is stable


def test_a_record_made_in_the_app_survives_the_round_trip(unit_a, unit_b, staff):
    cadre = CadreFactory(unit=unit_a, actor=staff, name="陈志远", birth_date=D(1978, 10, 21), post_since=D(2015, 4, 17),
                       post_title="党组书记、局长", rank=Rank.SECTION_CHIEF, party_joined_on=D(2001, 6, 28),
                       native_place="浙江金华", education="大学")
    services.change_post(cadre, actor=staff, unit=unit_b, post_title="局长", rank=Rank.SECTION_CHIEF,
                         start_date=D(2021, 9, 13))
    PositionHistory.objects.create(cadre=cadre, unit=None, unit_name="青溪县东山镇", post_title="党委副书记",
                                   start_date=D(2009, 2, 3), end_date=D(2015, 4, 16))
    services.record_assessment(cadre, actor=staff, year=2023, grade="competent", unfit_vote_share=12, note="备注")
    services.record_assessment(cadre, actor=staff, year=2024, grade="excellent")
    services.record_measure(cadre, MeasureKind.ADMONISHMENT, D(2024, 3, 5), "违反规定", actor=staff)
    services.record_measure(cadre, MeasureKind.REMINDER_TALK, D(2025, 1, 5), "提醒", actor=staff)
    before = snapshot(Cadre.objects.get(pk=cadre.pk))
    exported = write.serialize(Cadre.objects.get(pk=cadre.pk))
    text = exported.decode("utf-8")
    assert "2024.03 诫勉" in text and "提醒谈话" not in text  # penalties under 奖惩情况, not reminders
    assert "2009.02--2015.04  青溪县东山镇党委副书记" in text
    batch, result = reimport(exported, actor=staff)
    assert batch.files[0].unchanged, [(c.label, c.old, c.new) for c in batch.files[0].changes]
    assert snapshot(cadre) == before


def test_the_export_is_utf8_xml_with_the_tags_in_the_editors_order_and_a_version(unit_b, staff):
    reimport(lrmx_file(full_fields()), actor=staff)
    data = write.serialize(Cadre.objects.get())
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ElementTree.fromstring(data)
    assert root.tag == "Person"
    assert [child.tag for child in root] == [tag for tag, _ in tags.TAGS]
    assert root.findtext("Version") == tags.LRMX_VERSION
    assert root.findtext("ChuShengNianYue") == "197503" and root.findtext("RuDangShiJian") == "199807"
    assert [item.findtext("XingMing") for item in root.find("JiaTingChengYuan")] == ["王丽", "林浩"]
    assert [child.tag for child in root.find("JiaTingChengYuan")[0]] == [tag for tag, _ in tags.FAMILY_TAGS]


def test_without_the_permissions_the_export_leaves_out_the_id_number_and_the_family(unit_b, staff):
    reimport(lrmx_file(full_fields()), actor=staff)
    root = ElementTree.fromstring(write.serialize(Cadre.objects.get(), include_id=False, include_family=False))
    assert root.findtext("ShenFenZheng") == "" and len(root.find("JiaTingChengYuan")) == 0
    assert root.findtext("XingMing") == "林晓东"


def test_a_changed_export_shows_exactly_the_changes(unit_b, staff):
    reimport(lrmx_file(full_fields()), actor=staff)
    cadre = Cadre.objects.get()
    root = ElementTree.fromstring(write.serialize(cadre))
    root.find("JiGuan").text = "浙江温州"
    root.find("NiRenZhiWu").text = "县财政局局长"
    batch = importing.plan(parse.open_upload("改.lrmx", tostring(root, encoding="utf-8")),
                           units=Unit.objects.all())
    assert [(c.label, c.old, c.new) for c in batch.files[0].changes] == [
        ("籍贯", "浙江青溪", "浙江温州"), ("拟任职务", "县审计局局长", "县财政局局长")]
