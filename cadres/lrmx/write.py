"""What the form shows for a cadre (`record_values`), written as an .lrmx file or as the printable form."""

import base64
import datetime
import re
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from cadres.lrmx.tags import (
    CADRE_TEXT,
    DAY_DATES,
    EDUCATION_TAGS,
    FAMILY_TAGS,
    LRMX_VERSION,
    PROFILE_TEXT,
    ROOT,
    TAGS,
    assessments_text,
    measure_lines,
    month_text,
    post_text,
    rewards_text,
)
from cadres.models import (
    AppointmentProfile,
)

# --- what the form shows for a cadre ----------------------------------------------------------------------------

def profile_of(cadre):
    return AppointmentProfile.objects.filter(cadre=cadre).first()


def resume_lines(cadre, profile):
    """简历 as lines: the positions in order, the résumé lines kept as text in the place they stood."""
    notes = list((profile.resume_notes if profile else None) or [])
    lines = [note["text"] for note in notes if not note.get("after")]
    rows = cadre.positions.select_related("unit").order_by("start_date", "id")
    placed = set()
    for row in rows:
        end = f"{row.end_date:%Y.%m}" if row.end_date else " " * 7
        lines.append(f"{row.start_date:%Y.%m}--{end}  {post_text(row.unit, row.post_title, row.unit_name)}")
        key = f"{row.start_date:%Y-%m}"
        if key not in placed:
            placed.add(key)
            lines += [note["text"] for note in notes if note.get("after") == key]
    lines += [note["text"] for note in notes if note.get("after") and note["after"] not in placed]
    return lines


def recorded_assessments(cadre):
    return list(cadre.assessments.order_by("year").values_list("year", "grade"))


def record_values(cadre, profile=None, *, measures=None):
    """{tag: value} of the form for this cadre: text, or a date for the date tags."""
    profile = profile if profile is not None else profile_of(cadre)
    values = {tag: getattr(cadre, attr) for tag, attr in CADRE_TEXT.items()}
    values["XingBie"] = cadre.get_gender_display()
    values["ChuShengNianYue"] = cadre.birth_date
    values["RuDangShiJian"] = cadre.party_joined_on
    for tag, attr in PROFILE_TEXT.items():
        values[tag] = getattr(profile, attr) if profile else ""
    if not any(values[tag] for tag in EDUCATION_TAGS):
        values["QuanRiZhiJiaoYu_XueLi"] = cadre.education
    for tag, (_, attr) in {**DAY_DATES, "CanJiaGongZuoShiJian": ("profile", "work_started_on")}.items():
        values[tag] = getattr(profile, attr) if profile else None
    values["XianRenZhiWu"] = post_text(cadre.unit, cadre.post_title)
    values["JianLi"] = "\n".join(resume_lines(cadre, profile))
    assessments = recorded_assessments(cadre)
    values["NianDuKaoHeJieGuo"] = assessments_text(assessments) or (profile.assessment_text if profile else "")
    lines = measure_lines(cadre) if measures is None else measures
    values["JiangChengQingKuang"] = rewards_text(profile.rewards_penalties if profile else "", lines)
    values["ShenFenZheng"] = cadre.id_number
    photo = bytes(profile.photo) if profile and profile.photo else b""
    values["ZhaoPian"] = base64.b64encode(photo).decode("ascii") if photo else ""
    values["Version"] = LRMX_VERSION
    return values


def family_rows(cadre):
    return [{"relation": m.relation, "name": m.name, "birth_month": m.birth_month,
             "political_status": m.political_status, "work_unit_and_post": m.work_unit_and_post}
            for m in cadre.family_members.all()]


def family_key(rows):
    return [(r["relation"], r["name"], month_text(r["birth_month"]), r["political_status"], r["work_unit_and_post"])
            for r in rows]


# --- writing ---------------------------------------------------------------------------------------------------

def _format(tag, value):
    if isinstance(value, datetime.date):
        return f"{value:%Y%m%d}" if tag in DAY_DATES else month_text(value)
    return value or ""


def serialize(cadre, *, include_id=True, include_family=True):
    """The cadre as an .lrmx file (UTF-8 XML bytes). Without `include_id` the ID number is left empty; without
    `include_family` the family members are (for users without the permission)."""
    values = record_values(cadre)
    root = Element(ROOT)
    for tag, _ in TAGS:
        element = SubElement(root, tag)
        if tag == "JiaTingChengYuan":
            for row in family_rows(cadre) if include_family else []:
                item = SubElement(element, "Item")
                for child, value in zip([t for t, _ in FAMILY_TAGS], row.values(), strict=True):
                    SubElement(item, child).text = _format(child, value)
        elif tag == "ShenFenZheng" and not include_id:
            element.text = ""
        else:
            element.text = _format(tag, values[tag])
    indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def filename(cadre):
    return f"{cadre.name}.lrmx"


# --- the printable form --------------------------------------------------------------------------------------

FAMILY_ROWS = 7  # the form's family table has at least this many rows


def _age(birth, on_date):
    if birth is None:
        return None
    return on_date.year - birth.year - ((on_date.month, on_date.day) < (birth.month, birth.day))


_PERIOD = re.compile(r"^(\d{4}\.\d{2}--(?:\d{4}\.\d{2})?)\s*(.*)$")


def _resume_row(line):
    """(period, text) for a position line, so the form can hang the text beside the period; ("", line) else."""
    match = _PERIOD.match(line)
    return (match.group(1), match.group(2)) if match else ("", line.strip())


def form_context(cadre, *, with_family, today):
    """Everything the printable 干部任免审批表 shows, from the same values the export writes."""
    profile = profile_of(cadre)
    values = record_values(cadre, profile)
    on_date = (profile.age_reference_date if profile and profile.age_reference_date else None) or today
    family = []
    if with_family:
        for row in family_rows(cadre):
            family.append({**row, "age": _age(row["birth_month"], on_date)})
    resume = [_resume_row(line) for line in values["JianLi"].split("\n")] if values["JianLi"] else []
    return {
        "values": values,
        "profile": profile,
        "has_photo": bool(profile and profile.photo),
        "age": _age(cadre.birth_date, on_date),
        "resume": resume,
        "resume_density": "denser" if len(resume) > 32 else ("dense" if len(resume) > 22 else ""),
        "rewards": values["JiangChengQingKuang"].split("\n"),
        "family": family,
        "family_blank_rows": range(max(0, FAMILY_ROWS - len(family))),
        "family_span": max(FAMILY_ROWS, len(family)) + 1,
    }
