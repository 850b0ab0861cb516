"""Importing 干部任免审批表 files (.lrmx): compare each file with the record, then save the batch.

`plan(sources, units=..., cadres=...)` parses every file (cadres.lrmx.parse), compares it with the record: a BatchPlan
with, per file, an error or the changes (old → new), the new positions, the résumé lines kept as text, the unknown
tags. It saves nothing. `apply(batch, actor=...)` saves it in one transaction: all files or none, unless
`only_good`. The cadre and its current post change only through cadres.services (one truth for the current post).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from cadres import services
from cadres.lrmx.parse import MAX_FILES, Person, fail, parse_person
from cadres.lrmx.tags import (
    CADRE_TEXT,
    DAY_DATES,
    EDUCATION_TAGS,
    LABELS,
    PROFILE_TEXT,
    LrmxError,
    UnitMatcher,
    measure_lines,
    month_text,
    same_month,
    stored_rewards,
)
from cadres.lrmx.write import family_key, family_rows, profile_of, record_values
from cadres.models import AppointmentProfile, AssessmentGrade, Cadre, FamilyMember, Gender, PositionHistory, Rank
from core import audit
from core.concurrency import LATEST
from core.refusals import Refused


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class FilePlan:
    name: str
    error: str = ""
    person: Person | None = None
    cadre: Cadre | None = None  # the existing cadre it updates; None = a new cadre
    unit: object = None
    rank: str = ""
    post_title: str = ""
    post_action: str = ""  # "create", "change" (任职变动), "correct" (same post, corrected) or ""
    post_start: datetime.date | None = None
    basics: dict = field(default_factory=dict)
    profile: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)
    new_positions: list = field(default_factory=list)  # (ResumeEntry, unit, post_title)
    assessments: list = field(default_factory=list)  # (year, grade, previous AnnualAssessment or None)
    family_changed: bool = False
    photo_changed: bool = False
    notes: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.error

    @property
    def action(self):
        return "" if self.error else ("更新" if self.cadre else "新增")

    @property
    def rank_label(self):
        return Rank(self.rank).label if self.rank else ""

    @property
    def unchanged(self):
        return self.ok and self.cadre is not None and not self.changes


@dataclass
class BatchPlan:
    files: list = field(default_factory=list)

    @property
    def ok(self):
        return bool(self.files) and all(plan.ok for plan in self.files)

    @property
    def good(self):
        return [plan for plan in self.files if plan.ok]

    @property
    def bad(self):
        return [plan for plan in self.files if not plan.ok]

    @property
    def creates(self):
        return sum(1 for plan in self.good if plan.cadre is None)

    @property
    def updates(self):
        return sum(1 for plan in self.good if plan.cadre is not None and not plan.unchanged)

    @property
    def unchanged(self):
        return sum(1 for plan in self.good if plan.unchanged)


def _show(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return month_text(value, ".")
    return str(value)


def plan(sources, *, units, cadres=None, default_unit=None, default_rank="", today=None):
    """Check every file against the record; saves nothing. `units`: the units the user may use; `cadres`: the
    cadres the user may update (an existing cadre outside it is an error, never a silent update)."""
    batch = BatchPlan()
    if len(sources) > MAX_FILES:
        batch.files.append(FilePlan("（整批）", error=f"一次最多导入{MAX_FILES}个文件，本次有{len(sources)}个"))
        return batch
    matcher = UnitMatcher(list(units))
    people, first_of = [], {}
    for source in sources:
        if source.error:
            batch.files.append(FilePlan(source.name, error=source.error))
            continue
        try:
            person = parse_person(source.name, source.data, today)
        except LrmxError as error:
            batch.files.append(FilePlan(source.name, error=str(error)))
            continue
        if person.id_number in first_of:
            batch.files.append(FilePlan(source.name, error=f"“{source.name}”：身份证号与“{first_of[person.id_number]}”"
                                                          "相同，同一干部只能导入一个文件"))
            continue
        first_of[person.id_number] = source.name
        people.append(person)
        batch.files.append(FilePlan(source.name, person=person))
    existing = {c.id_number: c for c in Cadre.objects.filter(id_number__in=list(first_of)).select_related("unit")}
    allowed = None if cadres is None else set(cadres.filter(id_number__in=list(first_of)).values_list("pk", flat=True))
    for file_plan in batch.files:
        if file_plan.person is None:
            continue
        cadre = existing.get(file_plan.person.id_number)
        if cadre is not None and allowed is not None and cadre.pk not in allowed:
            file_plan.error = f"“{file_plan.name}”：该身份证号的干部已在系统中，但不在您的管理范围内"
            continue
        try:
            _plan_file(file_plan, cadre, matcher, default_unit, default_rank)
        except LrmxError as error:
            file_plan.error = str(error)
    return batch


def _plan_file(file_plan, cadre, matcher, default_unit, default_rank):
    person = file_plan.person
    file_plan.cadre = cadre
    profile = profile_of(cadre) if cadre else None
    current = record_values(cadre, profile) if cadre else {}
    _plan_basics(file_plan, cadre, current)
    _plan_profile(file_plan, profile, current)
    _plan_post(file_plan, cadre, matcher, default_unit, default_rank, current)
    _plan_resume(file_plan, cadre, matcher, profile)
    _plan_assessments(file_plan, cadre)
    _plan_family_photo(file_plan, cadre, profile)
    file_plan.notes += person.warnings


def _plan_basics(file_plan, cadre, current):
    person = file_plan.person
    wanted = {"name": person.name, "gender": person.gender, "birth_date": person.birth_date,
              "id_number": person.id_number}
    for tag in ("MinZu", "JiGuan"):
        if tag in person.values:
            wanted[CADRE_TEXT[tag]] = person.values[tag]
    if "RuDangShiJian" in person.values:
        wanted["party_joined_on"] = person.values["RuDangShiJian"]
    education_changed = any(tag in person.values and person.values[tag] != current.get(tag)
                            for tag in ("QuanRiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueLi"))
    if cadre is None or education_changed:
        education = person.values.get("ZaiZhiJiaoYu_XueLi") or person.values.get("QuanRiZhiJiaoYu_XueLi")
        if education:
            wanted["education"] = education[:Cadre._meta.get_field("education").max_length]
    if cadre is None:
        wanted.setdefault("ethnicity", "汉族")
        file_plan.basics = wanted
        return
    labels = {"name": "姓名", "gender": "性别", "birth_date": "出生日期", "ethnicity": "民族", "native_place": "籍贯",
              "party_joined_on": "入党时间", "education": "学历"}
    for key, value in wanted.items():
        old = getattr(cadre, key)
        if key == "id_number" or old == value or (key == "party_joined_on" and same_month(old, value)):
            continue
        file_plan.basics[key] = value
        shown = {"gender": lambda v: Gender(v).label, "birth_date": lambda v: f"{v:%Y-%m-%d}"}.get(key, _show)
        file_plan.changes.append(Change(labels[key], shown(old) if old else "—", shown(value)))


def _plan_profile(file_plan, profile, current):
    person = file_plan.person
    changed = [tag for tag in PROFILE_TEXT if tag in person.values and person.values[tag] != current.get(tag, "")]
    if any(tag in EDUCATION_TAGS for tag in changed):
        # Education is written as a whole, so that the record does not fall back on Cadre.education for a part.
        for tag in EDUCATION_TAGS:
            file_plan.profile[PROFILE_TEXT[tag]] = person.values.get(tag, current.get(tag, ""))
    for tag in changed:
        file_plan.profile[PROFILE_TEXT[tag]] = person.values[tag]
        if file_plan.cadre is not None:
            file_plan.changes.append(Change(LABELS[tag], _show(current.get(tag)), person.values[tag]))
    for tag, (_, attr) in {**DAY_DATES, "CanJiaGongZuoShiJian": ("profile", "work_started_on")}.items():
        if tag not in person.values:
            continue
        old, new = current.get(tag), person.values[tag]
        equal = (old == new) if tag in DAY_DATES else same_month(old, new)
        if not equal:
            file_plan.profile[attr] = new
            if file_plan.cadre is not None:
                file_plan.changes.append(Change(LABELS[tag], _show(old), _show(new)))
    old_text = profile.assessment_text if profile else ""
    if person.assessment_text and person.assessment_text != old_text:
        file_plan.profile["assessment_text"] = person.assessment_text
        if file_plan.cadre is not None:
            file_plan.changes.append(Change("年度考核结果（文字）", _show(old_text), person.assessment_text))
    if person.version:
        file_plan.profile["source_version"] = person.version


def _plan_post(file_plan, cadre, matcher, default_unit, default_rank, current):
    person = file_plan.person
    open_entry = next((entry for entry in person.resume or [] if entry.end is None), None)
    text = person.current_post or (open_entry.text if open_entry else "")
    if cadre is None:
        if not text:
            fail(file_plan.name, "缺少现任职务（XianRenZhiWu），无法新增干部")
        unit, title = matcher.split(text)
        if unit is None:
            if default_unit is None:
                fail(file_plan.name, f"现任职务“{text}”中找不到系统中（您管理范围内）的单位名称，"
                                      "请在上传时选择“新增干部的单位”")
            unit, title = default_unit, text
        if not default_rank:
            fail(file_plan.name, "新增干部需要职级（任免审批表中没有职级），请在上传时选择“新增干部的职级”")
        file_plan.unit, file_plan.post_title, file_plan.rank = unit, title, default_rank
        file_plan.post_action = "create"
        file_plan.post_start = open_entry.start if open_entry else None
        return
    unit, title = matcher.split(text, prefer=cadre.unit) if text else (cadre.unit, cadre.post_title)
    if unit is None:
        unit, title = default_unit or cadre.unit, text
    # The same post, perhaps named another way (e.g. with the unit's short name): only the start may differ.
    if text == current["XianRenZhiWu"] or (unit, title) == (cadre.unit, cadre.post_title):
        if open_entry and not same_month(open_entry.start, cadre.post_since):
            file_plan.notes.append(f"简历中现任职务的起始年月（{open_entry.start:%Y.%m}）与系统记录的任现职时间"
                                   f"（{_show(cadre.post_since)}）不同，未修改，请核实")
        return
    start = open_entry.start if open_entry else None
    file_plan.unit, file_plan.post_title = unit, title
    change = Change("现任职务", current["XianRenZhiWu"], text)
    if start is not None and (cadre.post_since is None
                              or (start > cadre.post_since and not same_month(start, cadre.post_since))):
        file_plan.post_action, file_plan.post_start = "change", start
        change.new += f"（{start:%Y.%m}起，任职变动）"
        file_plan.notes.append("新职务的职级沿用原职级、不记为一把手，请在导入后核实")
    elif start is not None and same_month(start, cadre.post_since):
        file_plan.post_action = "correct"
        change.new += "（同一职务，更正名称）"
    else:
        file_plan.notes.append(f"现任职务与系统记录不同（系统：{current['XianRenZhiWu']}；文件：{text}），"
                               "文件中没有晚于系统记录的任职时间，未修改现任职务；如有变动请办理任职变动")
        return
    file_plan.changes.append(change)


def _plan_resume(file_plan, cadre, matcher, profile):
    person = file_plan.person
    if person.resume is None:
        return
    months = Counter()
    if cadre is not None:
        months.update(f"{start:%Y-%m}" for start in cadre.positions.values_list("start_date", flat=True))
    for entry in person.resume:
        key = f"{entry.start:%Y-%m}"
        if months[key]:
            months[key] -= 1
            continue
        if entry.end is None:
            continue  # the current post: handled by _plan_post
        unit, title = matcher.split(entry.text)
        file_plan.new_positions.append((entry, unit, title if unit else entry.text))
    notes = [note.as_json() for note in person.notes]
    old_notes = (profile.resume_notes if profile else None) or []
    if notes != old_notes:
        file_plan.profile["resume_notes"] = notes
    if file_plan.new_positions and cadre is not None:
        file_plan.changes.append(Change("简历", "—", f"新增{len(file_plan.new_positions)}段任职经历"))
    if notes != old_notes and cadre is not None and (notes or old_notes):
        file_plan.changes.append(Change("简历中未能识别的行", f"{len(old_notes)}行", f"{len(notes)}行"))


def _plan_assessments(file_plan, cadre):
    person = file_plan.person
    if person.assessments is None:
        return
    labels = dict(AssessmentGrade.choices)
    existing = {a.year: a for a in cadre.assessments.all()} if cadre else {}
    for year, grade in person.assessments:
        previous = existing.get(year)
        if previous is not None and previous.grade == grade:
            continue
        file_plan.assessments.append((year, grade, previous))
        if cadre is not None:
            file_plan.changes.append(Change(f"{year}年度考核", previous.get_grade_display() if previous else "—",
                                            labels[grade]))


def _family_id_numbers(cadre):
    """{(name, birth month): ID number} entered on the profile (the form carries none): a new form replaces the
    family members, and the same person keeps the number."""
    return {(name, month): number for name, month, number in cadre.family_members.exclude(id_number="")
            .values_list("name", "birth_month", "id_number")}


def _plan_family_photo(file_plan, cadre, profile):
    person = file_plan.person
    lines = measure_lines(cadre) if cadre else []
    if person.rewards is not None:
        stored = stored_rewards(person.rewards, lines)
        old = profile.rewards_penalties if profile else ""
        if stored != old:
            file_plan.profile["rewards_penalties"] = stored
            if cadre is not None:
                file_plan.changes.append(Change("奖惩情况", _show(old), _show(stored)))
    if person.family is not None:
        old_rows = family_rows(cadre) if cadre else []
        if family_key(person.family) != family_key(old_rows):
            file_plan.family_changed = True
            if cadre is not None:
                file_plan.changes.append(Change("家庭成员", f"{len(old_rows)}人", f"{len(person.family)}人"))
    if person.photo is not None:
        old = bytes(profile.photo) if profile and profile.photo else b""
        if person.photo[0] != old:
            file_plan.photo_changed = True
            if cadre is not None:
                file_plan.changes.append(Change("照片", "有" if old else "无", "更换" if old else "新增"))


# --- saving ------------------------------------------------------------------------------------------------------

class ImportFailed(Refused):
    """The batch is refused (a refusal like any other): nothing was saved."""


def apply(batch, *, actor, request=None, only_good=False):
    """Save the plan: every file, or none if any failed — unless `only_good`, which saves the good ones. Returns
    (created, updated) cadres. One audit event per file saved, one for the files left out."""
    if not batch.good:
        raise ImportFailed("没有可以导入的文件")
    if batch.bad and not only_good:
        raise ImportFailed(f"有{len(batch.bad)}个文件未通过检查，整批未导入；"
                           "可修改后重新上传，或选择“只导入无误的文件”")
    created = updated = 0
    try:
        with transaction.atomic():
            for file_plan in batch.good:
                if file_plan.unchanged:
                    continue
                _apply_file(file_plan, actor, request)
                if file_plan.cadre is None:
                    created += 1
                else:
                    updated += 1
            if batch.bad:
                record_rejected(batch, actor=actor, request=request, outcome="未导入（其余文件已导入）")
    except (ValidationError, ValueError, DatabaseError) as error:
        message = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
        raise ImportFailed(f"保存时出错，整批未导入：{message}") from error
    return created, updated


def record_rejected(batch, *, actor, request=None, outcome="未通过检查"):
    """Files that failed the checks are import attempts too: logged with their names and the messages."""
    audit.record(actor, audit.Action.IMPORT, "cadres.cadre.lrmx_import_rejected", request=request,
                 summary=f"导入任免审批表：{len(batch.bad)}个文件{outcome}"[:500],
                 changes={"files": [plan.name for plan in batch.bad], "errors": [plan.error for plan in batch.bad],
                          "good": len(batch.good)})


def _apply_file(file_plan, actor, request):
    person = file_plan.person
    if file_plan.cadre is None:
        cadre = services.create_cadre(actor=actor, request=request, unit=file_plan.unit,
                                      post_title=file_plan.post_title, rank=file_plan.rank,
                                      post_since=file_plan.post_start, **file_plan.basics)
    else:
        cadre = file_plan.cadre
        if file_plan.basics:
            # the file is the newer record: it updates whatever version the cadre has now
            cadre = services.update_cadre(cadre, actor=actor, request=request, version=LATEST, **file_plan.basics)
    for entry, unit, title in file_plan.new_positions:
        PositionHistory.objects.create(cadre=cadre, unit=unit, post_title=title, start_date=entry.start,
                                       end_date=entry.end)
    if file_plan.post_action == "change":
        previous = cadre.positions.get(end_date__isnull=True)
        cadre = services.change_post(cadre, actor=actor, request=request, unit=file_plan.unit,
                                     post_title=file_plan.post_title, rank=cadre.rank,
                                     start_date=file_plan.post_start)
        _end_before_later_positions(previous, file_plan.new_positions)
    elif file_plan.post_action == "correct":
        services.correct_current_post(cadre, actor=actor, request=request, source="导入任免审批表",
                                      unit=file_plan.unit, post_title=file_plan.post_title)
    _save_profile(cadre, file_plan)
    for year, grade, previous in file_plan.assessments:
        services.record_assessment(cadre, actor=actor, request=request, year=year, grade=grade,
                                   unfit_vote_share=previous.unfit_vote_share if previous else None,
                                   note=previous.note if previous else "")
    if file_plan.family_changed:
        known = _family_id_numbers(cadre)
        cadre.family_members.all().delete()
        FamilyMember.objects.bulk_create(
            FamilyMember(cadre=cadre, order=index, id_number=known.get((row["name"], row["birth_month"]), ""), **row)
            for index, row in enumerate(person.family))
    verb = "更新" if file_plan.cadre else "新增"
    audit.record(actor, audit.Action.IMPORT, "cadres.cadre.lrmx_imported", cadre, request=request,
                 summary=f"导入任免审批表“{file_plan.name}”：{verb}干部{cadre.name}"[:500],
                 changes={"file": file_plan.name, "action": verb,
                          "fields": {c.label: [c.old, c.new] for c in file_plan.changes if c.label != "家庭成员"},
                          "family_members": len(person.family) if file_plan.family_changed else None,
                          "new_positions": len(file_plan.new_positions), "resume_notes": len(person.notes),
                          "unknown_tags": person.unknown})
    return cadre


def _end_before_later_positions(previous, new_positions):
    """The post that was current ended when the first later post of the résumé began, not only at the new post."""
    later = [entry.start for entry, _, _ in new_positions if entry.start > previous.start_date]
    if later:
        previous.refresh_from_db()
        end = min(later) - datetime.timedelta(days=1)
        if previous.start_date <= end < previous.end_date:
            previous.end_date = end
            previous.save(update_fields=["end_date"])


def _save_profile(cadre, file_plan):
    values = dict(file_plan.profile)
    if file_plan.photo_changed:
        values["photo"], values["photo_type"] = file_plan.person.photo
    profile = AppointmentProfile.objects.filter(cadre=cadre).first()
    if profile is None:
        AppointmentProfile.objects.create(cadre=cadre, **values)
    elif values:
        for key, value in values.items():
            setattr(profile, key, value)
        profile.save()
