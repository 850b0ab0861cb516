"""The cadre list as a background export (core.exports): its rows and its sheet. ID numbers are masked unless the
requester may see them in full."""

from cadres import permissions, snapshots
from cadres.filters import CadreFilter, with_rank_order
from cadres.models import Cadre
from cadres.warnings import without_family
from core.exports import Rows, filtered, register_export
from core.xlsx_table import TableLayout

LAYOUT = TableLayout("干部信息", [
    "姓名", "性别", "民族", "出生日期", "身份证号", "籍贯", "入党时间", "学历", "现任单位", "现任职务", "职级",
    "一把手", "任现职时间", "管理层级", "状态", "预警"],
    widths=[10, 6, 8, 12, 22, 12, 12, 10, 28, 24, 12, 6, 12, 10, 8, 40])


def cadre_rows(cadres, *, full_id, family=False, on_date=None):
    """Rows of the cadre export (a generator); ID numbers masked unless `full_id`, warnings without family details
    unless `family`."""
    warnings = snapshots.warnings_by_cadre(cadres, on_date)
    for cadre in cadres.iterator(chunk_size=500):
        yield [cadre.name, cadre.get_gender_display(), cadre.ethnicity, cadre.birth_date,
               cadre.id_number if full_id else cadre.masked_id_number, cadre.native_place, cadre.party_joined_on,
               cadre.education, cadre.unit.name, cadre.post_title, cadre.get_rank_display(), cadre.is_principal,
               cadre.post_since, cadre.get_management_level_display(), cadre.get_status_display(),
               "；".join(f"{w.label}：{w.reason if family else without_family(w.reason)}"
                        for w in warnings.get(cadre.pk, []))]


def list_queryset(user):
    return with_rank_order(Cadre.objects.visible_to(user).select_related("unit"))


def rows(user, params):
    cadres = filtered(CadreFilter, list_queryset(user), user, params or None)
    return Rows(cadres.count(), cadre_rows(cadres, full_id=permissions.can_view_full_id(user),
                                           family=permissions.can_view_family(user)))


def register():
    register_export("cadres", title="干部信息", may=permissions.can_export, rows=rows, layout=LAYOUT,
                    unit_word="人", back=("cadres:index", "干部信息"),
                    events=("cadres.cadre.exported", "cadres.cadre.export_downloaded"),
                    note="身份证号按导出人的权限脱敏；下载记入审计日志。")
