"""The availability question as a form: the one validation for the API and the admin page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from bookings.availability import CALENDAR, AvailabilityRequest
from events.models import CATEGORY_CHOICES
from scheduler.problem import DateRange
from venues.models import Feature

MAX_WINDOW_DAYS = 3 * 366  # a question beyond three years is a mistake, not a plan


class AvailabilityForm(forms.Form):
    """Help texts stay English here (the API schema shows them) and are marked for
    ``makemessages``; the admin page translates them (``{% translate field.help_text %}``)."""

    category = forms.ChoiceField(choices=CATEGORY_CHOICES, label=_("Category"))
    window_start = forms.DateField(
        label=_("Window start"), help_text=gettext_noop("First day a public day may fall on.")
    )
    window_end = forms.DateField(
        label=_("Window end"), help_text=gettext_noop("Last day a public day may fall on.")
    )
    duration_days = forms.IntegerField(
        min_value=1, max_value=366, label=_("Public days"), help_text=gettext_noop("Public days.")
    )
    setup_days = forms.IntegerField(
        min_value=0, max_value=60, required=False, initial=0, label=_("Move-in days")
    )
    teardown_days = forms.IntegerField(
        min_value=0, max_value=60, required=False, initial=0, label=_("Move-out days")
    )
    area_m2 = forms.IntegerField(min_value=0, required=False, initial=0, label=_("Area (m²)"))
    attendance = forms.IntegerField(min_value=0, required=False, initial=0, label=_("Attendance"))
    exclusive = forms.BooleanField(required=False, label=_("Whole venue"))
    required_features = forms.ModelMultipleChoiceField(
        queryset=Feature.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Required features"),
    )
    rooms_per_night = forms.IntegerField(min_value=1, required=False, label=_("Rooms a night"))
    min_stars = forms.IntegerField(
        min_value=0, max_value=5, required=False, label=_("Hotel stars at least")
    )
    max_distance_km = forms.FloatField(
        min_value=0, required=False, label=_("Hotel distance at most (km)")
    )
    nights_before = forms.IntegerField(
        min_value=0, max_value=30, required=False, label=_("Hotel nights before")
    )
    nights_after = forms.IntegerField(
        min_value=0, max_value=30, required=False, label=_("Hotel nights after")
    )

    def clean_window_start(self) -> dt.date:
        return _in_calendar(self.cleaned_data["window_start"])

    def clean_window_end(self) -> dt.date:
        return _in_calendar(self.cleaned_data["window_end"])

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start and end:
            if end < start:
                self.add_error("window_end", "The window ends before it starts.")
            elif (end - start).days >= MAX_WINDOW_DAYS:
                self.add_error("window_end", f"Ask about at most {MAX_WINDOW_DAYS} days at once.")
            elif cleaned.get("duration_days") and (end - start).days + 1 < cleaned["duration_days"]:
                self.add_error("duration_days", "The window is shorter than the public days.")
        hotel_terms = ("min_stars", "max_distance_km", "nights_before", "nights_after")
        if cleaned.get("rooms_per_night") is None:
            for name in hotel_terms:
                if cleaned.get(name) is not None:
                    self.add_error(name, "Give rooms_per_night with the hotel terms.")
        return cleaned

    def availability_request(self) -> AvailabilityRequest:
        """The validated question; call after ``is_valid()``."""
        data = self.cleaned_data
        window: tuple[dt.date, dt.date] = (data["window_start"], data["window_end"])
        return AvailabilityRequest(
            category=data["category"],
            window=DateRange(*window),
            duration_days=data["duration_days"],
            setup_days=data.get("setup_days") or 0,
            teardown_days=data.get("teardown_days") or 0,
            area_m2=data.get("area_m2") or 0,
            attendance=data.get("attendance") or 0,
            exclusive=bool(data.get("exclusive")),
            required_features=tuple(sorted(f.code for f in data.get("required_features") or ())),
            rooms_per_night=data.get("rooms_per_night"),
            min_stars=data.get("min_stars"),
            max_distance_km=data.get("max_distance_km"),
            nights_before=data.get("nights_before"),
            nights_after=data.get("nights_after"),
        )


def _in_calendar(day: dt.date) -> dt.date:
    """``day``, when the move-in, move-out and hotel nights around it are dates too."""
    if not CALENDAR.contains(day):
        raise forms.ValidationError(
            f"Give a day in the years {CALENDAR.start.year}..{CALENDAR.end.year}."
        )
    return day
