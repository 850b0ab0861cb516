"""Petition cases (信访举报件) with encrypted informant identities, their handling and events."""

import contextlib
import datetime

from django.apps import apps

from core import workdays
from petitions import crypto, deadlines
from petitions.models import Petition as PetitionModel
from petitions.services import CASE_NUMBER_SERIES
from scripts.bench.scale import names
from scripts.bench.scale.cases import CaseBuilder, counter_save, counter_start
from scripts.bench.scale.loader import Table, max_id

QUERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@contextlib.contextmanager
def batched_deadlines():
    """The petitions app computes its deadlines with one TimeLimit query and a working-day walk per call; for
    150,000 cases the seed loads the time limits and the calendar once, through the hooks the apps offer for a
    batch (the same functions, the same results)."""
    with deadlines.limits_loaded(), workdays.shared_calendar():
        yield deadlines.compute


class PetitionCases(CaseBuilder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.petitions = []  # (id, code, unit_id, status, next_due, handler)

    def petitions_status(self, age):
        rng = self.rng.random()
        if age > 120:
            table = [
                ("archived", 0.6),
                ("fed_back", 0.25),
                ("concluded", 0.05),
                ("merged", 0.03),
                ("voided", 0.02),
                ("on_hold", 0.05),
            ]
        elif age > 30:
            table = [
                ("investigating", 0.4),
                ("reviewing", 0.15),
                ("concluded", 0.15),
                ("fed_back", 0.2),
                ("transferred", 0.05),
                ("on_hold", 0.05),
            ]
        else:
            table = [("registered", 0.4), ("proposed", 0.25), ("investigating", 0.35)]
        for status, share in table:
            rng -= share
            if rng < 0:
                return status
        return table[-1][0]

    def build_petitions(self, count):
        org, rng, today = self.org, self.rng, self.today
        get = apps.get_model
        petitions = Table(get("petitions", "Petition"), rng)
        subjects = Table(get("petitions", "PetitionSubject"), rng)
        identities = Table(get("petitions", "ReporterIdentity"), rng)
        proposals = Table(get("petitions", "HandlingProposal"), rng)
        events = Table(get("petitions", "PetitionEvent"), rng)
        handlers = Table(get("petitions", "Petition").handlers.through)
        counters = counter_start(CASE_NUMBER_SERIES)
        ids = {t: max_id(t.model) + 1 for t in (petitions, subjects, identities, proposals, events, handlers)}
        days = sorted(self.day_in_window() for _ in range(count))
        codes = set(get("petitions", "Petition").objects.values_list("query_code", flat=True))
        channels = ["phone_12380"] * 3 + ["web_12380"] * 4 + ["letter"] * 2 + ["visit", "sms", "superior", "discipline"]
        categories = list(names.PETITION_TOPICS)
        ring = crypto.keyring()
        with (
            batched_deadlines() as compute,
            petitions.copy() as write_p,
            subjects.copy() as write_s,
            identities.copy() as write_i,
            proposals.copy() as write_hp,
            events.copy() as write_e,
            handlers.copy() as write_h,
        ):
            for received in days:
                pid = ids[petitions]
                ids[petitions] += 1
                counters[received.year] = counters.get(received.year, 0) + 1
                code = f"XF-{received.year}-{counters[received.year]:05d}"
                while True:
                    query_code = "".join(rng.choice(QUERY_ALPHABET) for _ in range(8))
                    if query_code not in codes:
                        codes.add(query_code)
                        break
                cadre = rng.choice(self.people.cadres)
                cadre_id, unit_id, cname, post = cadre[0], cadre[1], cadre[2], cadre[3]
                category = rng.choice(categories)
                topic = rng.choice(names.PETITION_TOPICS[category])
                age = (today - received).days
                status = self.petitions_status(age)
                case_type = "accusation" if rng.random() < 0.8 else "petition_matter"
                is_named = rng.random() < 0.35
                handler = org.handler_for(unit_id, pid)
                head = org.heads[0]
                values = {
                    "id": pid,
                    "code": code,
                    "query_code": query_code,
                    "received_on": received,
                    "channel": rng.choice(channels),
                    "case_type": case_type,
                    "is_named": is_named,
                    "unit_id": unit_id,
                    "categories": [category],
                    "summary": f"反映{org.unit(unit_id)[7]}{post}{cname}{topic}",
                    "full_text": f"群众反映{org.unit(unit_id)[2]}{post}{cname}{topic}，"
                    "具体情况如下：时间、地点、经过较为明确。",
                    "clues_specific": rng.random() < 0.6,
                    "status": status,
                    "created_by_id": handler,
                    "duplicate_of_id": None,
                    "concluded_by_id": None,
                    "extension_approved_by_id": None,
                }
                advanced = status not in ("registered", "proposed", "voided", "merged")
                if status == "proposed":
                    values["proposed_disposal"] = "preliminary_check"
                if advanced:
                    disposal = {"on_hold": "hold", "transferred": "transfer"}.get(
                        status, rng.choice(["preliminary_check", "preliminary_check", "talk_inquiry", "close"])
                    )
                    values.update(
                        disposal=disposal, accepted_on=received + datetime.timedelta(days=rng.randrange(2, 9))
                    )
                    if is_named:
                        values.update(acceptance_notified_on=values["accepted_on"], acceptance_notice_method="phone")
                if status in ("concluded", "fed_back", "archived"):
                    concluded = min(today, values["accepted_on"] + datetime.timedelta(days=rng.randrange(20, 75)))
                    values.update(
                        conclusion=rng.choice(["true", "partly_true", "false", "false", "unverifiable"]),
                        concluded_on=concluded,
                        concluded_by_id=head,
                        conclusion_note="经核查，予以办结。",
                        findings="经初步核实，相关情况已查清。",
                    )
                    if status != "concluded":
                        values.update(
                            feedback_on=min(today, concluded + datetime.timedelta(days=5)),
                            feedback_method="phone",
                            feedback_content="已反馈办理结果",
                        )
                    if status == "archived":
                        values["archived_on"] = min(today, concluded + datetime.timedelta(days=20))
                if status == "voided":
                    values["void_reason"] = "误登记"
                if status == "merged" and self.petitions:
                    values["duplicate_of_id"] = self.petitions[-1][0]
                instance = PetitionModel(**{k: v for k, v in values.items() if k not in ("categories",)})
                compute(instance, transfers=[])
                for field in (
                    "acceptance_due",
                    "acceptance_due_provisional",
                    "forward_due",
                    "forward_due_provisional",
                    "handling_due",
                    "handling_due_provisional",
                    "feedback_due",
                    "feedback_due_provisional",
                    "next_due",
                    "next_due_provisional",
                    "next_due_label",
                ):
                    values[field] = getattr(instance, field)
                write_p(values)
                self.petitions.append((pid, code, unit_id, status, values["next_due"], handler))
                write_s(
                    {
                        "id": ids[subjects],
                        "petition_id": pid,
                        "cadre_id": cadre_id,
                        "name": "",
                        "unit_id": None,
                        "unit_text": "",
                        "post_title": post,
                    }
                )
                ids[subjects] += 1
                write_h({"id": ids[handlers], "petition_id": pid, "user_id": handler})
                ids[handlers] += 1
                if is_named:
                    # Informant identities are encrypted with the petitions app's own helpers, as services do.
                    phone = f"13{rng.randrange(10**9):09d}"
                    plain = {
                        "name_token": self.people.name(),
                        "id_number_token": "",
                        "phone_token": phone,
                        "address_token": f"{org.unit(unit_id)[2][:3]}某小区",
                    }
                    row = {
                        "id": ids[identities],
                        "petition_id": pid,
                        "phone_hash": crypto.keyed_hash(phone, ring=ring),
                        "id_number_hash": "",
                    }
                    for field, value in plain.items():
                        aad = f"petitions.reporteridentity.{field}:{pid}"
                        row[field] = crypto.encrypt(value, aad, ring=ring) if value else ""
                    write_i(row)
                    ids[identities] += 1
                at = org.dt(received, pid % 400)
                steps = [("register", "登记", "", "registered")]
                if status != "registered":
                    steps.append(("propose", "拟办", "registered", "proposed"))
                if advanced:
                    steps.append(
                        (
                            "approve",
                            "审批拟办",
                            "proposed",
                            status if status in ("investigating", "on_hold", "transferred") else "investigating",
                        )
                    )
                    write_hp(
                        {
                            "id": ids[proposals],
                            "petition_id": pid,
                            "disposal": values["disposal"],
                            "reason": "线索较具体，拟初步核实",
                            "proposed_by_id": handler,
                            "decision": "approved",
                            "decided_by_id": head,
                            "decided_at": at,
                            "decision_note": "同意",
                        }
                    )
                    ids[proposals] += 1
                elif status == "proposed":
                    write_hp(
                        {
                            "id": ids[proposals],
                            "petition_id": pid,
                            "disposal": "preliminary_check",
                            "reason": "线索较具体，拟初步核实",
                            "proposed_by_id": handler,
                            "decision": "pending",
                            "decided_by_id": None,
                            "decided_at": None,
                        }
                    )
                    ids[proposals] += 1
                if values.get("concluded_on"):
                    steps.append(("conclude", "审核办结", "reviewing", "concluded"))
                for n, (action, label, old, new) in enumerate(steps):
                    write_e(
                        {
                            "id": ids[events],
                            "petition_id": pid,
                            "at": at + datetime.timedelta(days=n * 7),
                            "actor_id": handler,
                            "action": action,
                            "label": label,
                            "from_status": old,
                            "to_status": new,
                            "note": "",
                        }
                    )
                    ids[events] += 1
        counter_save(CASE_NUMBER_SERIES, counters)
        self.log(f"信访举报件 {petitions.count}（实名 {identities.count}，身份已加密），办理过程 {events.count}")
        return [petitions, subjects, identities, proposals, events, handlers]
