"""Writes to venues, hotels and the feature vocabulary.

Every write validates through ``full_clean`` (so through ``events.validation``)
and replaces nested rows (closures, reduced room blocks) in the same
transaction as the row they belong to.
"""

from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from events.validation import Errors, commitment_errors, merge, raise_errors
from venues.models import Feature, Hotel, HotelReduction, Venue, VenueUnavailability

Row = TypeVar("Row", bound=models.Model)


class StaleWrite(ValidationError):
    """The row changed since the caller read it: its write would overwrite what it never saw.

    ``precondition``: the caller named the revision it read (the API's
    ``If-Match``) and it is no longer the row's (412); otherwise the row
    moved in a way this write cannot be judged against (409).
    """

    def __init__(self, message: str, *, precondition: bool) -> None:
        super().__init__(message)
        self.precondition = precondition


def locked_current(instance: Row, *, revisions: Collection[int] | None = None) -> Row:
    """The row of ``instance`` as stored now, locked until the transaction ends.

    Every update starts here, so it writes over the row as it is, not over
    the copy the caller read (which a confirmation may have overtaken).
    ``revisions``, when given, are the ones the caller accepts (what it read,
    the API's If-Match); another is a ``StaleWrite``. A row deleted since it
    was read raises the model's ``DoesNotExist`` (the API's 404).
    """
    current = type(instance).objects.select_for_update(no_key=True).get(pk=instance.pk)
    if revisions is not None and current.revision not in revisions:
        raise StaleWrite(
            _stale_message(instance.pk, revisions, current.revision), precondition=True
        )
    return current


def _stale_message(pk: str, revisions: Collection[int], now: int) -> str:
    if not revisions:  # only weak or foreign tags, which never match a change
        return _(
            "The If-Match header names no ETag this API sent for %(row)s (a weak ETag never "
            'matches for a change); it is at revision %(now)s: send If-Match: "%(now)s".'
        ) % {"row": pk, "now": now}
    return _(
        "%(row)s changed since it was read (revision %(read)s, now %(now)s); "
        "read it again and make the change there."
    ) % {"row": pk, "read": ", ".join(map(str, sorted(revisions))), "now": now}


def venues_lock(venue_ids: Iterable[str | None]) -> None:
    """Lock the venues' rows in id order: every writer that takes several does, so none deadlock.

    Venues are locked before events everywhere (a booking's check reads the
    venue's other contracts under its venue's lock). ``FOR NO KEY UPDATE``,
    as every row lock here: it still keeps a second writer of the venue
    waiting, but not a write of an event that merely refers to it (which
    PostgreSQL makes take ``FOR KEY SHARE`` on the venue, and would deadlock
    against a plain ``FOR UPDATE`` held by a writer waiting for that event).
    """
    ids = sorted({venue_id for venue_id in venue_ids if venue_id is not None})
    list(Venue.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk"))


def validated_save(
    instance: models.Model, errors: Errors | None = None, *, fields: Iterable[str] | None = None
) -> None:
    """Save ``instance`` after ``full_clean``, reporting its errors with ``errors`` at once.

    ``fields``: the columns this write owns; the others are left as stored.
    """
    try:
        instance.full_clean()
    except ValidationError as invalid:
        raise ValidationError(merge(invalid.message_dict, errors or {})) from None
    raise_errors(errors or {})
    if fields is None or instance._state.adding:
        instance.save()
    else:
        instance.save(update_fields=set(fields))


def assign(instance: models.Model, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


def current_for_update(instance: Row, *, revisions: Collection[int] | None = None) -> Row:
    """``locked_current`` for a stored row; a new one (not saved yet) as it is."""
    return instance if instance._state.adding else locked_current(instance, revisions=revisions)


def rows_replace(
    *,
    parent: models.Model,
    relation: str,
    row_model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
) -> None:
    """Replace the nested rows ``parent.<relation>`` with ``rows``, each validated.

    Errors name the row as ``<relation>.<index>.<field>``, the path the API
    and the importer report.
    """
    parent_field = parent._meta.get_field(relation).field.name
    new_rows = [row_model(**{parent_field: parent}, **fields) for fields in rows]
    current_rows = list(getattr(parent, relation).all())
    if [_values(row) for row in current_rows] == [_values(row) for row in new_rows]:
        return  # unchanged: keep the rows (and their ids) as they are
    getattr(parent, relation).all().delete()
    # A prefetched copy of the old rows would outlive them (the API prefetches).
    getattr(parent, "_prefetched_objects_cache", {}).pop(relation, None)
    errors: Errors = {}
    for index, row in enumerate(new_rows):
        try:
            row.full_clean()
        except ValidationError as invalid:
            for field, messages in invalid.message_dict.items():
                errors[f"{relation}.{index}.{field}"] = messages
            continue
        row.save()
    raise_errors(errors)


def _values(row: models.Model) -> tuple:
    return tuple(getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key)


@transaction.atomic
def feature_create(*, code: str, name_zh: str = "", name_en: str = "") -> Feature:
    feature = Feature(code=code, name_zh=name_zh, name_en=name_en)
    validated_save(feature)
    return feature


@transaction.atomic
def feature_update(*, feature: Feature, **fields: Any) -> Feature:
    feature = locked_current(feature)
    assign(feature, fields)
    validated_save(feature)
    return feature


@transaction.atomic
def feature_delete(*, feature: Feature) -> None:
    """Delete a feature no venue has and no event requires."""
    if feature.venues.exists() or feature.required_by.exists():
        raise ValidationError(f"{feature.code} is still used by venues or events.")
    feature.delete()


@transaction.atomic
def features_name(*, names: Mapping[str, Mapping[str, str]]) -> list[Feature]:
    """Create or rename features from a vocabulary ``{code: {"zh": ..., "en": ...}}``."""
    return [
        Feature.objects.update_or_create(
            code=code, defaults={"name_zh": name.get("zh", ""), "name_en": name.get("en", "")}
        )[0]
        for code, name in names.items()
    ]


def features_ensure(*, codes: Iterable[str]) -> list[Feature]:
    """The features with ``codes``, creating unknown ones named by their code."""
    return [
        Feature.objects.get_or_create(code=code, defaults={"name_en": code})[0]
        for code in dict.fromkeys(codes)
    ]


@transaction.atomic
def venue_create(
    *,
    id: str,
    features: Iterable[Feature | str] = (),
    unavailable: Iterable[Mapping[str, Any]] = (),
    **fields: Any,
) -> Venue:
    return venue_update(venue=Venue(id=id), features=features, unavailable=unavailable, **fields)


@transaction.atomic
def venue_update(
    *,
    venue: Venue,
    revisions: Collection[int] | None = None,
    features: Iterable[Feature | str] | None = None,
    unavailable: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Venue:
    """Change a venue; ``features`` and ``unavailable``, when given, replace the old ones.

    Refused when a confirmed event pinned there would no longer fit: the
    venue's row is locked first, as a confirmation locks it, so a shrinking
    venue and a new contract are judged one after the other.
    """
    venue = current_for_update(venue, revisions=revisions)
    assign(venue, fields)
    validated_save(venue)
    if features is not None:
        venue.features.set(features)
    if unavailable is not None:
        rows_replace(
            parent=venue, relation="unavailable", row_model=VenueUnavailability, rows=unavailable
        )
    raise_errors(commitment_errors(venue))
    return venue


@transaction.atomic
def venue_delete(*, venue: Venue, revisions: Collection[int] | None = None) -> None:
    """Delete a venue no event is restricted to (pins and plans protect it in the database)."""
    venue = locked_current(venue, revisions=revisions)
    if restricted := sorted(venue.allowed_events.values_list("pk", flat=True)):
        raise ValidationError(
            f"{venue.pk} is an allowed venue of {', '.join(restricted)}; change those first."
        )
    venue.delete()


@transaction.atomic
def hotel_create(*, id: str, reduced: Iterable[Mapping[str, Any]] = (), **fields: Any) -> Hotel:
    return hotel_update(hotel=Hotel(id=id), reduced=reduced, **fields)


@transaction.atomic
def hotel_delete(*, hotel: Hotel, revisions: Collection[int] | None = None) -> None:
    """Delete a hotel (plans that booked its rooms protect it in the database)."""
    locked_current(hotel, revisions=revisions).delete()


@transaction.atomic
def hotel_update(
    *,
    hotel: Hotel,
    revisions: Collection[int] | None = None,
    reduced: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Hotel:
    """Change a hotel; ``reduced``, when given, replaces its reduced room blocks."""
    hotel = current_for_update(hotel, revisions=revisions)
    assign(hotel, fields)
    validated_save(hotel)
    if reduced is not None:
        rows_replace(parent=hotel, relation="reduced", row_model=HotelReduction, rows=reduced)
    return hotel
