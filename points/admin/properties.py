"""Hotels and outlets, with each outlet's effective-dated designation (NE2, NX1, OE3, OE5)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from loyalty import clock
from loyalty.adminkit import (
    HistoryAdmin,
    ScopedChoicesMixin,
    ScopedRelatedFieldListFilter,
    StaffScopeMixin,
    TabularInline,
)
from points.models import (
    Hotel,
    Outlet,
    OutletDesignation,
)

# --- Hotels and outlets ----------------------------------------------------------------------------------------


class OutletInline(ScopedChoicesMixin, TabularInline):
    model = Outlet
    extra = 0
    fields = ("code", "name", "kind")
    show_change_link = True  # the designations (NE2) are on the outlet's page


@admin.register(Hotel)
class HotelAdmin(StaffScopeMixin, HistoryAdmin):
    """Hotels: group or associate (NX1), country (NX1), brand (OE5 JAL Coupons), travel-agency stays (OE3)."""

    program_path = "program"
    hotel_path = "pk"
    list_display = (
        "code",
        "name",
        "program",
        "brand",
        "affiliation",
        "country",
        "accepts_jal_coupons",
        "travel_agency_stays_earn",
        "active",
    )
    list_filter = (
        ("program", ScopedRelatedFieldListFilter),
        "brand",
        "affiliation",
        "country",
        "accepts_jal_coupons",
        "active",
    )
    list_select_related = ("program",)
    search_fields = ("=code", "name")
    inlines = (OutletInline,)


def _designated_now():
    today = clock.today()
    return Subquery(
        OutletDesignation.objects.filter(outlet=OuterRef("pk"), effective_from__lte=today)
        .order_by("-effective_from")
        .values("designated")[:1]
    )


class OutletDesignationInline(ScopedChoicesMixin, TabularInline):
    model = OutletDesignation
    extra = 0
    fields = ("effective_from", "designated")


@admin.register(Outlet)
class OutletAdmin(StaffScopeMixin, HistoryAdmin):
    """A restaurant or bar; whether it earns is effective-dated (NE2, PT1): add a designation row, never edit
    history away."""

    program_path = "hotel__program"
    hotel_path = "hotel"
    list_display = ("hotel", "code", "name", "kind", "designated_now")
    list_filter = (("hotel__program", ScopedRelatedFieldListFilter), "kind", ("hotel", ScopedRelatedFieldListFilter))
    list_select_related = ("hotel",)
    search_fields = ("=code", "name", "=hotel__code")
    autocomplete_fields = ("hotel",)
    inlines = (OutletDesignationInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(designated_today=_designated_now())

    @admin.display(description=_("designated today (NE2)"), boolean=True)
    def designated_now(self, obj: Outlet):
        return getattr(obj, "designated_today", None)


@admin.register(OutletDesignation)
class OutletDesignationAdmin(StaffScopeMixin, HistoryAdmin):
    program_path = "outlet__hotel__program"
    hotel_path = "outlet__hotel"
    list_display = ("outlet", "effective_from", "designated")
    list_filter = ("designated", ("outlet__hotel", ScopedRelatedFieldListFilter))
    list_select_related = ("outlet__hotel",)
    search_fields = ("=outlet__code", "=outlet__hotel__code")
    autocomplete_fields = ("outlet",)
