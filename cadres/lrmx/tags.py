"""The .lrmx form's vocabulary: its tags and limits, and its values as text (dates, the résumé, assessments, 奖惩,
the current post), read and written the same way."""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

from cadres.models import (
    AssessmentGrade,
    MeasureKind,
    PositionHistory,
)

ROOT = "Person"
# The editor writes its version in the file; readers check it. We write the one our files follow.
LRMX_VERSION = "3.2.1.16"

# The tags in the order the editor writes them, with the form's Chinese labels.
TAGS = [
    ("XingMing", "姓名"), ("XingBie", "性别"), ("ChuShengNianYue", "出生年月"), ("MinZu", "民族"), ("JiGuan", "籍贯"),
    ("ChuShengDi", "出生地"), ("RuDangShiJian", "入党时间"), ("CanJiaGongZuoShiJian", "参加工作时间"),
    ("JianKangZhuangKuang", "健康状况"), ("ZhuanYeJiShuZhiWu", "专业技术职务"),
    ("ShuXiZhuanYeYouHeZhuanChang", "熟悉专业有何专长"),
    ("QuanRiZhiJiaoYu_XueLi", "全日制教育学历"), ("QuanRiZhiJiaoYu_XueWei", "全日制教育学位"),
    ("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "全日制教育毕业院校系及专业"),
    ("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "全日制教育学位授予院校系及专业"),
    ("ZaiZhiJiaoYu_XueLi", "在职教育学历"), ("ZaiZhiJiaoYu_XueWei", "在职教育学位"),
    ("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "在职教育毕业院校系及专业"),
    ("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "在职教育学位授予院校系及专业"),
    ("XianRenZhiWu", "现任职务"), ("NiRenZhiWu", "拟任职务"), ("NiMianZhiWu", "拟免职务"), ("JianLi", "简历"),
    ("JiangChengQingKuang", "奖惩情况"), ("NianDuKaoHeJieGuo", "年度考核结果"), ("RenMianLiYou", "任免理由"),
    ("JiaTingChengYuan", "家庭成员"), ("ChengBaoDanWei", "呈报单位"), ("JiSuanNianLingShiJian", "计算年龄时间"),
    ("TianBiaoShiJian", "填表时间"), ("TianBiaoRen", "填表人"), ("ShenFenZheng", "身份证号"), ("ZhaoPian", "照片"),
    ("Version", "版本"),
]
LABELS = dict(TAGS)
FAMILY_TAGS = [("ChengWei", "称谓"), ("XingMing", "姓名"), ("ChuShengRiQi", "出生日期"),
               ("ZhengZhiMianMao", "政治面貌"), ("GongZuoDanWeiJiZhiWu", "工作单位及职务")]
# Some exporters split school and major: read them into the combined 毕业院校系及专业.
ALIASES = {f"{track}_{part}": track for track in ("QuanRiZhiJiaoYu", "ZaiZhiJiaoYu")
           for part in ("BiYeYuanXiao", "ZhuanYe")}

CADRE_TEXT = {"XingMing": "name", "MinZu": "ethnicity", "JiGuan": "native_place"}
PROFILE_TEXT = {
    "ChuShengDi": "birthplace", "JianKangZhuangKuang": "health", "ZhuanYeJiShuZhiWu": "professional_title",
    "ShuXiZhuanYeYouHeZhuanChang": "specialty",
    "QuanRiZhiJiaoYu_XueLi": "fulltime_education", "QuanRiZhiJiaoYu_XueWei": "fulltime_degree",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "fulltime_school",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "fulltime_degree_school",
    "ZaiZhiJiaoYu_XueLi": "inservice_education", "ZaiZhiJiaoYu_XueWei": "inservice_degree",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "inservice_school",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "inservice_degree_school",
    "NiRenZhiWu": "proposed_post", "NiMianZhiWu": "proposed_removal", "RenMianLiYou": "appointment_reason",
    "ChengBaoDanWei": "reporting_unit", "TianBiaoRen": "filled_by",
}
EDUCATION_TAGS = [tag for tag in PROFILE_TEXT if tag.startswith(("QuanRiZhi", "ZaiZhi"))]
# Dates: "month" tags are read and compared to the month (written YYYYMM), "day" tags to the day (YYYYMMDD).
MONTH_DATES = {"ChuShengNianYue": None, "RuDangShiJian": ("cadre", "party_joined_on"),
               "CanJiaGongZuoShiJian": ("profile", "work_started_on")}
DAY_DATES = {"JiSuanNianLingShiJian": ("profile", "age_reference_date"), "TianBiaoShiJian": ("profile", "filled_on")}
SPECIAL = {"XingBie", "XianRenZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "JiaTingChengYuan",
           "ShenFenZheng", "ZhaoPian", "Version"}
KNOWN = set(LABELS) | set(ALIASES)

GRADE_WORDS = [("不确定等次", AssessmentGrade.NOT_GRADED), ("基本称职", AssessmentGrade.BASIC),
               ("不称职", AssessmentGrade.INCOMPETENT), ("优秀", AssessmentGrade.EXCELLENT),
               ("称职", AssessmentGrade.COMPETENT)]
# Measures that are penalties or organizational handling, printed under 奖惩情况 (not 提醒谈话/函询).
PENALTY_KINDS = [kind for kind in MeasureKind.values if kind not in (MeasureKind.REMINDER_TALK, MeasureKind.INQUIRY)]


class LrmxError(ValueError):
    """A file that cannot be imported; the message (Chinese) names the file and the tag."""


# --- reading values ----------------------------------------------------------------------------------------------

# Full-width ASCII (０-９，．，－ …) and the ideographic space to half width, one character for one, so that a match
# on the translated text has the same offsets in the original (whose Chinese punctuation is kept).
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _half(text):
    return text.translate(_HALF_WIDTH)


def normalize(text):
    """Line ends unified, ends trimmed."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_date(text):
    """A date from 197503, 1975.03, 1975.3, 1975-03, 1975年3月, 19750312, 1975.03.12 (a month → its 1st day);
    None when empty. Raises ValueError when it cannot be read."""
    value = re.sub(r"\s+", "", _half(normalize(text))).removesuffix("日").removesuffix("月")
    if not value:
        return None
    if value.isdigit() and len(value) in (6, 8):
        parts = [value[:4], value[4:6]] + ([value[6:]] if len(value) == 8 else [])
    else:
        parts = re.split(r"[.\-/年月]", value)
        if not 2 <= len(parts) <= 3 or not all(part.isdigit() for part in parts) or len(parts[0]) != 4:
            raise ValueError(value)
    year, month, day = int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) == 3 else 1
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(value) from None


def same_month(a, b):
    return (a is None and b is None) or (a is not None and b is not None and (a.year, a.month) == (b.year, b.month))


def month_text(day, sep=""):
    return f"{day.year:04d}{sep}{day.month:02d}" if day else ""


# --- the résumé ----------------------------------------------------------------------------------------------

_YM = r"(?P<{0}y>\d{{4}})(?:\.(?P<{0}m>\d{{1,2}})|(?P<{0}m6>\d{{2}}))"
_RESUME_LINE = re.compile(
    rf"^{_YM.format('s')}\s*(?:[-—–―~〜]+|至)\s*(?:{_YM.format('e')}|(?P<now>至今|今))?\s*(?P<text>.*)$")


@dataclass
class ResumeEntry:
    start: datetime.date
    end: datetime.date | None
    text: str
    line: str


@dataclass
class ResumeNote:
    """A résumé line kept as text: it did not parse, or parsed into something that is not a position."""

    text: str
    after: str = ""  # "YYYY-MM": the start month of the position line it followed ("" = before the first)
    reason: str = ""

    def as_json(self):
        return {"text": self.text, "after": self.after}


def _entry_date(match, prefix):
    year = match.group(f"{prefix}y")
    month = match.group(f"{prefix}m") or match.group(f"{prefix}m6")
    return datetime.date(int(year), int(month), 1)


def parse_resume(text, today=None):
    """(entries, notes): one entry per line "YYYY.MM--YYYY.MM 单位及职务" (also "YYYY.MM—" open-ended, full-width
    dashes, 6-digit months); every other non-empty line is a note kept where it stood."""
    today = today or timezone.localdate()
    entries, notes = [], []
    after = ""
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        match = _RESUME_LINE.match(_half(line))
        reason = "不是“起止年月 单位及职务”格式"
        if match:
            try:
                start = _entry_date(match, "s")
                end = _entry_date(match, "e") if match.group("ey") else None
            except ValueError:
                reason = "年月无效"
            else:
                body = line[match.start("text"):].strip()
                if not body:
                    reason = "缺少单位及职务"
                elif end is not None and end < start:
                    reason = "结束年月早于开始年月"
                elif start > today or (end is not None and end > today):
                    reason = "年月晚于今天"
                elif len(body) > PositionHistory._meta.get_field("post_title").max_length:
                    reason = "单位及职务过长"
                else:
                    entries.append(ResumeEntry(start, end, body, line))
                    after = month_text(start, "-")
                    continue
        notes.append(ResumeNote(raw.strip(), after, reason))
    # Only the latest open-ended line is the current post; other open lines (兼任 …) stay as text where they were.
    open_entries = [entry for entry in entries if entry.end is None]
    if open_entries:
        current = max(open_entries, key=lambda entry: entry.start)
        if any(entry.start > current.start for entry in entries):
            current = None
        for entry in open_entries:
            if entry is not current:
                entries.remove(entry)
                notes.append(ResumeNote(entry.line, month_text(entry.start, "-"), "未写结束年月，且不是现任职务"))
    return entries, notes


# --- assessments and 奖惩 -----------------------------------------------------------------------------------------

def parse_assessments(text):
    """[(year, grade)] from text such as "2021、2022年度考核均为称职，2023年度考核为优秀。"; a grade applies to
    the years named since the previous grade."""
    found, pending = {}, []
    for segment in re.split(r"[;。,\n]", _half(normalize(text))):
        pending += [int(year) for year in re.findall(r"(?<!\d)(\d{4})(?!\d)", segment)]
        grade = next((code for word, code in GRADE_WORDS if word in segment), None)
        if grade and pending:
            for year in pending:
                found[year] = grade
            pending = []
    return sorted(found.items())


def assessments_text(assessments):
    labels = dict(AssessmentGrade.choices)
    return "；".join(f"{year}年度考核{labels[grade]}" for year, grade in assessments) + ("。" if assessments else "")


def measure_lines(cadre):
    measures = cadre.measures.filter(kind__in=PENALTY_KINDS, voided_at__isnull=True).order_by("date", "id")
    return [f"{measure.date:%Y.%m} {measure.get_kind_display()}" for measure in measures]


def rewards_text(stored, lines):
    """What the form shows under 奖惩情况: the text as filled in, then the recorded measures not already in it."""
    extra = [line for line in lines if line not in stored.split("\n")]
    return "\n".join([part for part in [stored, *extra] if part]) or "无"


def stored_rewards(text, lines):
    """The inverse of rewards_text on import: drop the lines that the measures of the record produce."""
    kept = [line for line in normalize(text).split("\n") if line.strip() and line.strip() not in lines]
    return "\n".join(kept) if kept != ["无"] else ""


# --- the current post and units ---------------------------------------------------------------------------------

def post_text(unit, post_title, unit_name=""):
    """单位及职务 as the form writes it: the unit's name before the post unless the post already names it."""
    name = unit.name if unit is not None else unit_name
    if not name or name in post_title or (unit is not None and unit.short_name and unit.short_name in post_title):
        return post_title
    return f"{name}{post_title}"


class UnitMatcher:
    """Finds the unit a 单位及职务 text names: the longest unit name (or short name) in it; the post is the rest."""

    def __init__(self, units):
        self.names = sorted(((key, unit) for unit in units for key in {unit.name, unit.short_name} if key),
                            key=lambda item: -len(item[0]))

    def split(self, text, prefer=None):
        if prefer is not None:
            for key in (prefer.name, prefer.short_name):
                if key and key in text:
                    return prefer, self._rest(text, key)
        for key, unit in self.names:
            if key in text:
                return unit, self._rest(text, key)
        return None, text

    @staticmethod
    def _rest(text, key):
        rest = text[text.index(key) + len(key):].lstrip("、，, ")
        return rest or text
