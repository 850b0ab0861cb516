"""Excel roster import (干部名册导入): parse and check every row first, then save all or nothing.

`parse(fileobj, units, cadres)` returns an ImportPlan: a file-level error, or per-row errors (row number, column,
Chinese message), or the rows to create and update. `apply(plan, actor)` saves a clean plan in one transaction.
Used by `manage.py import_cadres` and by the upload page (preview, then confirm).
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cadres import idcard, services
from cadres.models import Cadre, CadreStatus, Gender, ManagementLevel, Rank
from core import audit, xlsx_upload
from core.concurrency import LATEST
from core.excel import workbook_bytes
from core.refusals import Refused, not_future


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    help: str = ""
    aliases: tuple = ()  # the headers real rosters use for it (the template's header is always accepted)


COLUMNS = [
    Column("姓名", "name", True),
    Column("性别", "gender", True, "男 或 女"),
    Column("民族", "ethnicity", False, "默认 汉族"),
    Column("出生日期", "birth_date", True, "如 1975-05-20", ("出生年月", "出生年月日", "出生时间")),
    Column("身份证号", "id_number", True, "18位；与出生日期、性别一致；按此匹配已有干部",
           ("身份证号码", "公民身份号码", "公民身份证号码", "身份证", "身份证件号码")),
    Column("籍贯", "native_place"),
    Column("入党时间", "party_joined_on", False, "如 1998-07 或 1998-07-01", ("入党年月", "入党日期")),
    Column("学历", "education", aliases=("最高学历", "全日制学历")),
    Column("现任单位", "unit", True, "单位代码、全称或简称",
           ("单位", "工作单位", "所在单位", "单位名称", "现工作单位")),
    Column("现任职务", "post_title", True, aliases=("职务", "现职务", "现任职务名称", "职务名称")),
    Column("职级", "rank", True, "如 正科、副处、一级主任科员", ("现职级", "职务层次", "职务职级", "职级层次")),
    Column("是否一把手", "is_principal", False, "是 或 否", ("一把手", "是否主要负责人", "是否党政正职")),
    Column("任现职时间", "post_since", False, "如 2021-03；留空则为导入当日",
           ("任现职务时间", "任现职年月", "现职时间", "任职时间")),
    Column("管理层级", "management_level", False, "省管/市管/县管/其他，默认 县管", ("管理类别", "干部管理层级")),
    Column("状态", "status", False, "在职/试用期/改任非领导职务/免职/调离/退休，默认 在职",
           ("在职状态", "人员状态")),
    Column("纳入个人有关事项报告范围", "reports_personal_matters", False, "是 或 否，默认 是",
           ("是否报告个人有关事项",)),
]
BY_HEADER = {name: column for column in COLUMNS for name in (column.header, *column.aliases)}
BOUNDS = xlsx_upload.Bounds()
MAX_ROWS = BOUNDS.max_rows


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

    @property
    def rank_label(self):
        return Rank(self.data["rank"]).label if self.data.get("rank") else ""


@dataclass(frozen=True)
class ColumnUse:
    """Where one column of the file goes: shown in the preview before anything is saved."""

    index: int
    found: str  # the header as written in the file
    column: Column | None  # None: not recognised, ignored

    @property
    def letter(self):
        return get_column_letter(self.index + 1)


@dataclass
class ImportPlan:
    file_error: str = ""
    errors: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    header_row: int = 0
    mapping: list = field(default_factory=list)  # [ColumnUse]

    @property
    def ignored(self):
        return [use for use in self.mapping if use.column is None]

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


def _date_text(value):
    """1975年5月20日, 1975/5/20, 1975.05.20, 19750520 → 1975-05-20; 1998.7, 199807 → 1998-07."""
    if isinstance(value, float) and not value.is_integer() and 1900 < value < 2200:
        # a number cell: rosters type 2008.10 for October 2008, which Excel keeps as 2008.1 (not January)
        value = f"{value:.2f}"
    text = _text(value).replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    text = text.strip("-")
    if text.isdigit() and len(text) == 8:
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if text.isdigit() and len(text) == 6:
        return f"{text[:4]}-{text[4:]}"
    return text


def _month_only(value):
    return not isinstance(value, datetime.date) and len(_date_text(value).split("-")) == 2


def _birth_day_from_id(data):
    """Rosters write 出生年月 (1975.05): the ID number gives the day when the year and month agree."""
    try:
        encoded, _ = idcard.parse(data["id_number"])
    except ValueError:
        return
    if (encoded.year, encoded.month) == (data["birth_date"].year, data["birth_date"].month):
        data["birth_date"] = encoded


def _date(value):
    """A date from a date cell or text such as 1975-05-20, 1975/5/20, 1975.05.20, 19750520, 1998-07, 1998.7."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    parts = _date_text(value).split("-")
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

def _header_text(value):
    """A header cell as rosters write it: spaces and line breaks inside, a required-mark *, a note in brackets."""
    text = re.sub(r"\s+", "", _text(value)).strip("*＊")
    return re.sub(r"[（(][^）)]*[）)]$", "", text)


def _find_header(rows):
    """The header row: the first of the first rows where at least three columns are recognised (a title row or
    two above it are skipped)."""
    for position, (_number, values) in enumerate(rows[:BOUNDS.header_rows]):
        if sum(1 for value in values if _header_text(value) in BY_HEADER) >= 3:
            return position
    return None


def _mapping(values):
    """[ColumnUse] for every non-empty header cell: the column it fills, or None (ignored)."""
    uses = []
    for index, value in enumerate(values):
        text = _header_text(value)
        if text:
            uses.append(ColumnUse(index, _text(value), BY_HEADER.get(text)))
    return uses


def _is_unit_and_post(header):
    """工作单位及职务, 单位职务, 现工作单位及职务: rosters often write both in one cell (县财政局副局长)."""
    text = _header_text(header)
    return "单位" in text and "职务" in text


def _header_error(uses):
    by_column = {}
    for use in uses:
        if use.column is not None:
            by_column.setdefault(use.column.header, []).append(use.found)
    duplicated = [f"“{'”和“'.join(found)}”都对应【{header}】" for header, found in by_column.items() if len(found) > 1]
    if duplicated:
        return f"表头不正确：{'；'.join(duplicated)}，请只保留一列"
    missing = [column for column in COLUMNS if column.required and column.header not in by_column]
    combined = [use.found for use in uses if use.column is None and _is_unit_and_post(use.found)]
    if combined and {"现任单位", "现任职务"} & {column.header for column in missing}:
        return (f"“{combined[0]}”把单位和职务写在一列，无法分开导入：请拆成“单位”和“职务”两列"
                f"（如“县财政局”和“副局长”）后重新上传")
    if missing:
        return "缺少必填列：" + "；".join(f"{c.header}（可用列名：{'、'.join((c.header, *c.aliases))}）"
                                        for c in missing)
    return ""


def parse(fileobj, units, cadres=None):
    """Check a roster file. `units`: the units rows may name; `cadres`: the cadres the importer may update (an
    existing cadre outside it is an error, never a silent update). Saves nothing. The file is read within
    BOUNDS (core.xlsx_upload): a file past a limit is refused with a message naming it, before it is read whole."""
    plan = ImportPlan()
    try:
        rows = xlsx_upload.read_first_sheet(fileobj, BOUNDS)
    except xlsx_upload.SheetRefused as refusal:
        plan.file_error = str(refusal)
        return plan
    if not rows:
        plan.file_error = "文件是空的：没有表头，也没有数据"
        return plan
    position = _find_header(rows)
    if position is None:
        plan.file_error = ("未找到表头：前几行中没有可识别的列名（如 姓名、身份证号、单位、职务），"
                           "请使用模板的表头")
        return plan
    plan.header_row = rows[position][0]
    plan.mapping = _mapping(rows[position][1])
    plan.file_error = _header_error(plan.mapping)
    if plan.file_error:
        return plan
    columns = {use.index: use.column for use in plan.mapping if use.column is not None}
    body = rows[position + 1:]
    if not body:
        plan.file_error = "文件中没有数据行（表头之下逐行填写）"
        return plan
    if len(body) > MAX_ROWS:
        plan.file_error = f"一次最多导入{MAX_ROWS}行，本文件有{len(body)}行"
        return plan
    _parse_body(plan, body, columns, UnitIndex(units))
    _match_existing(plan, cadres)
    return plan


def _parse_body(plan, body, columns, unit_index):
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


def _convert(column, raw, units):
    if column.field in ("birth_date", "party_joined_on", "post_since"):
        value = _date(raw)
        return not_future(value, f"日期{value:%Y-%m-%d}")
    if column.field == "gender":
        return _choice(raw, Gender.choices, "性别")
    if column.field == "rank":
        text = _text(raw)  # rosters write 职务层次 as 正科级, 副处级
        labels = {label for _, label in Rank.choices}
        return _choice(text[:-1] if text not in labels and text[:-1] in labels else text, Rank.choices, "职级")
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
    birth_column = next((index for index, column in columns.items() if column.field == "birth_date"), None)
    if "birth_date" in data and "id_number" in data and _month_only(values[birth_column]):
        _birth_day_from_id(data)
    if "id_number" in data:
        try:
            data["id_number"] = idcard.check(data["id_number"], data.get("birth_date"), data.get("gender"))
        except ValueError as error:
            errors.append(RowError(number, "身份证号", str(error)))
            del data["id_number"]
    return data


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

class ImportFailed(Refused):
    """The file is refused as a whole (a refusal like any other): nothing was saved."""


def apply(plan, *, actor, request=None, filename=""):
    """Save a clean plan: all rows or none. Returns (created, updated); one audit event with the counts."""
    if not plan.ok:
        raise ImportFailed("文件有错误，未导入任何数据")
    try:
        with transaction.atomic():
            created = updated = 0
            for row in plan.rows:
                _save_row(row, actor, request)
                if row.cadre is None:
                    created += 1
                else:
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


def _save_row(row, actor, request):
    """One row through cadres.services (the same rules and audit events as a form); a refusal names the row and
    rolls the whole file back."""
    try:
        if row.cadre is None:
            _create(row.data, actor, request)
        else:
            _update(row.cadre, row.data, row.post_changed, actor, request)
    except ValidationError as error:
        raise ImportFailed(f"第{row.row}行：{'；'.join(error.messages)}。未导入任何数据") from error
    except ValueError as error:
        raise ImportFailed(f"第{row.row}行：{error}。未导入任何数据") from error


def _basics(data):
    return {key: data[key] for key in services.BASIC_FIELDS if key in data}


def _create(data, actor, request):
    services.create_cadre(actor=actor, request=request, unit=data["unit"], post_title=data["post_title"],
                          rank=data["rank"], is_principal=data.get("is_principal", False),
                          post_since=data.get("post_since"), **_basics(data))


def _update(cadre, data, post_changed, actor, request):
    basics = _basics(data)
    if basics:
        # The roster is the source: it overwrites what is stored, and says so in the audit log (no form version).
        cadre = services.update_cadre(cadre, actor=actor, request=request, version=LATEST, **basics)
    if not post_changed:
        return
    start = data.get("post_since") or timezone.localdate()
    post = {"unit": data.get("unit", cadre.unit), "post_title": data.get("post_title", cadre.post_title),
            "rank": data.get("rank", cadre.rank), "is_principal": data.get("is_principal", cadre.is_principal)}
    current = cadre.positions.filter(end_date__isnull=True).first()
    if current is not None and start <= current.start_date:
        # Same post, corrected (the roster's 任现职时间 is not later than the recorded one): no move invented.
        services.correct_current_post(cadre, actor=actor, request=request, source="导入名册", start_date=start, **post)
    else:
        services.change_post(cadre, actor=actor, request=request, start_date=start, **post)


