"""Scenarios obey the rules of direct writes: a role changes, adds and withdraws only events
of its own categories; a contract is the lifecycle's; publishing checks both again as the
publisher; the differences say first, in words, what publishing does to the catalogue."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.utils.html import escape

from events.models import Event
from events.services import event_confirm
from scheduler.models import Scenario, ScheduleVersion
from scheduler.scenarios import scenario_create, scenario_withdraw
from tests.planner.test_scenarios import CHANGES, solved
from tests.planner.test_withdraw import FAIR
from tests.roles import user_with_role
from venues.models import Venue

RENAME_EXPO_A = {"id": "expo-a", "name": {"zh": "新甲博览会", "en": "New Expo A"}}
LATER_RUN = {"id": "run", "window": {"start": "2026-11-10", "end": "2026-11-30"}}
EXHIBITION_EVENT = "/events/0: 'expo-a' is an event of the category 'exhibition', which your role"


def create_over_api(client, user, events, **headers):
    client.force_login(user)
    return client.post(
        "/api/v1/scenarios/",
        {"name": "What if", "events": events},
        content_type="application/json",
        **headers,
    )


def errors(response) -> list[tuple[str, str]]:
    return [(e["field"], e["message"]) for e in response.json()["errors"]]


def confirm(code: str, venue: str, start: dt.date | None) -> None:
    event_confirm(event=Event.objects.get(pk=code), venue=Venue.objects.get(pk=venue), start=start)


# --- the category rule -----------------------------------------------------------------


def test_the_sports_bureau_may_not_patch_an_exhibition_directly(published, as_role):
    """What the scenarios below are held to: the direct write's 403."""
    response = as_role("sports").patch("/api/v1/events/expo-a/", {"name_en": "Mine"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([RENAME_EXPO_A], EXHIBITION_EVENT),
        ([{"id": "expo-a", "category": "sports"}], EXHIBITION_EVENT),  # nor make it sports
        (
            [FAIR],  # a new exhibition
            "/events/0/category: Your role may not write events of the category 'exhibition'",
        ),
        (
            [LATER_RUN, FAIR],  # its own marathon may change; the fair is still refused
            "/events/1/category: Your role may not write events of the category 'exhibition'",
        ),
    ],
)
def test_a_sports_scenario_touching_an_exhibition_is_refused(client, published, events, message):
    bureau = user_with_role("bureau", "sports")
    response = create_over_api(client, bureau, events, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    ((field, text),) = errors(response)
    assert field == "events" and text.startswith(message)
    assert text.endswith("not in a scenario either.")
    assert not Scenario.objects.exists()


def test_the_refusal_speaks_the_readers_language(client, published):
    response = create_over_api(client, user_with_role("bureau", "sports"), [RENAME_EXPO_A])
    assert response.status_code == 403
    assert errors(response) == [
        (
            "events",
            "/events/0: “expo-a”属于“exhibition”类别，"
            "你的角色不能修改该类别的活动，在方案中也不能。",
        )
    ]


def test_the_sports_bureau_changes_its_own_events_in_a_scenario(client, published):
    response = create_over_api(client, user_with_role("bureau", "sports"), [LATER_RUN])
    assert response.status_code == 201, response.content


def test_a_sports_scenario_may_not_withdraw_an_exhibition(client, published):
    bureau = user_with_role("bureau", "sports")
    scenario = scenario_create(name="Without Expo A", events=[], owner=bureau)
    client.force_login(bureau)
    response = client.post(
        f"/api/v1/scenarios/{scenario.pk}/withdraw/",
        {"event": "expo-a"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert errors(response) == [
        (
            "event",
            "'expo-a' is an event of the category 'exhibition', which your role may not "
            "cancel: not in a scenario either.",
        )
    ]
    assert Scenario.objects.get(pk=scenario.pk).withdrawn == []


# --- the category rule on the pages ----------------------------------------------------


def refusal_next_to(html: str, field_id: str) -> str:
    """The refusal shown right after the form field that points to it."""
    match = re.search(
        rf'aria-describedby="{field_id}"[^<]*>(<option[^>]*>[^<]*</option>|</select>)*</label>\s*'
        rf'<p class="error field-error" id="{field_id}" role="alert">([^<]*)</p>',
        html,
    )
    assert match, html
    return match.group(2)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "which your role may not write: not in a scenario either."),
        ("zh", "你的角色不能修改该类别的活动，在方案中也不能。"),
    ],
)
def test_the_season_form_refuses_an_exhibition_next_to_the_event_keeping_what_was_typed(
    client, published, lang, words
):
    """Ticked "a new event" under an exhibition's id, the form would make it a sports event."""
    client.force_login(user_with_role("bureau", "sports"))
    typed = {
        "scenario_name": "Our expo",
        "event": "expo-a",
        "new": "1",
        "name_en": "Expo Cup",
        "duration_days": "2",
    }
    response = client.post(f"/planner/season/?year=2026&lang={lang}", typed)
    assert response.status_code == 403
    html = response.content.decode()
    refusal = refusal_next_to(html, "event-refused")
    assert "expo-a" in refusal and escape(words) in refusal
    assert '<input name="event" required list="sports-events" value="expo-a"' in html
    assert 'value="Our expo"' in html and 'value="Expo Cup"' in html and "checked" in html
    assert not Scenario.objects.exists()


def test_the_season_form_refuses_the_convention_group_a_sports_event(client, published):
    client.force_login(user_with_role("office", "convention"))
    response = client.post(
        "/planner/season/?year=2026&lang=en",
        {"scenario_name": "Later run", "event": "run", "duration_days": "2"},
    )
    assert response.status_code == 403
    assert "&#x27;run&#x27; is an event of the category &#x27;sports&#x27;" in refusal_next_to(
        response.content.decode(), "event-refused"
    )
    assert not Scenario.objects.exists()


def test_the_withdraw_form_offers_and_takes_the_readers_categories_only(client, published):
    bureau = user_with_role("bureau", "sports")
    scenario = scenario_create(name="Without Expo A", events=[], owner=bureau)
    client.force_login(bureau)
    url = f"/planner/scenarios/{scenario.pk}/?lang=en"
    html = client.get(url).content.decode()
    assert '<option value="run">' in html and 'value="expo-a"' not in html

    response = client.post(url, {"action": "withdraw", "event": "expo-a"})
    assert response.status_code == 403
    refusal = refusal_next_to(response.content.decode(), "withdraw-refused")
    assert "which your role may not cancel: not in a scenario either." in refusal
    scenario.refresh_from_db()
    assert scenario.withdrawn == [] and scenario.solve_run is None


# --- contracts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"id": "run", "pinned": None},  # un-signed
        {"id": "run", "pinned": None, "name": {"zh": "马拉松", "en": "Renamed"}},
        {"id": "run", "pinned": {"venue": "stadium", "start": "2026-11-08"}},  # moved
    ],
)
def test_a_scenario_may_not_change_or_remove_a_contract(client, published, planner, change):
    confirm("run", "stadium", dt.date(2026, 11, 1))
    response = create_over_api(client, planner, [change], HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert errors(response) == [
        (
            "events",
            "/events/0/pinned: 'run' is a confirmed booking: a scenario may not change or "
            "remove its contract. Confirm or cancel the event directly instead.",
        )
    ]
    assert not Scenario.objects.exists()


def test_a_partial_contract_is_not_dropped_by_a_scenario_either(client, published, planner):
    confirm("run", "stadium", None)  # the venue signed, the day to be set
    response = create_over_api(client, planner, [{"id": "run", "pinned_venue": None}])
    assert response.status_code == 400
    ((field, message),) = errors(response)
    assert field == "events" and message.startswith("/events/0/pinned_venue: “run”是已确认的预订")


def test_a_scenario_may_repeat_a_contract_as_signed(client, published, planner):
    confirm("run", "stadium", dt.date(2026, 11, 1))
    change = {
        "id": "run",
        "attendance": 25000,
        "pinned": {"venue": "stadium", "start": "2026-11-01"},
    }
    assert create_over_api(client, planner, [change]).status_code == 201


def test_a_contract_signed_after_the_scenario_was_made_is_kept_at_publish(
    client, published, planner, django_capture_on_commit_callbacks
):
    """Made and solved while the marathon was only placed, the scenario would un-sign it."""
    renamed = {"id": "run", "pinned": None, "name": {"zh": "新马拉松", "en": "New Marathon"}}
    scenario = scenario_create(name="Renamed run", events=[renamed], owner=planner)
    confirm("run", "stadium", dt.date(2026, 11, 1))
    solved(scenario, django_capture_on_commit_callbacks)  # after the contract: not stale
    contract = scenario.solve_run.problem["events"]
    assert next(e for e in contract if e["id"] == "run").get("pinned") is None

    client.force_login(planner)
    response = client.post(
        f"/api/v1/scenarios/{scenario.pk}/publish/",
        {},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    ((field, message),) = errors(response)
    assert field == "events"
    assert message.startswith("/events/0/pinned: 'run' is a confirmed booking")
    run = Event.objects.get(pk="run")
    assert (run.status, run.pinned_venue_id, run.pinned_start, run.name_en) == (
        Event.Status.CONFIRMED,
        "stadium",
        dt.date(2026, 11, 1),
        "Marathon",
    )
    assert ScheduleVersion.objects.count() == 1
    # The differences said it first.
    detail = client.get(f"/api/v1/scenarios/{scenario.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert detail["diff"]["catalogue_changes"][0] == {
        "kind": "contract",
        "event": "run",
        "old": {"venue": "stadium", "start": "2026-11-01"},
        "new": None,
        "text": "Publishing removes the contract of Marathon (run) (Stadium from 2026-11-01): "
        "it is no longer a confirmed booking.",
    }


# --- publishing checks again, as the publisher -----------------------------------------


def test_publishing_judges_the_changes_by_the_publishers_categories(
    client, published, planner, django_capture_on_commit_callbacks
):
    """The convention group may rename Expo A and withdraw Expo B; a sports user allowed
    to publish may not make those writes, so may not publish them either."""
    office = user_with_role("office", "convention")
    scenario = scenario_create(name="Expo swap", events=[RENAME_EXPO_A], owner=office)
    scenario = solved(
        scenario_withdraw(scenario=scenario, event="expo-b", user=office),
        django_capture_on_commit_callbacks,
    )
    publisher = user_with_role("bureau-head", "sports")
    publisher.user_permissions.add(Permission.objects.get(codename="add_scheduleversion"))
    client.force_login(publisher)
    url = f"/api/v1/scenarios/{scenario.pk}/publish/"

    response = client.post(url, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert [(field, message.split(":")[0]) for field, message in errors(response)] == [
        ("events", "/events/0"),
        ("withdrawn", "/withdrawn/0"),
    ]
    assert ScheduleVersion.objects.count() == 1
    assert Event.objects.get(pk="expo-a").name_en == "Expo A"
    assert Event.objects.get(pk="expo-b").status == Event.Status.PLACED

    client.force_login(planner)
    assert client.post(url, {}, content_type="application/json").status_code == 201
    assert Event.objects.get(pk="expo-a").name_en == "New Expo A"
    assert Event.objects.get(pk="expo-b").status == Event.Status.CANCELLED


# --- the differences say first what publishing does to the catalogue -------------------


@pytest.fixture
def sweeping(published, planner, django_capture_on_commit_callbacks) -> Scenario:
    """A solved scenario that signs the marathon, cancels Expo A (confirmed where the public
    sees it), adds the cup and renames Expo B and makes it a conference."""
    expo_a = Event.objects.get(pk="expo-a")
    confirm("expo-a", "expo", expo_a.previous_start)
    events = [
        CHANGES[0],
        {"id": "expo-b", "name": {"zh": "乙展", "en": "Expo B+"}, "category": "conference"},
        {"id": "run", "pinned": {"venue": "stadium", "start": "2026-11-15"}},
    ]
    scenario = scenario_create(name="Sweeping", events=events, owner=planner)
    scenario = scenario_withdraw(scenario=scenario, event="expo-a", user=planner)
    return solved(scenario, django_capture_on_commit_callbacks)


def expo_a_start() -> str:
    return Event.objects.get(pk="expo-a").pinned_start.isoformat()


def test_the_api_diff_names_contracts_cancellations_and_new_events_first(client, planner, sweeping):
    client.force_login(planner)
    url = f"/api/v1/scenarios/{sweeping.pk}/"
    diff = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["diff"]
    assert next(iter(diff)) == "catalogue_changes"
    assert [(c["kind"], c["event"], c["text"]) for c in diff["catalogue_changes"]] == [
        (
            "contract",
            "run",
            "Publishing signs a contract for Marathon (run): Stadium from 2026-11-15.",
        ),
        (
            "cancelled",
            "expo-a",
            f"Publishing cancels Expo A (expo-a), a confirmed booking: its contract (Expo Centre "
            f"from {expo_a_start()}) is broken and stays on record.",
        ),
        ("added", "cup", "Publishing adds a new event to the catalogue: City <Cup> & Co (cup)."),
        ("renamed", "expo-b", "Publishing renames Expo B (expo-b) to “Expo B+”."),
        (
            "category",
            "expo-b",
            "Publishing moves Expo B (expo-b) from the category 'exhibition' to 'conference'.",
        ),
    ]
    zh = client.get(url).json()["diff"]["catalogue_changes"]
    assert [c["text"] for c in zh[:3]] == [
        "发布将为 马拉松 (run) 签订合同：体育场，自 2026-11-15 起。",
        f"发布将取消已确认的预订 甲博览会 (expo-a)：其合同（会展中心，自 {expo_a_start()} 起）"
        "将被违约，并留档备查。",
        "发布将在目录中新增活动：城市杯 (cup)。",
    ]


@pytest.mark.parametrize(
    ("lang", "title", "first"),
    [
        (
            "en",
            "What publishing this would do to the catalogue",
            "Publishing signs a contract for Marathon (run): Stadium from 2026-11-15.",
        ),
        (
            "zh",
            "发布本方案将对目录做出的改动",
            "发布将为 马拉松 (run) 签订合同：体育场，自 2026-11-15 起。",
        ),
    ],
)
def test_the_scenario_page_says_it_before_the_placements(
    client, planner, sweeping, lang, title, first
):
    client.force_login(planner)
    html = client.get(f"/planner/scenarios/{sweeping.pk}/?lang={lang}").content.decode()
    said = re.findall(r'<li class="(\w+)" data-event="([\w-]+)">([^<]*)</li>', html)
    assert [(kind, event) for kind, event, _text in said] == [
        ("contract", "run"),
        ("cancelled", "expo-a"),
        ("added", "cup"),
        ("renamed", "expo-b"),
        ("category", "expo-b"),
    ]
    assert said[0][2] == escape(first)
    assert html.index(title) < html.index(said[0][2]) < html.index('<table class="data changes">')


def test_a_scenario_that_only_moves_events_says_the_catalogue_stays(
    client, published, planner, django_capture_on_commit_callbacks
):
    scenario = solved(
        scenario_create(name="Later run", events=[LATER_RUN], owner=planner),
        django_capture_on_commit_callbacks,
    )
    client.force_login(planner)
    html = client.get(f"/planner/scenarios/{scenario.pk}/?lang=en").content.decode()
    assert "Nothing: no contract is touched and no event is cancelled" in html
    detail = client.get(f"/api/v1/scenarios/{scenario.pk}/").json()
    assert detail["diff"]["catalogue_changes"] == []
