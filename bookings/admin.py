"""Holds in the admin (with their history), and the availability page for planners."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import CategoryScopedAdmin
from accounts.roles import event_categories
from bookings import services
from bookings.availability import READ_PERMISSION, availability_search
from bookings.forms import AvailabilityForm
from bookings.models import VenueHold

ADD_FIELDS = ["event", "venue", "start", "expires_on", "holder_email"]


@admin.register(VenueHold)
class VenueHoldAdmin(CategoryScopedAdmin, SimpleHistoryAdmin):
    """Holds change only through the services: added by ``hold_place``, ended by actions.

    Convention or sports staff place and end the holds of their own events (accounts.roles).
    """

    category_field = "event__category"

    list_display = ["event", "venue", "start", "rank", "status", "expires_on", "holder_email"]
    list_filter = ["status", "venue", "rank"]
    search_fields = ["event__id", "event__name_zh", "event__name_en", "holder_email"]
    date_hierarchy = "start"
    actions = ["release", "confirm"]

    def get_fields(self, request, obj=None):
        return ADD_FIELDS if obj is None else [*ADD_FIELDS, "rank", "status", "holder"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a hold ends by release or expiry, keeping its record

    def save_model(self, request, obj: VenueHold, form, change) -> None:
        if change:
            return
        placed = services.hold_place(
            event=obj.event,
            venue=obj.venue,
            start=obj.start,
            expires_on=obj.expires_on,
            holder=request.user,
            holder_email=obj.holder_email,
        )
        obj.pk, obj.rank = placed.pk, placed.rank

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except ValidationError as refused:
            # The service refused inside the admin's transaction, which rolled back.
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        services.holds_expire()  # what the planner sees is never stale
        return super().changelist_view(request, extra_context)

    def _each(self, request, queryset, change, done: str) -> None:
        changed = 0
        for hold in queryset:
            try:
                change(hold)
            except ValidationError as refused:
                self.message_user(request, f"{hold}: {' '.join(refused.messages)}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{changed} hold(s) {done}.", messages.SUCCESS)

    @admin.action(description="Release the selected holds")
    def release(self, request, queryset):
        self._each(request, queryset, lambda hold: services.hold_release(hold=hold), "released")

    @admin.action(description="Confirm (book the venue for the event)")
    def confirm(self, request, queryset):
        self._each(request, queryset, lambda hold: services.hold_confirm(hold=hold), "confirmed")


@permission_required(READ_PERMISSION, raise_exception=True)
def availability_page(request: HttpRequest) -> HttpResponse:
    """The availability question and its answer, inside the admin (staff via admin_view).

    As in the API: staff without a role that reads holds get a 403, and each
    role sees the holds of its own categories only.
    """
    form = AvailabilityForm(request.GET or None)
    answer = None
    if form.is_valid():
        answer = availability_search(
            request=form.availability_request(),
            hold_categories=event_categories(request.user),
        )
    context = {
        **admin.site.each_context(request),
        "title": "Venue availability",
        "form": form,
        "answer": answer,
    }
    return TemplateResponse(request, "bookings/availability.html", context)
