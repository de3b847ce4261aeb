from django.contrib import admin

from venues.models import Feature, Hotel, HotelReduction, Venue, VenueUnavailability


@admin.register(Feature)
class FeatureAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en"]
    search_fields = ["code", "name_zh", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        # Codes are in problem files and event requirements: given once.
        return ["code"] if obj else []


class VenueUnavailabilityInline(admin.TabularInline):
    model = VenueUnavailability
    extra = 0


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["id", "name_zh", "name_en", "kind", "district", "capacity", "area_m2"]
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
    list_filter = ["stars", "district"]
    search_fields = ["id", "name_zh", "name_en", "district", "address_zh", "address_en"]
    inlines = [HotelReductionInline]

    def get_readonly_fields(self, request, obj=None):
        return ["id"] if obj else []
