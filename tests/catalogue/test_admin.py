"""The admin: every changelist, change and add page loads; lifecycle actions use the services."""

import pytest
from django.urls import reverse

from events import exchange, services
from events.models import Blackout, Event, PlanningRules, Target
from tests.catalogue import factories as make
from venues.models import Feature, Hotel, Venue

pytestmark = pytest.mark.django_db
D = make.D
MODELS = [Feature, Venue, Hotel, Event, Target, Blackout, PlanningRules]


@pytest.fixture
def catalogue():
    exchange.catalogue_import(make.every_field_problem())


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_pages_load(admin_client, catalogue, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "change", model.objects.first().pk)).status_code == 200


@pytest.mark.parametrize("model", [m for m in MODELS if m is not PlanningRules])
def test_add_pages_load(admin_client, model):
    assert admin_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize(
    ("model", "query"),
    [
        (Venue, "kind__exact=stadium"),
        (Venue, "district=Baohe&q=hall"),
        (Hotel, "stars__exact=5"),
        (Event, "category__exact=sports&status__exact=placed&year=2026"),
        (Event, "q=expo"),
        (Target, "year__exact=2026"),
        (Blackout, "start__year=2026"),
    ],
)
def test_filters_and_search(admin_client, catalogue, model, query):
    assert admin_client.get(f"{admin_url(model, 'changelist')}?{query}").status_code == 200


def test_event_change_is_validated_by_the_shared_rules(admin_client, catalogue):
    event = Event.objects.get(pk="forum-2026")
    page = admin_client.get(admin_url(Event, "change", event.pk))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(window_start="2026-05-10", window_end="2026-05-10")
    response = admin_client.post(admin_url(Event, "change", event.pk), data)
    assert response.status_code == 200
    assert "fewer than the event" in str(response.context["adminform"].form.errors["window_end"])


def test_confirm_and_cancel_actions(admin_client, catalogue):
    url = admin_url(Event, "changelist")
    admin_client.post(
        url,
        {"action": "confirm_where_placed", "_selected_action": ["marathon-2026", "forum-2026"]},
    )
    assert Event.objects.get(pk="marathon-2026").status == "confirmed"
    assert Event.objects.get(pk="forum-2026").status == "requested", "no placement to confirm"
    admin_client.post(url, {"action": "cancel", "_selected_action": ["forum-2026"]})
    assert Event.objects.get(pk="forum-2026").status == "cancelled"


@pytest.mark.parametrize("year", ["abc", "10000", "99999999999999999999"])
def test_a_year_no_calendar_has_is_an_admin_lookup_error_not_a_500(admin_client, catalogue, year):
    response = admin_client.get(f"{admin_url(Event, 'changelist')}?year={year}")
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


def change_form_data(admin_client, model, pk) -> dict:
    """What the change page would post back untouched: the form and its inline rows."""
    page = admin_client.get(admin_url(model, "change", pk))
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            data[form.add_prefix(name)] = "" if value is None else value
    return data


def page_errors(response) -> str:
    """Every error the re-rendered change page shows, form and inline rows alike."""
    assert response.status_code == 200, "the page comes back with errors, not a redirect or 500"
    errors = [response.context["adminform"].form.errors]
    errors += [
        inline.formset.non_form_errors() for inline in response.context["inline_admin_formsets"]
    ]
    return str(errors)


def test_an_event_change_its_contract_cannot_hold_is_shown_not_a_500(admin_client, catalogue):
    data = change_form_data(admin_client, Event, "expo-2026")
    data["attendance"] = 99999
    response = admin_client.post(admin_url(Event, "change", "expo-2026"), data)
    assert "holds 30000 people; the event expects 99999" in page_errors(response)
    assert Event.objects.get(pk="expo-2026").attendance == 20000


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"capacity": 100}, "holds 100 people"),
        ({"features": []}, "lacks the required features"),
        (
            {
                "unavailable-TOTAL_FORMS": 2,
                "unavailable-1-start": "2026-09-24",
                "unavailable-1-end": "2026-09-24",
            },
            "unavailable 2026-09-24..2026-09-24",
        ),
    ],
)
def test_a_venue_change_that_breaks_a_confirmed_event_is_refused_in_the_admin(
    admin_client, catalogue, change, words
):
    before = (
        Venue.objects.get(pk="hall.A-1").capacity,
        Venue.objects.get(pk="hall.A-1").unavailable.count(),
    )
    data = change_form_data(admin_client, Venue, "hall.A-1") | change
    response = admin_client.post(admin_url(Venue, "change", "hall.A-1"), data)
    assert "Confirmed event expo-2026: hall.A-1" in page_errors(response)
    assert words in page_errors(response)
    venue = Venue.objects.get(pk="hall.A-1")
    assert (venue.capacity, venue.unavailable.count()) == before
    assert venue.features.count() == 2


def test_a_venue_change_clear_of_its_contracts_is_saved_in_the_admin(admin_client, catalogue):
    data = change_form_data(admin_client, Venue, "hall.A-1") | {
        "capacity": 25000,
        "unavailable-TOTAL_FORMS": 2,
        "unavailable-1-start": "2026-10-01",
        "unavailable-1-end": "2026-10-02",
    }
    response = admin_client.post(admin_url(Venue, "change", "hall.A-1"), data)
    assert response.status_code == 302
    assert Venue.objects.get(pk="hall.A-1").unavailable.count() == 2


@pytest.mark.parametrize(
    ("model", "pk"), [(Venue, "hall.A-1"), (Hotel, "hotel-01"), (Feature, "plenary_hall")]
)
def test_the_change_page_shows_the_two_names_side_by_side(admin_client, catalogue, model, pk):
    page = admin_client.get(admin_url(model, "change", pk)).content.decode()
    assert 'class="form-row field-name_zh field-name_en"' in page


@pytest.mark.parametrize(
    ("change", "words"),
    [({"area_m2": 20000}, "m2 left beside big"), ({"exclusive": "on"}, "booked by big")],
)
def test_an_event_change_that_clashes_with_another_contract_is_refused_in_the_admin(
    admin_client, change, words
):
    hall = make.venue("hall", area_m2=50000, features=[])
    small = {"attendance": 100, "setup_days": 0, "teardown_days": 0}
    services.event_confirm(
        event=make.event("big", area_m2=40000, **small), venue=hall, start=D(2026, 9, 20)
    )
    fair = make.event("fair", area_m2=5000, **small)
    services.event_confirm(event=fair, venue=hall, start=D(2026, 9, 21))
    data = change_form_data(admin_client, Event, "fair") | change
    response = admin_client.post(admin_url(Event, "change", "fair"), data)
    assert words in page_errors(response)
    fair.refresh_from_db()
    assert (fair.area_m2, fair.exclusive) == (5000, False)


def test_an_event_contracted_to_a_venue_alone_is_edited_in_the_admin(admin_client):
    hall = make.venue("hall", features=[])
    make.event("fair", attendance=100, exclusive=True, status="confirmed", pinned_venue=hall)
    data = change_form_data(admin_client, Event, "fair") | {"attendance": 99999}
    response = admin_client.post(admin_url(Event, "change", "fair"), data)
    assert "holds 30000 people; the event expects 99999" in page_errors(response)
    data["attendance"] = 200
    assert admin_client.post(admin_url(Event, "change", "fair"), data).status_code == 302
    assert Event.objects.get(pk="fair").attendance == 200


def confirm_contract(admin_client, **contract: str):
    """Run the changelist's "Confirm" action on wmc with the action bar's venue and first day."""
    return admin_client.post(
        admin_url(Event, "changelist"),
        {"action": "confirm_contract", "_selected_action": ["wmc"], **contract},
        follow=True,
    )


def shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_admin_signs_a_venue_alone_then_completes_the_contract(admin_client):
    make.venue()
    make.event()
    assert 'name="venue"' in admin_client.get(admin_url(Event, "changelist")).content.decode()
    assert shown(confirm_contract(admin_client, venue="expo", start="")) == [
        "1 event(s) confirmed."
    ]
    event = Event.objects.get()
    assert (event.status, event.pinned_venue_id, event.pinned_start) == ("confirmed", "expo", None)
    confirm_contract(admin_client, start="2026-09-20")
    event.refresh_from_db()
    assert (event.pinned_venue_id, event.pinned_start) == ("expo", D(2026, 9, 20))
    assert event.history.first().history_change_reason == "contract completed: expo from 2026-09-20"


@pytest.mark.parametrize(
    ("contract", "message"),
    [
        ({}, "wmc: Give the venue, the first day or both."),
        ({"start": "2026-02-30"}, "First day: "),  # then Django's words, in the language
        ({"start": "2026-12-30"}, "wmc: Public days 2026-12-30..2027-01-02 leave the window"),
    ],
)
def test_the_admin_says_why_a_contract_is_refused(admin_client, contract, message):
    make.venue()
    make.event()
    messages = shown(confirm_contract(admin_client, **contract))
    assert len(messages) == 1 and messages[0].startswith(message), messages
    assert Event.objects.get().status == "requested"


def test_the_admin_keeps_confirmed_events_from_deletion(admin_client, catalogue):
    url = admin_url(Event, "changelist")
    admin_client.post(
        url, {"action": "confirm_where_placed", "_selected_action": ["marathon-2026"]}
    )
    assert admin_client.get(admin_url(Event, "delete", "marathon-2026")).status_code == 403
    both = {"action": "delete_selected", "post": "yes"}
    refused = admin_client.post(url, both | {"_selected_action": ["marathon-2026", "forum-2026"]})
    assert refused.status_code == 403
    assert Event.objects.filter(pk__in=["marathon-2026", "forum-2026"]).count() == 2
    admin_client.post(url, both | {"_selected_action": ["forum-2026"]})
    assert not Event.objects.filter(pk="forum-2026").exists()


def test_an_admin_edit_keeps_a_contract_signed_since_the_form_was_loaded(admin_client):
    expo = make.venue("expo")
    make.event("wmc")
    data = change_form_data(admin_client, Event, "wmc") | {"organiser": "Hefei Expo Group"}
    services.event_confirm(event=Event.objects.get(pk="wmc"), venue=expo, start=make.D(2026, 9, 20))
    assert admin_client.post(admin_url(Event, "change", "wmc"), data).status_code == 302
    event = Event.objects.get(pk="wmc")
    assert (event.status, event.pinned_venue_id, event.organiser) == (
        "confirmed",
        "expo",
        "Hefei Expo Group",
    )


def test_the_historys_revert_restores_what_the_older_version_said(admin_client):
    make.event("wmc", organiser="first organiser")
    services.event_update(event=Event.objects.get(pk="wmc"), organiser="later organiser")
    oldest = Event.history.filter(id="wmc").earliest("history_date")
    url = reverse("admin:events_event_simple_history", args=["wmc", oldest.history_id])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {
        name: ("" if form[name].value() is None else form[name].value()) for name in form.fields
    }
    assert admin_client.post(url, data).status_code == 302
    assert Event.objects.get(pk="wmc").organiser == "first organiser"
