"""Rules 6 and 7: room blocks for delegates, within each hotel's nightly block.

``rooms[e, h]`` exists only for hotels the candidates found eligible (stars,
distance to at least one of e's venues). A placed event holds exactly its
``rooms_per_night`` over its hotels: holding more never helps, since rooms
cost distance and capacity. Rooms in a hotel too far from a venue are tied
to the presence literals of the venues in reach. The distance cost must use
the chosen venue's km (see ``_distance_cost``). Each hotel's capacity is a
cumulative over the events' night intervals with the rooms as variable
demands, its capacity the largest nightly figure (``reduced`` figures override
``block_rooms``, larger ones too); nights with a smaller figure are fixed
intervals that eat the difference.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.candidates import HotelOption, nights_count
from scheduler.model.plan import SCALE, PlanModel, Term
from scheduler.problem import DateRange, Event


def add_room_blocks(plan: PlanModel) -> list[Term]:
    """Adds rooms per (event, hotel) for rule 6; returns the hotel distance cost."""
    terms = []
    weight = plan.problem.effective_rules.effective_weights.hotel_km_per_room_night
    for event in plan.events:
        options = plan.options[event.id]
        if nights_count(event) == 0 or not options.hotels:
            continue
        _add_nights(plan, event)
        rooms = [_add_hotel_rooms(plan, event, option) for option in options.hotels]
        plan.model.add(sum(rooms) == event.hotel.rooms_per_night * plan.placed[event.id])
        if weight:
            terms += _distance_cost(plan, event, weight)
    return terms


def _add_nights(plan: PlanModel, event: Event) -> None:
    before = event.hotel.effective_nights_before
    plan.nights[event.id] = plan.model.new_optional_fixed_size_interval_var(
        plan.start[event.id] - before,
        nights_count(event),
        plan.placed[event.id],
        f"nights[{event.id}]",
    )


def _add_hotel_rooms(plan: PlanModel, event: Event, option: HotelOption) -> cp_model.IntVar:
    """The rooms of (event, hotel), zero unless the chosen venue is within reach."""
    most = _most_rooms(event, option)
    rooms = plan.model.new_int_var(0, most, f"rooms[{event.id},{option.hotel.id}]")
    plan.rooms[event.id, option.hotel.id] = rooms
    venues = plan.options[event.id].starts
    reach = [v for v in venues if v in option.km]
    if len(reach) < len(venues):
        plan.model.add(rooms <= most * sum(plan.present[event.id, v] for v in reach))
    return rooms


def _most_rooms(event: Event, option: HotelOption) -> int:
    """The most rooms the event can hold in the option's hotel: its need, or the hotel's figure."""
    return min(event.hotel.rooms_per_night, option.rooms)


def _distance_cost(plan: PlanModel, event: Event, weight: float) -> list[Term]:
    """Room-nights times km to the chosen venue, exact.

    Where the price of a room in each hotel is the same whichever venue is
    chosen, it is a plain linear term. Otherwise one cost variable per event
    is bounded below by the price at each venue, enforced by that venue's
    presence; it is minimised, so at the chosen venue it is that price.
    Hotels out of reach of a venue hold no rooms when it is chosen.
    """
    price = room_prices(plan, event, weight)
    prices = list(price.values())
    if all(p == prices[0] for p in prices):
        return [Term(plan.rooms[event.id, h], -p) for h, p in prices[0].items()]
    scaled = {
        v: {h: round(p * SCALE) for h, p in by_hotel.items()} for v, by_hotel in price.items()
    }
    dearest = max((p for by_hotel in scaled.values() for p in by_hotel.values()), default=0)
    cost = plan.model.new_int_var(
        0, dearest * event.hotel.rooms_per_night, f"hotel_cost[{event.id}]"
    )
    for venue_id, by_hotel in scaled.items():
        at_venue = sum(p * plan.rooms[event.id, h] for h, p in by_hotel.items())
        plan.model.add(cost >= at_venue).only_enforce_if(plan.present[event.id, venue_id])
    # The enforced bounds vanish from the LP relaxation when presence is
    # fractional; this cut keeps the cheapest fill of each venue in it.
    cheapest = {v: cheapest_fill(plan, event, by_hotel) for v, by_hotel in scaled.items()}
    plan.model.add(cost >= sum(c * plan.present[event.id, v] for v, c in cheapest.items()))
    plan.hotel_cost[event.id] = (cost, scaled)
    return [Term(cost, -1 / SCALE)]


def room_prices(plan: PlanModel, event: Event, weight: float) -> dict[str, dict[str, float]]:
    """Objective cost of one room per night, by venue then by hotel in its reach."""
    options = plan.options[event.id]
    nights = nights_count(event)
    return {
        venue_id: {
            o.hotel.id: weight * nights * (o.km[venue_id] or 0.0)
            for o in options.hotels
            if venue_id in o.km
        }
        for venue_id in options.starts
    }


def cheapest_rooms(plan: PlanModel, event: Event) -> dict[str, float]:
    """At each of the event's venues, the least its rooms can cost (0 when it needs none)."""
    venues = plan.options[event.id].starts
    weight = plan.problem.effective_rules.effective_weights.hotel_km_per_room_night
    if nights_count(event) == 0 or not weight:
        return dict.fromkeys(venues, 0.0)
    prices = room_prices(plan, event, weight)
    return {v: cheapest_fill(plan, event, prices[v]) for v in venues}


def cheapest_fill(plan: PlanModel, event: Event, prices: dict[str, float]) -> float:
    """The least the event's rooms can cost at these prices if no other event held rooms.

    The nearest hotels are filled first, each up to the most it offers on
    any night the event may need: a lower bound on the price the event pays
    at this venue in any plan.
    """
    offered = {o.hotel.id: o.rooms for o in plan.options[event.id].hotels}
    need, total = event.hotel.rooms_per_night, 0
    for hotel_id, price in sorted(prices.items(), key=lambda item: item[1]):
        rooms = min(need, offered[hotel_id])
        total += rooms * price
        need -= rooms
        if need == 0:
            break
    return total


def add_hotel_capacity(plan: PlanModel) -> None:
    """Rule 7: per hotel and night, rooms held over all events within that night's figure."""
    users: dict[str, list[tuple[Event, HotelOption]]] = defaultdict(list)
    for event in plan.events:
        for option in plan.options[event.id].hotels:
            if (event.id, option.hotel.id) in plan.rooms:
                users[option.hotel.id].append((event, option))
    for hotel_id, used_by in users.items():
        runs = plan.problem.hotel(hotel_id).rooms_by_run(_all_nights(used_by, plan))
        capacity = max(rooms for _, rooms in runs)
        most = sum(_most_rooms(event, option) for event, option in used_by)
        if most <= min(rooms for _, rooms in runs):
            continue
        intervals = [plan.nights[event.id] for event, _ in used_by]
        demands = [plan.rooms[event.id, hotel_id] for event, _ in used_by]
        for run, rooms in runs:
            if rooms < capacity:
                first = plan.days.index(run.start)
                intervals.append(
                    plan.model.new_fixed_size_interval_var(
                        first, run.days, f"reduced[{hotel_id},{first}]"
                    )
                )
                demands.append(capacity - rooms)
        plan.model.add_cumulative(intervals, demands, capacity)


def _all_nights(used_by: list[tuple[Event, HotelOption]], plan: PlanModel) -> DateRange:
    """From the first night any of these events may need rooms for to the last.

    Every event with hotel options has its ``nights`` (see ``candidates``).
    """
    nights = [plan.options[event.id].nights for event, _ in used_by]
    return DateRange(min(n.start for n in nights), max(n.end for n in nights))
