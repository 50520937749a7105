"""The shapes of API.md "Bills". Shapes only: what a bill earns is the rulebook's business (loyalty.rulebooks)."""

from __future__ import annotations

from rest_framework import serializers

from loyalty import rulebooks as rb
from loyalty.api.fields import PlausibleDateField, StrictIntegerField

MAX_YEN = 100_000_000


def yen(**kwargs) -> serializers.IntegerField:
    return StrictIntegerField(min_value=0, max_value=MAX_YEN, **kwargs)


def choice(values, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=sorted(values), **kwargs)


class ChargeSerializer(serializers.Serializer):
    date = PlausibleDateField(required=False)
    room = serializers.CharField(max_length=20, required=False, allow_null=True)
    category = choice(rb.CHARGE_CATEGORIES)
    amount = yen()
    tax_service = yen(default=0)


class PaymentSerializer(serializers.Serializer):
    method = choice(rb.PAYMENT_METHODS)
    amount = yen()


class RoomSerializer(serializers.Serializer):
    room = serializers.CharField(max_length=20)
    member_room = serializers.BooleanField(default=False)
    for_points = serializers.BooleanField(default=False)
    members = serializers.ListField(child=serializers.CharField(max_length=20), default=list, max_length=20)


class CheckSerializer(serializers.Serializer):
    outlet = serializers.CharField(max_length=20)
    number = serializers.CharField(max_length=40)
    date = PlausibleDateField()
    charges = ChargeSerializer(many=True, allow_empty=False, max_length=200)


class BillSerializer(serializers.Serializer):
    """A settled billing: a stay folio or a restaurant/bar check (API.md)."""

    hotel = serializers.CharField(max_length=20)
    number = serializers.CharField(max_length=40)
    member = serializers.CharField(max_length=20, help_text="Any card number of the earning member (M2).")
    kind = choice(rb.KINDS)
    paid_on = PlausibleDateField(help_text="From 2000-01-01 to tomorrow (Asia/Tokyo), else `implausible_date`.")
    outlet = serializers.CharField(max_length=20, required=False, allow_null=True)
    reservation_channel = choice(rb.CHANNELS, required=False, allow_null=True)
    card_presented = serializers.BooleanField(default=True)
    paid_by_member = serializers.BooleanField(default=True)
    settlement = choice(rb.SETTLEMENTS, default="on_the_spot")
    with_banquet = serializers.BooleanField(default=False)
    wedding = serializers.BooleanField(default=False)
    other_hotel_program = serializers.BooleanField(default=False)
    payments = PaymentSerializer(many=True, allow_empty=False, max_length=50)
    rooms = RoomSerializer(many=True, default=list, max_length=50)
    charges = ChargeSerializer(many=True, default=list, max_length=2000)
    room_charged_checks = CheckSerializer(many=True, default=list, max_length=200)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return _plain(value)


def _plain(value):
    """Validated data as plain JSON types (dates as ISO strings): what is stored and fingerprinted."""
    import datetime as dt

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class UnitSerializer(serializers.Serializer):
    label = serializers.CharField()
    kind = serializers.CharField()
    date = serializers.DateField()
    eligible_amount = serializers.IntegerField()
    points = serializers.IntegerField()
    bonus_points = serializers.IntegerField()


class ExclusionSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The Rulebook ID of the reason (NX3, OE5, ...).")
    amount = serializers.IntegerField()
    detail = serializers.CharField()
    unit = serializers.CharField(required=False)


class BillResultSerializer(serializers.Serializer):
    hotel = serializers.CharField()
    number = serializers.CharField()
    member = serializers.CharField()
    points = serializers.IntegerField()
    bonus_points = serializers.IntegerField()
    posts_on = serializers.DateField()
    nights = serializers.IntegerField()
    units = UnitSerializer(many=True)
    exclusions = ExclusionSerializer(many=True)


class _NoUnknownFields:
    """A refunded line names only the fields it has: a misspelt one would otherwise widen the match (API.md 1.1)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                allowed = ", ".join(self.fields)
                raise serializers.ValidationError({key: [f"Unknown field: a line takes {allowed}."] for key in unknown})
        return super().to_internal_value(data)


class RefundChargeSerializer(_NoUnknownFields, serializers.Serializer):
    """A refunded folio charge, as the bill sent it (API.md 1.1)."""

    date = serializers.DateField(required=False)
    room = serializers.CharField(max_length=20, required=False)
    category = choice(rb.CHARGE_CATEGORIES)
    amount = yen()
    tax_service = yen(required=False)


class RefundCheckSerializer(_NoUnknownFields, serializers.Serializer):
    """A refunded room-charged check, whole, by outlet and number (API.md 1.1)."""

    outlet = serializers.CharField(max_length=20)
    number = serializers.CharField(max_length=40)


class RefundSerializer(serializers.Serializer):
    """R1, API.md 1.1: ``{"amount": N}``, the named lines, or ``{}`` for the whole bill. The body must be a JSON
    object with no other field: ``null``, a list, a number, a string or ``{"Amount": 5000}`` used to refund the
    whole bill (issue 13 item 2); each now answers 400 naming what is wrong, and nothing is retracted."""

    amount = StrictIntegerField(min_value=1, max_value=MAX_YEN, required=False)
    charges = RefundChargeSerializer(many=True, required=False, max_length=2000)
    checks = RefundCheckSerializer(many=True, required=False, max_length=200)

    def run_validation(self, data=serializers.empty):
        if data is None:  # DRF's own check would answer "No data provided" without naming the body
            return self.to_internal_value(data)
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            kind = "null" if data is None else type(data).__name__
            raise serializers.ValidationError(
                {"body": [f'The refund must be a JSON object such as {{"amount": 5000}} or {{}}, not {kind}.']},
                code="invalid",
            )
        unknown = sorted(str(key) for key in data if key not in self.fields)
        if unknown:
            allowed = ", ".join(self.fields)
            raise serializers.ValidationError({key: [f"Unknown field: a refund takes {allowed}."] for key in unknown})
        return super().to_internal_value(data)

    def validate(self, attrs):
        if "amount" in attrs and ("charges" in attrs or "checks" in attrs):
            raise serializers.ValidationError({"amount": ["name the refunded lines or an amount, not both"]})
        named = [name for name in ("charges", "checks") if name in attrs]
        if named and not any(attrs[name] for name in named):  # [] is not "the whole bill" (issue 13 item 2)
            raise serializers.ValidationError({name: ["name at least one refunded line"] for name in named})
        return attrs


class RefundResultSerializer(serializers.Serializer):
    points_retracted = serializers.IntegerField()
    balance = serializers.IntegerField()
