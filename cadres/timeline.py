"""The cadres app's own entries on the integrity profile timeline (registered like any other app's)."""

import datetime

from cadres.registry import TimelineEntry, register_timeline, timeline_sources
from core.bundles import run, steps, task, together


@register_timeline
@steps
def own_entries(cadre):
    # One cadre's rows: the default ordering's leading cadre (its unit path and name, two joins) is left out.
    rows = yield {"positions": cadre.positions.select_related("unit").order_by("-start_date"),
                  "measures": cadre.measures.all(), "assessments": cadre.assessments.order_by("-year"),
                  "verifications": cadre.verifications.filter(verified_on__isnull=False)}
    entries = []
    for position in rows["positions"]:
        where = position.unit.display_name if position.unit_id else position.unit_name
        entries.append(TimelineEntry(position.start_date, "任职经历", f"任{where}{position.post_title}"))
    for measure in rows["measures"]:
        detail = measure.reason if not measure.is_void else f"已作废：{measure.void_reason}"
        entries.append(TimelineEntry(measure.date, "监督措施", measure.get_kind_display(), detail,
                                     measure.source_url))
    for assessment in rows["assessments"]:
        entries.append(TimelineEntry(_year_end(assessment.year), "年度考核",
                                     f"{assessment.year}年度考核：{assessment.get_grade_display()}"))
    for verification in rows["verifications"]:
        entries.append(TimelineEntry(verification.verified_on, "个人有关事项查核",
                                     f"{verification.get_method_display()}：{verification.get_result_display()}",
                                     verification.handling))
    return entries


def _year_end(year):
    return datetime.date(year, 12, 31)


def timeline(cadre):
    """Every registered source's entries about the cadre, newest first."""
    return run({"timeline": timeline_steps(cadre)})["timeline"]


def timeline_steps(cadre):
    """`timeline` as steps (core.bundles): the sources' queries go out together."""
    found = yield from together({index: task(source, cadre) for index, source in enumerate(timeline_sources())})
    entries = [entry for index in sorted(found) for entry in found[index]]
    return sorted(entries, key=lambda entry: entry.date, reverse=True)
