"""Option holds: ranks per venue and overlapping days, promotion, expiry, confirmation."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from bookings import services
from bookings.models import VenueHold, ordinal
from events.exchange import catalogue_export
from events.models import Event
from events.services import event_cancel, event_confirm
from tests.holds import factories as f

D = f.D
Status = VenueHold.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def expo():
    return f.venue("expo")


def queue(*events):
    """Three events asking for overlapping September days at the Expo."""
    return [f.event(code) for code in events]


def ranks(venue="expo") -> dict[str, int]:
    return dict(
        VenueHold.objects.filter(venue_id=venue, status=Status.ACTIVE).values_list(
            "event_id", "rank"
        )
    )


def test_overlapping_holds_queue_up_and_others_are_first_options(expo):
    a, b, c, d = queue("a", "b", "c", "d")
    f.hold(a, expo, D(2026, 9, 20))  # occupancy 18..24 Sep
    f.hold(b, expo, D(2026, 9, 24))  # 22..28: meets a
    f.hold(c, expo, D(2026, 9, 10))  # 8..14: meets neither
    f.hold(d, expo, D(2026, 9, 23))  # 21..27: meets a and b
    assert ranks() == {"a": 1, "b": 2, "c": 1, "d": 3}


def test_releasing_the_first_option_moves_the_next_up_and_tells_them(
    expo, django_capture_on_commit_callbacks
):
    a, b, c = queue("a", "b", "c")
    first = f.hold(a, expo, D(2026, 9, 20))
    f.hold(b, expo, D(2026, 9, 21))
    f.hold(c, expo, D(2026, 9, 22))
    with django_capture_on_commit_callbacks(execute=True):
        services.hold_release(hold=first)
    assert ranks() == {"b": 1, "c": 2}
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("b@organiser.example", "[b] Your hold on expo is now the 1st option"),
        ("c@organiser.example", "[c] Your hold on expo is now the 2nd option"),
    ]
    promoted = VenueHold.objects.get(event=b).history.first()
    assert promoted.history_change_reason == "moved up from 2nd to 1st option"


def test_nothing_is_sent_when_the_transaction_rolls_back(expo, django_capture_on_commit_callbacks):
    a, b = queue("a", "b")
    first = f.hold(a, expo, D(2026, 9, 20))
    f.hold(b, expo, D(2026, 9, 21))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.hold_release(hold=first)
    assert len(callbacks) == 1 and mail.outbox == []


def test_expiry_ends_old_holds_once_and_promotes(expo, django_capture_on_commit_callbacks):
    a, b = queue("a", "b")
    today = dt.date.today()
    f.hold(a, expo, D(2026, 9, 20), expires_on=today)
    f.hold(b, expo, D(2026, 9, 21))
    assert services.holds_expire(today=today) == 0  # kept through its last day
    with django_capture_on_commit_callbacks(execute=True):
        assert services.holds_expire(today=today + dt.timedelta(days=1)) == 1
        assert services.holds_expire(today=today + dt.timedelta(days=1)) == 0
    assert VenueHold.objects.get(event=a).status == Status.EXPIRED
    assert ranks() == {"b": 1}
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "[a] Your hold on expo has expired",
        "[b] Your hold on expo is now the 1st option",
    ]


def test_the_command_is_idempotent(expo):
    a, b = queue("a", "b")
    f.hold(a, expo, D(2026, 9, 20))
    f.hold(b, expo, D(2026, 9, 21))
    VenueHold.objects.filter(event=a).update(expires_on=D(2020, 1, 1))
    out = []
    for _ in range(2):
        call_command("expire_holds", stdout=(buffer := io.StringIO()))
        out.append(buffer.getvalue().strip())
    assert out == ["1 hold(s) ended", "0 hold(s) ended"]
    assert ranks() == {"b": 1}


def test_a_cancelled_events_holds_end_and_the_queue_moves(expo):
    a, b = queue("a", "b")
    f.hold(a, expo, D(2026, 9, 20))
    f.hold(b, expo, D(2026, 9, 21))
    event_cancel(event=a)
    assert services.holds_expire() == 1
    assert VenueHold.objects.get(event=a).status == Status.RELEASED
    assert ranks() == {"b": 1}


def test_a_contract_signed_directly_ends_the_holds_it_rules_out(expo):
    hall = f.venue("hall")
    a, b, c = queue("a", "b", "c")
    f.hold(a, expo, D(2026, 9, 20))
    f.hold(a, hall, D(2026, 9, 20))
    f.hold(b, expo, D(2026, 9, 21))
    f.hold(c, hall, D(2026, 10, 5))
    # a signs for the Hall alone, in the catalogue (not through a hold); c signs outright.
    event_confirm(event=a, venue=hall)
    event_confirm(event=c, venue=hall, start=D(2026, 10, 5))
    assert services.holds_expire() == 2
    assert VenueHold.objects.get(event=a, venue=expo).status == Status.RELEASED
    assert VenueHold.objects.get(event=a, venue=hall).status == Status.ACTIVE  # days still open
    assert VenueHold.objects.get(event=c).status == Status.RELEASED
    assert ranks() == {"b": 1}
    released = VenueHold.objects.get(event=a, venue=expo).history.first()
    assert released.history_change_reason == "released: the event's contract rules it out"


def test_confirming_books_the_venue_and_lapses_the_rivals(expo, django_capture_on_commit_callbacks):
    hall = f.venue("hall")
    a, b, c = queue("a", "b", "c")
    first = f.hold(a, expo, D(2026, 9, 20))
    f.hold(b, expo, D(2026, 9, 21))
    f.hold(c, expo, D(2026, 10, 20))  # other days: untouched
    f.hold(b, hall, D(2026, 9, 21))
    f.hold(a, hall, D(2026, 9, 21))  # a's 2nd option elsewhere: released on booking
    with pytest.raises(ValidationError, match="Only the 1st option"):
        services.hold_confirm(hold=VenueHold.objects.get(event=b, venue=expo))
    with django_capture_on_commit_callbacks(execute=True):
        services.hold_confirm(hold=first)
    a.refresh_from_db()
    assert (a.status, a.pinned_venue_id, a.pinned_start) == (
        Event.Status.CONFIRMED,
        "expo",
        D(2026, 9, 20),
    )
    statuses = dict(VenueHold.objects.filter(venue=expo).values_list("event_id", "status"))
    assert statuses == {"a": Status.CONFIRMED, "b": Status.SUPERSEDED, "c": Status.ACTIVE}
    assert VenueHold.objects.get(event=a, venue=hall).status == Status.RELEASED
    assert ranks("hall") == {"b": 1}
    assert [m.subject for m in mail.outbox] == ["[b] Your hold on expo has lapsed"]


def test_a_hold_needs_free_days_an_open_event_and_a_future_expiry(expo):
    wmc, other = queue("wmc", "other")
    f.published_plan([(wmc, expo, D(2026, 9, 20), [])])
    # 60,000 + 60,000 m² exceed the Expo's 100,000 on WMC's days.
    with pytest.raises(ValidationError) as refused:
        f.hold(other, expo, D(2026, 9, 22))
    assert "start" in refused.value.message_dict
    # WMC's own published days do not block its own hold.
    assert f.hold(wmc, expo, D(2026, 9, 22)).rank == 1
    with pytest.raises(ValidationError) as refused:
        f.hold(wmc, expo, D(2026, 9, 22))
    assert "venue" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        f.hold(other, expo, D(2026, 10, 10), expires_on=D(2020, 1, 1))
    assert "expires_on" in refused.value.message_dict


def test_the_first_option_is_the_solvers_previous_placement_until_one_is_published(expo):
    a, b = queue("a", "b")
    f.hold(a, expo, D(2026, 9, 20))
    f.hold(b, expo, D(2026, 9, 21))
    events = {e.id: e for e in catalogue_export(start=D(2026, 1, 1), end=D(2026, 12, 31)).events}
    assert (events["a"].previous.venue, events["a"].previous.start) == ("expo", D(2026, 9, 20))
    assert events["b"].previous is None  # a 2nd option is no preference yet


def test_a_contract_of_the_venue_alone_holds_days_there_and_the_hold_completes_it(expo):
    wmc = event_confirm(event=f.event("wmc"), venue=expo)
    first = f.hold(wmc, expo, D(2026, 9, 20))
    assert first.rank == 1
    services.hold_confirm(hold=first)
    wmc.refresh_from_db()
    assert (wmc.status, wmc.pinned_venue_id, wmc.pinned_start) == (
        Event.Status.CONFIRMED,
        "expo",
        D(2026, 9, 20),
    )
    assert wmc.history.first().history_change_reason == "contract completed: expo from 2026-09-20"
    assert VenueHold.objects.get(pk=first.pk).status == Status.CONFIRMED


@pytest.mark.parametrize(
    ("contract", "hold", "field", "words"),
    [
        ({"venue": "expo"}, ("hall", D(2026, 9, 20)), "venue", "The contract fixes expo"),
        ({"start": D(2026, 9, 20)}, ("hall", D(2026, 9, 21)), "start", "fixes 2026-09-20"),
        ({"venue": "expo", "start": D(2026, 9, 20)}, ("expo", D(2026, 9, 20)), "event", ""),
    ],
)
def test_a_hold_keeps_what_the_contract_fixes_and_a_full_contract_holds_nothing(
    expo, contract, hold, field, words
):
    venues = {"expo": expo, "hall": f.venue("hall")}
    wmc = f.event("wmc")
    event_confirm(event=wmc, **{k: venues.get(v, v) for k, v in contract.items()})
    with pytest.raises(ValidationError) as refused:
        f.hold(wmc, venues[hold[0]], hold[1])
    assert words in refused.value.message_dict[field][0]
    assert not VenueHold.objects.exists()


def test_a_contract_of_the_days_alone_holds_a_venue_on_those_days(expo):
    wmc = event_confirm(event=f.event("wmc"), start=D(2026, 9, 20))
    services.hold_confirm(hold=f.hold(wmc, expo, D(2026, 9, 20)))
    wmc.refresh_from_db()
    assert (wmc.pinned_venue_id, wmc.pinned_start) == ("expo", D(2026, 9, 20))


def test_a_hold_counts_the_rooms_held_on_its_nights_before_move_in(expo):
    """The plan holds 200 of the Grand's 300 rooms on 19..22 Sep for WMC (occupancy 18..24).

    A one-day event with no move-in needing 150 rooms on the five nights
    before it cannot start on 26 Sep (nights 21..25 leave 100), though WMC
    is out of the Expo by then; from 29 Sep (nights 24..28) it can.
    """
    f.hotel("grand")
    f.published_plan([(f.event("wmc"), expo, D(2026, 9, 20), [("grand", 200)])])
    delegates = f.event(
        "delegates",
        duration_days=1,
        setup_days=0,
        teardown_days=0,
        area_m2=0,
        hotel_rooms_per_night=150,
        hotel_nights_before=5,
    )
    with pytest.raises(ValidationError) as refused:
        f.hold(delegates, expo, D(2026, 9, 26))
    assert "hotel" in refused.value.message_dict["start"][0]
    assert f.hold(delegates, expo, D(2026, 9, 29)).rank == 1


def lapse(hold: VenueHold) -> None:
    """Let the hold's expiry pass without any listing or cron run ending it."""
    VenueHold.objects.filter(pk=hold.pk).update(expires_on=D(2020, 1, 1))


def test_a_lapsed_first_option_is_not_confirmed_and_the_next_one_is(expo):
    a, b = queue("a", "b")
    first = f.hold(a, expo, D(2026, 9, 20))
    second = f.hold(b, expo, D(2026, 9, 21))
    lapse(first)
    with pytest.raises(ValidationError) as refused:
        services.hold_confirm(hold=first)
    assert refused.value.message_dict == {"status": ["The hold is expired, not active."]}
    with pytest.raises(ValidationError, match="expired, not active"):
        services.hold_release(hold=first)
    services.hold_confirm(hold=second)
    assert VenueHold.objects.get(pk=first.pk).status == Status.EXPIRED
    assert VenueHold.objects.get(pk=second.pk).status == Status.CONFIRMED
    assert Event.objects.get(pk="b").pinned_start == D(2026, 9, 21)


def test_a_contract_signed_directly_is_refused_on_another_events_option(expo):
    a, b, c = queue("a", "b", "c")
    first = f.hold(a, expo, D(2026, 9, 20))  # occupancy 18..24 Sep
    with pytest.raises(ValidationError) as refused:
        event_confirm(event=b, venue=expo, start=D(2026, 9, 23))  # 21..27: meets a's
    errors = refused.value.message_dict
    assert set(errors) == {"venue", "start"}
    assert errors["start"] == [
        "expo is held for a from 2026-09-20 (1st option, kept until 2099-01-01); "
        "release that hold, or book through the 1st option's hold."
    ]
    assert Event.objects.get(pk="b").status == Event.Status.REQUESTED
    # Days the hold does not touch, and a lapsed hold, stand in nobody's way.
    event_confirm(event=c, venue=expo, start=D(2026, 10, 20))
    lapse(first)
    event_confirm(event=b, venue=expo, start=D(2026, 9, 23))
    services.holds_expire()
    assert VenueHold.objects.get(pk=first.pk).status == Status.EXPIRED


def test_a_contract_signed_directly_on_the_events_own_option_keeps_the_queue_honest(expo):
    a, b = queue("a", "b")
    own = f.hold(a, expo, D(2026, 9, 20))
    # Alone on its days, its own option is no obstacle; the contract ends the hold.
    event_confirm(event=a, venue=expo, start=D(2026, 9, 20))
    assert services.holds_expire() == 1
    assert VenueHold.objects.get(pk=own.pk).status == Status.RELEASED
    # With a 2nd option behind its own, a books through its hold, which tells the 2nd.
    wmc = f.event("wmc")
    f.hold(wmc, expo, D(2026, 10, 20))
    behind = f.hold(b, expo, D(2026, 10, 21))
    with pytest.raises(ValidationError, match="held for b from 2026-10-21 \\(2nd option"):
        event_confirm(event=wmc, venue=expo, start=D(2026, 10, 20))
    services.hold_confirm(hold=VenueHold.objects.get(event=wmc))
    assert VenueHold.objects.get(pk=behind.pk).status == Status.SUPERSEDED


def test_a_hold_needs_a_venue_that_suits_the_event(expo):
    hall = f.venue("hall")
    picky = f.event("picky", allowed_venues=[hall])
    with pytest.raises(ValidationError) as refused:
        f.hold(picky, expo, D(2026, 9, 20))
    assert refused.value.message_dict == {
        "venue": ["expo is not among the event's allowed venues."]
    }
    stage = f.feature("stage")
    staged = f.event("staged", required_features=[stage])
    with pytest.raises(ValidationError) as refused:
        f.hold(staged, expo, D(2026, 9, 20))
    assert refused.value.message_dict == {"venue": ["expo lacks the required features stage."]}
    crowd = f.event("crowd", attendance=50000)
    with pytest.raises(ValidationError) as refused:
        f.hold(crowd, expo, D(2026, 9, 20))
    assert refused.value.message_dict == {
        "venue": ["expo holds 30000 people; the event expects 50000."]
    }
    assert not VenueHold.objects.exists()
    assert f.hold(picky, hall, D(2026, 9, 20)).rank == 1


def test_a_hold_cannot_start_on_a_day_that_has_passed(expo):
    today = timezone.localdate()  # in the city's time zone
    open_ended = f.event("open", window_start=None, window_end=None)

    def place_now(start: dt.date) -> VenueHold:  # on the real calendar, not the factory's
        return services.hold_place(event=open_ended, venue=expo, start=start, expires_on=today)

    with pytest.raises(ValidationError) as refused:
        place_now(today - dt.timedelta(days=1))
    assert refused.value.message_dict["start"][0].startswith("The first day ")
    assert place_now(today).rank == 1


@pytest.mark.parametrize("start", [D(3000, 1, 1), D(9999, 12, 31)])
def test_a_hold_beyond_the_calendar_is_refused_not_overflowed(expo, start):
    open_ended = f.event("open", window_start=None, window_end=None)
    with pytest.raises(ValidationError) as refused:
        f.hold(open_ended, expo, start)
    assert refused.value.message_dict == {"start": ["Give a first day no later than 2999-12-31."]}


def test_a_hold_whose_days_run_off_the_calendar_is_refused(expo):
    endless = f.event("endless", window_start=None, window_end=None)
    # A row no form would pass today, as an old one or a bulk write may have left it.
    Event.objects.filter(pk=endless.pk).update(duration_days=3_000_000)
    endless.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        f.hold(endless, expo, D(2026, 9, 20))
    assert "run past the calendar" in refused.value.message_dict["start"][0]


@pytest.mark.parametrize(
    ("rank", "said"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")],
)  # fmt: skip
def test_ranks_read_as_a_venue_office_says_them(rank, said):
    assert ordinal(rank) == said
