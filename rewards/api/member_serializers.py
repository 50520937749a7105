"""The shapes of API.md "Members". Shapes only: who may enroll whom, and how, is ``member_enroll``'s business."""

from __future__ import annotations

from rest_framework import serializers

from loyalty.api.fields import PlausibleDateField
from loyalty.emails import validate_member_email
from members.models import Card, Tier


class StrictCharField(serializers.CharField):
    """A JSON string, and only a string (DRF's CharField would take ``123`` or ``1.5`` for ``"123"``)."""

    default_error_messages = {"invalid": "Not a valid string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TierField(serializers.ChoiceField):
    """A One Harmony tier (ST1): ``member``, ``loyal`` or ``exclusive``."""

    def __init__(self, **kwargs):
        super().__init__(choices=Tier.choices, **kwargs)


class LegacySerializer(serializers.Serializer):
    """M2: a former OCI member's 6-digit number, or a My JALHotels number (office tokens only)."""

    oci = StrictCharField(required=False, max_length=6, help_text='6 digits: the member\'s number is "700" + it.')
    myj = StrictCharField(required=False, max_length=20, help_text="Kept as a card of the member (and a login name).")

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {key: ["Unknown legacy card kind: use oci or myj."] for key in unknown}
                )
        return super().to_internal_value(data)


class EnrolmentSerializer(serializers.Serializer):
    """M3: enroll a member. Codes and card numbers are resolved by the view; rules are ``member_enroll``'s."""

    program = StrictCharField(
        required=False, max_length=32, help_text="`one-harmony` or `new-otani`; defaults to the token's program."
    )
    family_name = StrictCharField(max_length=100)
    given_name = StrictCharField(max_length=100)
    email = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=254,
        validators=[validate_member_email],
        help_text="May be left out only with an office token (M3). Older mobile-carrier addresses "
        "(`taro..jiro.@docomo.ne.jp`) are accepted (API.md 1.1).",
    )
    phone = StrictCharField(required=False, allow_blank=True, max_length=30)
    enrolled_on = PlausibleDateField(
        required=False,
        help_text="Defaults to today. New Otani: the admission date (M6). From 2000-01-01 to tomorrow (Asia/Tokyo), "
        "else `implausible_date`.",
    )
    hotel = StrictCharField(
        required=False,
        allow_null=True,
        max_length=20,
        help_text="Code of the enrolling hotel; a hotel token's own hotel by default (and only that one).",
    )
    legacy = LegacySerializer(required=False, allow_null=True, help_text="Office tokens only (M2).")
    family_of = StrictCharField(
        required=False, allow_null=True, max_length=20, help_text="A card number of the principal member (T1)."
    )
    category = StrictCharField(
        required=False, allow_null=True, max_length=32, help_text="Membership category code (M10, New Otani)."
    )

    def validate_email(self, value: str) -> str:
        return value.strip()


class CardSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=Card.Kind.choices)


class EnrolledMemberSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="The membership number (M1; M2: 700 + the OCI number).")
    program = serializers.CharField()
    family_name = serializers.CharField()
    given_name = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    enrolled_on = serializers.DateField()
    cards = CardSerializer(many=True, help_text="Every card number of the member: its number and legacy cards.")


class PointsSerializer(serializers.Serializer):
    balance = serializers.IntegerField(help_text="Posted points; negative after a retraction (R1, EX5).")
    pending = serializers.IntegerField(help_text="Points not posted yet (NE7).")


class PendingSerializer(serializers.Serializer):
    points = serializers.IntegerField()
    posts_on = serializers.DateField()


class ExpiringSerializer(serializers.Serializer):
    expires_on = serializers.DateField(help_text="The last day these points are valid (EX1, EX2).")
    points = serializers.IntegerField()


class MemberAccountSerializer(serializers.Serializer):
    """A4: the account summary of a member."""

    number = serializers.CharField()
    program = serializers.CharField()
    status = TierField(help_text="New Otani members: `member` (ST1).")
    status_valid_until = serializers.DateField(allow_null=True, help_text="End of the status period in force (ST1).")
    points = PointsSerializer()
    pending = PendingSerializer(many=True, help_text="Pending points by posting date, soonest first (NE7).")
    expiring = ExpiringSerializer(many=True, help_text="Coming expiries, soonest first (EX6).")


class QualificationSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    points = serializers.IntegerField(help_text="Qualifying points of the year (ST2: base points, not bonus).")
    nights = serializers.IntegerField(help_text="Eligible nights of the year (SH1).")
    tier = TierField(help_text="The tier they reach (ST2).")
