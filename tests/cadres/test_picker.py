"""The cadre picker: forms choose cadres by typing part of a name, never by a list of every cadre in scope."""

import pytest
from django.urls import reverse

from cadres.models import Cadre
from cadres.views.cadres import PICK_LIMIT
from petitions.forms import RegisterForm
from tests.factories import CadreFactory
from vetting.forms import CaseForm

PICK = reverse("cadres:pick")


@pytest.fixture
def cadres(staff, unit_a, unit_b):
    return [CadreFactory(unit=unit_a, actor=staff, name="王建国"),
            CadreFactory(unit=unit_b, actor=staff, name="李建国"),
            CadreFactory(unit=unit_b, actor=staff, name="张三")]


def test_matches_by_part_of_the_name_with_unit_and_post_but_no_id_number(client_for, staff, cadres):
    data = client_for(staff).get(PICK, {"q": "建国"}).json()
    assert sorted(item["label"].split("（")[0] for item in data["results"]) == ["李建国", "王建国"]
    assert data["more"] is False
    first = Cadre.objects.get(pk=data["results"][0]["value"])
    assert data["results"][0]["label"] == f"{first.name}（{first.unit.display_name} {first.post_title}）"
    assert all(c.id_number not in str(data) for c in cadres)


def test_a_full_id_number_finds_its_cadre(client_for, staff, cadres):
    data = client_for(staff).get(PICK, {"q": cadres[2].id_number}).json()
    assert [item["value"] for item in data["results"]] == [cadres[2].pk]


def test_empty_text_finds_nothing_and_many_matches_are_cut(client_for, staff, unit_a):
    for _ in range(PICK_LIMIT + 1):
        CadreFactory(unit=unit_a, actor=staff, name="赵建设")
    client = client_for(staff)
    assert client.get(PICK, {"q": " "}).json() == {"results": [], "more": False}
    data = client.get(PICK, {"q": "赵建设"}).json()
    assert len(data["results"]) == PICK_LIMIT and data["more"] is True


def test_suggestions_narrowed_to_a_unit_and_to_principals(client_for, staff, unit_a, cadres):
    chief = CadreFactory(unit=unit_a, actor=staff, name="赵建国", is_principal=True)
    client = client_for(staff)
    in_unit = client.get(PICK, {"q": "建国", "unit": unit_a.code}).json()["results"]
    assert sorted(item["value"] for item in in_unit) == sorted([cadres[0].pk, chief.pk])
    principals = client.get(PICK, {"q": "建国", "principal": "1"}).json()["results"]
    assert [item["value"] for item in principals] == [chief.pk]
    # a unit outside the user's scope narrows nothing it could reveal: the scope still applies
    assert client.get(PICK, {"q": "建国", "unit": "NO-SUCH"}).json()["results"]


def test_the_widget_asks_with_its_params(staff, unit_a):
    from audits.forms import EntryAddForm

    html = str(EntryAddForm(cadres=Cadre.objects.all(), unit=unit_a)["cadre"])
    assert f'data-url="{PICK}?unit={unit_a.code}"' in html


def test_scope_and_roles(client_for, staff, other_county_staff, liaison_a, cadres):
    assert client_for(other_county_staff).get(PICK, {"q": "建国"}).json()["results"] == []
    assert client_for(liaison_a).get(PICK, {"q": "建国"}).status_code == 403


def test_the_form_renders_only_the_chosen_cadres_and_validates_what_is_posted(staff, cadres, other_county):
    form = RegisterForm(user=staff, initial={"cadres": [cadres[0].pk]})
    html = str(form["cadres"])
    assert "王建国" in html and "李建国" not in html and "张三" not in html
    assert 'data-cadre-picker' in html and 'data-multiple' in html
    foreign = CadreFactory(unit=other_county, name="邻县干部")
    form = CaseForm({"cadre": str(foreign.pk)}, user=staff)
    form.is_valid()
    assert "cadre" in form.errors  # a cadre out of scope is refused however it is posted
    form = CaseForm({"cadre": str(cadres[1].pk)}, user=staff)
    form.is_valid()
    assert "cadre" not in form.errors
    assert "李建国" in str(form["cadre"])
