from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from events.validation import commitment_errors
from venues.models import Feature, Hotel, HotelReduction, Venue, VenueUnavailability


@admin.register(Feature)
class FeatureAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en"]
    fields = ["code", ("name_zh", "name_en")]
    search_fields = ["code", "name_zh", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        # Codes are in problem files and event requirements: given once.
        return ["code"] if obj else []


class VenueUnavailabilityFormSet(forms.BaseInlineFormSet):
    """The closures as about to be saved, refused where they fall on a confirmed event."""

    def clean(self) -> None:
        super().clean()
        if self.instance._state.adding or any(self.errors):
            return
        closures = [
            form.instance
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not self._should_delete_form(form)
        ]
        # The venue as stored: its size and features are the venue form's to check.
        stored = Venue.objects.get(pk=self.instance.pk)
        if errors := commitment_errors(stored, closures=closures):
            raise ValidationError([m for messages in errors.values() for m in messages])


class VenueUnavailabilityInline(admin.TabularInline):
    model = VenueUnavailability
    formset = VenueUnavailabilityFormSet
    extra = 0


class VenueAdminForm(forms.ModelForm):
    """The venue's size and features as about to be saved, refused where a contract breaks.

    The same ``commitment_errors`` as the API's ``venue_update``; the closures
    are the inline formset's to check.
    """

    def _post_clean(self) -> None:
        super()._post_clean()  # self.instance now holds the size being saved
        if self.errors or "features" not in self.cleaned_data:
            return
        features = [feature.code for feature in self.cleaned_data["features"]]
        for messages in commitment_errors(self.instance, features=features).values():
            for message in messages:
                self.add_error(None, message)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    form = VenueAdminForm
    list_display = ["id", "name_zh", "name_en", "kind", "district", "capacity", "area_m2"]
    fields = [
        "id",
        ("name_zh", "name_en"),
        ("kind", "district"),
        ("address_zh", "address_en"),
        ("lat", "lon"),
        ("capacity", "area_m2"),
        "features",
    ]
    list_filter = ["kind", "district", "features"]
    search_fields = ["id", "name_zh", "name_en", "district", "address_zh", "address_en"]
    filter_horizontal = ["features"]
    inlines = [VenueUnavailabilityInline]

    def get_readonly_fields(self, request, obj=None):
        # The id is in every problem file and plan: given once.
        return ["id"] if obj else []


class HotelReductionInline(admin.TabularInline):
    model = HotelReduction
    extra = 0


@admin.register(Hotel)
class HotelAdmin(admin.ModelAdmin):
    list_display = ["id", "name_zh", "name_en", "stars", "district", "block_rooms"]
    fields = [
        "id",
        ("name_zh", "name_en"),
        ("stars", "district"),
        ("address_zh", "address_en"),
        ("lat", "lon"),
        "block_rooms",
    ]
    list_filter = ["stars", "district"]
    search_fields = ["id", "name_zh", "name_en", "district", "address_zh", "address_en"]
    inlines = [HotelReductionInline]

    def get_readonly_fields(self, request, obj=None):
        return ["id"] if obj else []
