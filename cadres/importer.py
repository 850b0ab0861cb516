"""Excel roster import (干部名册导入): parse and check every row first, then save all or nothing.

`parse(fileobj, units, cadres)` returns an ImportPlan: a file-level error, or per-row errors (row number, column,
Chinese message), or the rows to create and update. `apply(plan, actor)` saves a clean plan in one transaction.
Used by `manage.py import_cadres` and by the upload page (preview, then confirm).
"""

import datetime
import zipfile
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from cadres import idcard
from cadres.models import Cadre, CadreStatus, Gender, ManagementLevel, PositionHistory, Rank
from cadres.services import _sync_current_post
from core import audit
from core.excel import workbook_bytes


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    help: str = ""


COLUMNS = [
    Column("姓名", "name", True),
    Column("性别", "gender", True, "男 或 女"),
    Column("民族", "ethnicity", False, "默认 汉族"),
    Column("出生日期", "birth_date", True, "如 1975-05-20"),
    Column("身份证号", "id_number", True, "18位；与出生日期、性别一致；按此匹配已有干部"),
    Column("籍贯", "native_place"),
    Column("入党时间", "party_joined_on", False, "如 1998-07 或 1998-07-01"),
    Column("学历", "education"),
    Column("现任单位", "unit", True, "单位代码、全称或简称"),
    Column("现任职务", "post_title", True),
    Column("职级", "rank", True, "如 正科、副处、一级主任科员"),
    Column("是否一把手", "is_principal", False, "是 或 否"),
    Column("任现职时间", "post_since", False, "如 2021-03；留空则为导入当日"),
    Column("管理层级", "management_level", False, "省管/市管/县管/其他，默认 县管"),
    Column("状态", "status", False, "在职/试用期/改任非领导职务/免职/调离/退休，默认 在职"),
    Column("纳入个人有关事项报告范围", "reports_personal_matters", False, "是 或 否，默认 是"),
]
BY_HEADER = {column.header: column for column in COLUMNS}
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"第{self.row}行" + (f"【{self.column}】" if self.column else "") + f"：{self.message}"


@dataclass
class RowPlan:
    row: int
    data: dict
    cadre: Cadre | None = None  # the existing cadre it updates
    post_changed: bool = False

    @property
    def action(self):
        return "更新" if self.cadre else "新增"


@dataclass
class ImportPlan:
    file_error: str = ""
    errors: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.file_error and not self.errors

    @property
    def creates(self):
        return sum(1 for row in self.rows if row.cadre is None)

    @property
    def updates(self):
        return sum(1 for row in self.rows if row.cadre is not None)


# --- the template ----------------------------------------------------------------------------------------------

def template_bytes():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "干部名册"
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, len(column.header) * 2.4)
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for column in COLUMNS:
        notes.append([column.header, "必填" if column.required else "选填", column.help])
    notes.append([])
    notes.append(["说明", "", "第一行为表头，请勿修改；从第二行起每行一名干部。任何一行有误则整个文件不导入。"])
    return workbook_bytes(workbook)


# --- reading cells ---------------------------------------------------------------------------------------------

def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value):
    """A date from a date cell or text such as 1975-05-20, 1975/5/20, 1975.05.20, 19750520, 1998-07, 1998.7."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value).replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    text = text.strip("-")
    if text.isdigit() and len(text) == 8:
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    elif text.isdigit() and len(text) == 6:
        text = f"{text[:4]}-{text[4:]}"
    parts = text.split("-")
    try:
        if len(parts) == 3:
            return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 2:
            return datetime.date(int(parts[0]), int(parts[1]), 1)
    except ValueError:
        pass
    raise ValueError(f"日期“{_text(value)}”无法识别，请写成如 1975-05-20")


def _choice(value, choices, what):
    text = _text(value)
    for code, label in choices:
        if text in (label, code):
            return code
    raise ValueError(f"{what}“{text}”无效，可填：{'、'.join(label for _, label in choices)}")


def _yes_no(value):
    text = _text(value)
    if text in ("是", "Y", "y", "1", "TRUE", "True", "true"):
        return True
    if text in ("否", "N", "n", "0", "FALSE", "False", "false"):
        return False
    raise ValueError(f"“{text}”无效，请填 是 或 否")


class UnitIndex:
    """Finds a unit by code, full name or short name, among the units the importer may use."""

    def __init__(self, units):
        self.by_key = {}
        self.ambiguous = set()
        for unit in units:
            for key in {unit.code, unit.name, unit.short_name} - {""}:
                if key in self.by_key and self.by_key[key] != unit:
                    self.ambiguous.add(key)
                self.by_key[key] = unit

    def find(self, value):
        text = _text(value)
        if text in self.ambiguous:
            raise ValueError(f"单位“{text}”对应多个单位，请填写单位代码或全称")
        if text not in self.by_key:
            raise ValueError(f"单位“{text}”不存在或不在您的管理范围内")
        return self.by_key[text]


# --- parsing ---------------------------------------------------------------------------------------------------

def _unsafe_workbook(fileobj):
    """Macro workbooks (.xlsm) and zip bombs are refused before openpyxl opens anything."""
    from django.core.exceptions import ValidationError

    from core import uploads

    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    if not data.startswith(b"PK"):
        return ""  # not a zip at all: openpyxl's own message says it is no .xlsx
    try:
        uploads.detect_kind(data)
    except ValidationError as error:
        return "".join(error.messages)
    return ""


def _read_rows(fileobj):
    problem = _unsafe_workbook(fileobj)
    if problem:
        return None, problem
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None, "文件不是有效的 Excel（.xlsx）文件，请使用下载的模板填写后上传"
    sheet = workbook.worksheets[0]
    rows = [(index, list(values)) for index, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    workbook.close()
    rows = [(index, values) for index, values in rows if any(_text(v) for v in values)]
    if not rows:
        return None, "文件是空的：没有表头，也没有数据"
    return rows, ""


def _header(values):
    """{column index: Column} or an error message naming what is wrong with the header row."""
    headers = [_text(value) for value in values]
    unknown = [h for h in headers if h and h not in BY_HEADER]
    if unknown:
        return None, f"表头不正确：无法识别的列“{'”“'.join(unknown)}”，请使用模板的表头"
    seen = [h for h in headers if h]
    duplicated = sorted({h for h in seen if seen.count(h) > 1})
    if duplicated:
        return None, f"表头不正确：列“{'”“'.join(duplicated)}”重复"
    missing = [column.header for column in COLUMNS if column.required and column.header not in seen]
    if missing:
        return None, f"缺少必填列：{'、'.join(missing)}"
    return {index: BY_HEADER[h] for index, h in enumerate(headers) if h}, ""


def _convert(column, raw, units):
    today = timezone.localdate()
    if column.field in ("birth_date", "party_joined_on", "post_since"):
        value = _date(raw)
        if value > today:
            raise ValueError(f"日期{value:%Y-%m-%d}晚于今天")
        return value
    if column.field == "gender":
        return _choice(raw, Gender.choices, "性别")
    if column.field == "rank":
        return _choice(raw, Rank.choices, "职级")
    if column.field == "management_level":
        return _choice(raw, ManagementLevel.choices, "管理层级")
    if column.field == "status":
        return _choice(raw, CadreStatus.choices, "状态")
    if column.field in ("is_principal", "reports_personal_matters"):
        return _yes_no(raw)
    if column.field == "unit":
        return units.find(raw)
    text = _text(raw)
    limit = Cadre._meta.get_field(column.field).max_length
    if limit and len(text) > limit:
        raise ValueError(f"内容过长（最多{limit}个字）")
    return text


def _parse_row(number, values, columns, units, errors):
    data = {}
    for index, column in columns.items():
        raw = values[index] if index < len(values) else None
        if _text(raw) == "":
            if column.required:
                errors.append(RowError(number, column.header, "必填，不能为空"))
            continue
        try:
            data[column.field] = _convert(column, raw, units)
        except ValueError as error:
            errors.append(RowError(number, column.header, str(error)))
    if "id_number" in data:
        try:
            data["id_number"] = idcard.check(data["id_number"], data.get("birth_date"), data.get("gender"))
        except ValueError as error:
            errors.append(RowError(number, "身份证号", str(error)))
            del data["id_number"]
    return data


def parse(fileobj, units, cadres=None):
    """Check a roster file. `units`: the units rows may name; `cadres`: the cadres the importer may update (an
    existing cadre outside it is an error, never a silent update). Saves nothing."""
    plan = ImportPlan()
    rows, plan.file_error = _read_rows(fileobj)
    if plan.file_error:
        return plan
    columns, plan.file_error = _header(rows[0][1])
    if plan.file_error:
        return plan
    body = rows[1:]
    if not body:
        plan.file_error = "文件中没有数据行（第一行为表头，从第二行起填写）"
        return plan
    if len(body) > MAX_ROWS:
        plan.file_error = f"一次最多导入{MAX_ROWS}行，本文件有{len(body)}行"
        return plan
    unit_index = UnitIndex(units)
    first_row_of = {}
    for number, values in body:
        data = _parse_row(number, values, columns, unit_index, plan.errors)
        id_number = data.get("id_number")
        if id_number:
            if id_number in first_row_of:
                plan.errors.append(RowError(number, "身份证号", f"与第{first_row_of[id_number]}行重复"))
                continue
            first_row_of[id_number] = number
        plan.rows.append(RowPlan(number, data))
    _match_existing(plan, cadres)
    return plan


def _match_existing(plan, cadres):
    ids = [row.data["id_number"] for row in plan.rows if "id_number" in row.data]
    existing = {c.id_number: c for c in Cadre.objects.filter(id_number__in=ids).select_related("unit")}
    allowed = None if cadres is None else set(cadres.filter(id_number__in=ids).values_list("pk", flat=True))
    for row in plan.rows:
        cadre = existing.get(row.data.get("id_number"))
        if cadre is None:
            continue
        if allowed is not None and cadre.pk not in allowed:
            plan.errors.append(RowError(row.row, "身份证号", "该身份证号的干部已存在，但不在您的管理范围内"))
            continue
        row.cadre = cadre
        row.post_changed = any(
            field in row.data and row.data[field] != getattr(cadre, field)
            for field in ("unit", "post_title", "rank", "is_principal", "post_since")
        )
    plan.errors.sort(key=lambda error: error.row)


# --- saving ----------------------------------------------------------------------------------------------------

BASIC = ["name", "gender", "ethnicity", "birth_date", "id_number", "native_place", "party_joined_on", "education",
         "management_level", "status", "reports_personal_matters"]


class ImportFailed(Exception):
    pass


def apply(plan, *, actor, request=None, filename=""):
    """Save a clean plan: all rows or none. Returns (created, updated); one audit event with the counts."""
    if not plan.ok:
        raise ImportFailed("文件有错误，未导入任何数据")
    try:
        with transaction.atomic():
            created = updated = 0
            for row in plan.rows:
                if row.cadre is None:
                    _create(row.data)
                    created += 1
                else:
                    _update(row.cadre, row.data, row.post_changed)
                    updated += 1
            audit.record(actor, audit.Action.IMPORT, "cadres.cadre.imported", request=request,
                         summary=f"导入干部名册{('“' + filename + '”') if filename else ''}："
                                 f"新增{created}人，更新{updated}人",
                         changes={"created": created, "updated": updated, "rows": len(plan.rows)})
    except IntegrityError as error:
        raise ImportFailed("保存时发生冲突（可能有人同时录入了相同身份证号的干部），未导入任何数据") from error
    return created, updated


def record_rejected(plan, *, actor, request=None, filename=""):
    """A rejected file is an import attempt too: logged with what was wrong (counts, never cell values)."""
    what = plan.file_error or f"{len(plan.errors)}处错误"
    audit.record(actor, audit.Action.IMPORT, "cadres.cadre.import_rejected", request=request,
                 summary=f"导入干部名册{('“' + filename + '”') if filename else ''}未通过检查：{what}"[:500],
                 changes={"errors": len(plan.errors), "rows": len(plan.rows), "file_error": plan.file_error})


def _create(data):
    today = timezone.localdate()
    basics = {key: data[key] for key in BASIC if key in data}
    cadre = Cadre.objects.create(unit=data["unit"], post_title=data["post_title"], rank=data["rank"],
                                 is_principal=data.get("is_principal", False),
                                 post_since=data.get("post_since", today), **basics)
    PositionHistory.objects.create(cadre=cadre, unit=cadre.unit, post_title=cadre.post_title, rank=cadre.rank,
                                   is_principal=cadre.is_principal, start_date=cadre.post_since)


def _update(cadre, data, post_changed):
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    for key in BASIC:
        if key in data:
            setattr(cadre, key, data[key])
    cadre.save()
    if not post_changed:
        return
    current = cadre.positions.filter(end_date__isnull=True).first()
    start = data.get("post_since") or timezone.localdate()
    post = {"unit": data.get("unit", cadre.unit), "post_title": data.get("post_title", cadre.post_title),
            "rank": data.get("rank", cadre.rank), "is_principal": data.get("is_principal", cadre.is_principal)}
    if current is not None and start <= current.start_date:
        # Same post, corrected: fix the current row rather than invent a move.
        for key, value in post.items():
            setattr(current, key, value)
        current.start_date = start
        current.save()
    else:
        if current is not None:
            current.end_date = start - datetime.timedelta(days=1)
            current.save(update_fields=["end_date"])
        PositionHistory.objects.create(cadre=cadre, start_date=start, **post)
    _sync_current_post(cadre)
