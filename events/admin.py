import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import CategoryScopedAdmin
from events import selectors, services, validation
from events.models import Blackout, Event, PlanningRules, Target
from venues.models import Venue


class EventYearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = {
            day.year
            for field in ("window_start", "window_end", "pinned_start")
            for day in Event.objects.dates(field, "year")
        }
        return [(year, year) for year in sorted(years)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            year = int(self.value())
            dt.date(year, 1, 1)
        except (ValueError, OverflowError):
            # The admin answers a bad lookup with its "invalid filter" page, not a 500.
            raise IncorrectLookupParameters(f"No calendar year {self.value()}.") from None
        return selectors.event_list_in_year(year=year, events=queryset)


class ContractForm(forms.Form):
    """What a contract fixes: the venue, the first day or both (either alone is a partial pin)."""

    venue = forms.ModelChoiceField(Venue.objects.all(), required=False, label="Venue:")
    start = forms.DateField(required=False, label="First day:")


class EventActionForm(ActionForm, ContractForm):
    """The changelist's action bar, with the contract's fields for "Confirm"."""

    # Text here, read as a date by ContractForm when the action runs: the changelist
    # would take a mistyped day for "No action selected".
    start = forms.CharField(required=False, label="First day:", widget=AdminDateWidget)


class EventAdminForm(forms.ModelForm):
    """The admin builds the fields from the fieldsets; this adds the many-to-many checks."""

    def clean(self):
        cleaned = super().clean()
        # Model.clean() cannot see the many-to-many values being saved; check them here.
        errors = validation.requirement_errors(
            self.instance,
            required_features=[f.pk for f in cleaned.get("required_features", [])],
            allowed_venues=[v.pk for v in cleaned.get("allowed_venues", [])],
        )
        if errors:
            self.add_error(None, ValidationError(errors))
        return cleaned

    def _post_clean(self) -> None:
        super()._post_clean()  # self.instance now holds the values being saved
        event = self.instance
        if (
            self.errors
            or event.status != Event.Status.CONFIRMED
            or not validation.is_fully_pinned(event)
        ):
            return
        # The API's edits are judged by the same check (events.services._booking_save).
        for message in services.clash_messages(
            event=event, venue=event.pinned_venue, start=event.pinned_start
        ):
            self.add_error(None, message)

    def add_error(self, field, error) -> None:
        """Errors of fields the form does not edit (the pinned placement) go on top of the form.

        Django refuses them otherwise, with a 500, when Model.clean() names them.
        """
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            shown: dict[str, list] = {}
            for name, errors in error.error_dict.items():
                shown.setdefault(name if name in self.fields else NON_FIELD_ERRORS, []).extend(
                    errors
                )
            error = ValidationError(shown)
        super().add_error(field, error)


@admin.register(Event)
class EventAdmin(CategoryScopedAdmin, SimpleHistoryAdmin):  # "History": docs/planner.md
    category_field = "category"  # convention or sports staff change their own (accounts.roles)
    form = EventAdminForm
    list_display = [
        "id",
        "name_zh",
        "name_en",
        "category",
        "international",
        "status",
        "window_start",
        "window_end",
        "pinned_venue",
        "pinned_start",
    ]
    list_filter = ["category", "international", "status", EventYearFilter, "mandatory"]
    search_fields = ["id", "name_zh", "name_en", "organiser"]
    filter_horizontal = ["required_features", "allowed_venues"]
    # The lifecycle moves through the actions (the services), never by hand.
    readonly_fields = ["status", "pinned_venue", "pinned_start", "previous_venue", "previous_start"]
    actions = ["confirm_contract", "confirm_where_placed", "cancel"]
    action_form = EventActionForm

    fieldsets = [
        (None, {"fields": ["id", ("name_zh", "name_en"), "category", "international"]}),
        (
            "Days",
            {
                "fields": [
                    ("duration_days", "setup_days", "teardown_days"),
                    ("window_start", "window_end", "preferred_start"),
                    ("start_time", "end_time"),
                ]
            },
        ),
        (
            "Size and venue",
            {
                "fields": [
                    ("attendance", "area_m2", "exclusive"),
                    "required_features",
                    "allowed_venues",
                ]
            },
        ),
        (
            "Hotel rooms",
            {
                "fields": [
                    ("hotel_rooms_per_night", "hotel_min_stars", "hotel_max_distance_km"),
                    ("hotel_nights_before", "hotel_nights_after"),
                ]
            },
        ),
        ("Planning", {"fields": [("value", "mandatory")]}),
        (
            "Lifecycle",
            {
                "fields": [
                    "status",
                    ("pinned_venue", "pinned_start"),
                    ("previous_venue", "previous_start"),
                ]
            },
        ),
        (
            "Description",
            {"fields": ["organiser", ("description_zh", "description_en")]},
        ),
    ]

    def has_delete_permission(self, request, obj=None):
        # A signed contract stays on record: a confirmed event is cancelled, not deleted
        # (also refuses a bulk delete that includes one: Django checks each row).
        confirmed = obj is not None and obj.status == Event.Status.CONFIRMED
        return super().has_delete_permission(request, obj) and not confirmed

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "id"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        """An edit writes the form's own fields, never the lifecycle.

        The lifecycle fields are read-only here, but a save of the whole row
        would write back the status and contract as loaded with the form: a
        confirmation made in the meantime would be undone. Every field of the
        form is written, changed or not, so the history's "Revert" (a form
        filled with an old version) restores them all.
        """
        if not change:
            obj.save()
            return
        lists = {field.name for field in obj._meta.many_to_many}
        obj.save(update_fields=[name for name in form.fields if name not in lists])

    def _each(self, request, queryset, change, done: str) -> None:
        changed = 0
        for event in queryset:
            try:
                change(event)
            except ValidationError as refused:
                # One message per problem, though it may name two fields (venue, start).
                said = " ".join(dict.fromkeys(refused.messages))
                self.message_user(request, f"{event.pk}: {said}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{changed} event(s) {done}.", messages.SUCCESS)

    @admin.action(description="Confirm: contract to the venue and/or first day given")
    def confirm_contract(self, request, queryset):
        """Sign, or complete, each selected event's contract with the action bar's fields."""
        contract = ContractForm(request.POST)
        if not contract.is_valid():
            for field, errors in contract.errors.items():
                self.message_user(
                    request, f"{contract[field].label} {' '.join(errors)}", messages.ERROR
                )
            return
        self._each(
            request,
            queryset,
            lambda event: services.event_confirm(event=event, **contract.cleaned_data),
            "confirmed",
        )

    @admin.action(description="Confirm where the published plan placed them")
    def confirm_where_placed(self, request, queryset):
        def confirm(event: Event) -> None:
            if event.previous_venue_id is None:
                raise ValidationError(
                    "no published placement to confirm; give a venue or a first day and "
                    "use the action that confirms them."
                )
            services.event_confirm(
                event=event, venue=event.previous_venue, start=event.previous_start
            )

        self._each(request, queryset, confirm, "confirmed")

    @admin.action(description="Cancel")
    def cancel(self, request, queryset):
        self._each(request, queryset, lambda event: services.event_cancel(event=event), "cancelled")


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["year", "category", "international", "min_count"]
    list_filter = ["year", "category", "international"]


@admin.register(Blackout)
class BlackoutAdmin(admin.ModelAdmin):
    list_display = ["start", "end", "categories", "reason_zh", "reason_en"]
    search_fields = ["reason_zh", "reason_en"]
    date_hierarchy = "start"


@admin.register(PlanningRules)
class PlanningRulesAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "min_gap_sports_days",
        "major_attendance_at_least",
        "major_max_events",
    ]

    def has_add_permission(self, request):
        # One row, and only for a role that may add it (planners).
        return super().has_add_permission(request) and not PlanningRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
