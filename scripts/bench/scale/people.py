"""Cadres with position histories, annual assessments, personal-matters reports, verifications and measures."""

import datetime

from django.apps import apps

from cadres.idcard import check_character
from scripts.bench.scale import names
from scripts.bench.scale.loader import Table, max_id

RANKS_PRINCIPAL = {
    "county": "division_chief",
    "department": "section_chief",
    "township": "section_chief",
    "city": "bureau_deputy",
    "root": "bureau_chief",
}
RANKS_DEPUTY = {
    "county": "division_deputy",
    "department": "section_deputy",
    "township": "section_deputy",
    "city": "division_chief",
    "root": "bureau_deputy",
}
NON_LEADING = ["researcher_3", "researcher_4", "principal_staff_1", "principal_staff_2", "principal_staff_3"]


class People:
    def __init__(self, org, rng, today, log):
        self.org, self.rng, self.today, self.log = org, rng, today, log
        self.cadres = []  # (id, unit_id, name, post_title, rank, is_principal, gender)
        self.by_unit = {}
        self.principals = {}  # unit id → cadre id

    def name(self):
        rng = self.rng
        given = rng.choice(names.GIVEN) + (rng.choice(names.GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(names.SURNAMES) + given

    def build(self, count):
        org, rng, today = self.org, self.rng, self.today
        Cadre = apps.get_model("cadres", "Cadre")
        PositionHistory = apps.get_model("cadres", "PositionHistory")
        cadres, positions = Table(Cadre, rng), Table(PositionHistory, rng)
        units = [u for u in org.units]
        # Weight: county departments and townships carry most cadres; committees a few more.
        weights = [{"county": 12, "department": 4, "township": 5, "city": 14, "root": 20}[u[6]] for u in units]
        total = sum(weights)
        cadre_id, pos_id = max_id(Cadre) + 1, max_id(PositionHistory) + 1
        seen_ids = set()
        region_base = 110000 + (int("".join(ch for ch in org.tag if ch.isdigit()) or 0) % 80) * 1000
        with cadres.copy() as write_cadre, positions.copy() as write_position:
            for index, unit in enumerate(units):
                share = max(1, round(count * weights[index] / total))
                uid, level = unit[0], unit[6]
                county_units = org.county_units[org.county_of[uid]]
                for k in range(share):
                    principal = k == 0
                    gender = "M" if rng.random() < 0.78 else "F"
                    birth = datetime.date(1962 + rng.randrange(34), rng.randrange(1, 13), rng.randrange(1, 29))
                    rank = (RANKS_PRINCIPAL if principal else RANKS_DEPUTY)[level]
                    if k > 4:
                        rank = rng.choice(NON_LEADING)
                    kind = "committee" if level in ("county", "city", "root") else level
                    post = names.PRINCIPAL_POSTS[kind] if principal else rng.choice(names.DEPUTY_POSTS[kind])
                    if k > 4:
                        post = "四级调研员" if rank == "researcher_4" else "干部"
                    name = self.name()
                    region = region_base + org.counties.index(org.county_of[uid]) % 1000
                    seq = rng.randrange(500)
                    while True:
                        first17 = f"{region}{birth:%Y%m%d}{(seq * 2 + (gender == 'M')) % 1000:03d}"
                        if first17 not in seen_ids:
                            break
                        seq += 1
                    seen_ids.add(first17)
                    since = today - datetime.timedelta(days=rng.randrange(30, 365 * 11))
                    status = "serving"
                    roll = rng.random()
                    if roll < 0.03:
                        status = "probation"
                        since = today - datetime.timedelta(days=rng.randrange(30, 360))
                    elif roll < 0.05:
                        status = "retired"
                    elif roll < 0.06:
                        status = "transferred"
                    write_cadre(
                        {
                            "id": cadre_id,
                            "code": cadres.uuid(),
                            "name": name,
                            "gender": gender,
                            "ethnicity": rng.choice(names.ETHNICITIES),
                            "birth_date": birth,
                            "id_number": first17 + check_character(first17),
                            "native_place": rng.choice(names.PLACES),
                            "party_joined_on": birth.replace(year=birth.year + 22 + rng.randrange(8)),
                            "education": rng.choice(names.EDUCATION),
                            "unit_id": uid,
                            "post_title": post,
                            "rank": rank,
                            "is_principal": principal,
                            "post_since": since,
                            "management_level": "county" if level in ("department", "township") else "city",
                            "status": status,
                            "reports_personal_matters": k <= 4,
                            "user_id": None,
                        }
                    )
                    # Position history: the current post and one to four earlier ones.
                    start = since
                    write_position(
                        {
                            "id": pos_id,
                            "cadre_id": cadre_id,
                            "unit_id": uid,
                            "unit_name": "",
                            "post_title": post,
                            "rank": rank,
                            "is_principal": principal,
                            "start_date": since,
                            "end_date": None,
                        }
                    )
                    pos_id += 1
                    for _ in range(rng.randrange(1, 5)):
                        end = start - datetime.timedelta(days=1)
                        start = end - datetime.timedelta(days=rng.randrange(400, 2200))
                        if start.year < birth.year + 22:
                            break
                        write_position(
                            {
                                "id": pos_id,
                                "cadre_id": cadre_id,
                                "unit_id": rng.choice(county_units),
                                "unit_name": "",
                                "post_title": rng.choice(["副局长", "科长", "副科长", "主任", "副镇长", "办公室主任"]),
                                "rank": "section_deputy",
                                "is_principal": False,
                                "start_date": start,
                                "end_date": end,
                            }
                        )
                        pos_id += 1
                    record = (cadre_id, uid, name, post, rank, principal, gender)
                    self.cadres.append(record)
                    self.by_unit.setdefault(uid, []).append(record)
                    if principal:
                        self.principals[uid] = cadre_id
                    cadre_id += 1
        self.log(f"干部 {cadres.count}，任职经历 {positions.count}")
        return [cadres, positions]

    def build_records(self):
        """Assessments (two years), this year's personal-matters reports, verifications, measures."""
        org, rng, today = self.org, self.rng, self.today
        get = apps.get_model
        assessments = Table(get("cadres", "AnnualAssessment"), rng)
        reports = Table(get("cadres", "PersonalMattersReport"), rng)
        verifications = Table(get("cadres", "Verification"), rng)
        measures = Table(get("cadres", "SupervisionMeasure"), rng)
        ids = {t: max_id(t.model) + 1 for t in (assessments, reports, verifications, measures)}
        kinds = (
            ["reminder_talk"] * 5
            + ["inquiry"] * 3
            + ["admonishment"] * 2
            + ["criticism", "ordered_review", "post_adjustment", "removal"]
        )
        with (
            assessments.copy() as write_a,
            reports.copy() as write_r,
            verifications.copy() as write_v,
            measures.copy() as write_m,
        ):
            for cadre_id, uid, _name, _post, _rank, _principal, _gender in self.cadres:
                handler = org.handler_for(uid, cadre_id)
                for year in (today.year - 2, today.year - 1):
                    roll = rng.random()
                    grade = (
                        "excellent"
                        if roll < 0.18
                        else "competent"
                        if roll < 0.97
                        else "basic"
                        if roll < 0.995
                        else "incompetent"
                    )
                    write_a(
                        {
                            "id": ids[assessments],
                            "cadre_id": cadre_id,
                            "year": year,
                            "grade": grade,
                            "unfit_vote_share": round(rng.random() * (40 if grade == "incompetent" else 8), 2),
                            "note": "",
                            "created_by_id": handler,
                        }
                    )
                    ids[assessments] += 1
                if _rank in RANKS_DEPUTY.values() or _rank in RANKS_PRINCIPAL.values():
                    if rng.random() < 0.9:
                        report_id = ids[reports]
                        write_r(
                            {
                                "id": report_id,
                                "cadre_id": cadre_id,
                                "year": today.year,
                                "kind": "annual",
                                "submitted_on": datetime.date(today.year, 1, rng.randrange(5, 31)),
                                "note": "",
                                "created_by_id": handler,
                            }
                        )
                        ids[reports] += 1
                        if rng.random() < 0.1:
                            result = rng.choice(["consistent"] * 8 + ["omission", "concealment"])
                            done = rng.random() < 0.7
                            write_v(
                                {
                                    "id": ids[verifications],
                                    "cadre_id": cadre_id,
                                    "year": today.year,
                                    "method": "random",
                                    "reason": "",
                                    "draw_id": None,
                                    "report_id": report_id,
                                    "result": result if done else "",
                                    "verified_on": datetime.date(today.year, 3, 1) if done else None,
                                    "handling": "",
                                    "measure_id": None,
                                    "created_by_id": handler,
                                }
                            )
                            ids[verifications] += 1
                if rng.random() < 0.08:
                    kind = rng.choice(kinds)
                    day = today - datetime.timedelta(days=rng.randrange(1, 1800))
                    values = {
                        "id": ids[measures],
                        "code": measures.uuid(),
                        "cadre_id": cadre_id,
                        "kind": kind,
                        "date": day,
                        "reason": "信访举报反映问题经核实，按规定处理",
                        "source_channel": "other",
                        "source_type": "",
                        "source_code": "",
                        "source_label": "",
                        "source_url": "",
                        "created_by_id": handler,
                        "voided_at": None,
                    }
                    if kind == "inquiry":
                        values.update(
                            delivered_on=day,
                            reply_due=day + datetime.timedelta(days=21),
                            replied_on=None
                            if day > today - datetime.timedelta(days=40)
                            else day + datetime.timedelta(days=12),
                            reply="" if day > today - datetime.timedelta(days=40) else "已书面说明情况",
                        )
                    write_m(values)
                    ids[measures] += 1
        self.log(
            f"年度考核 {assessments.count}，个人事项报告 {reports.count}，查核 {verifications.count}，"
            f"监督措施 {measures.count}"
        )
        return [assessments, reports, verifications, measures]
