"""The shapes of API.md "Redemption and transfers". Shapes only: the rules are the services' (NR1-NR3, OR1, T1-T5)."""

from __future__ import annotations

from rest_framework import serializers

from loyalty.api.fields import StrictIntegerField
from points.models import Hotel

from ..models import Award
from .member_serializers import StrictCharField

MAX_CERTIFICATES = 20  # per request through the API (a shape limit; the rules are NR1's)


class CertificateRequestSerializer(serializers.Serializer):
    """NR1, NR2: how many certificates, handed over at which Group Hotel during the stay arriving when."""

    count = StrictIntegerField(min_value=1, max_value=MAX_CERTIFICATES, help_text="Certificates (k x 5,000 points).")
    hotel = StrictCharField(max_length=Hotel._meta.get_field("code").max_length, help_text="A Group Hotel in Japan.")
    arrival_on = serializers.DateField(
        help_text="At least 10 days (Default) after today (NR2), and not after the validity of the certificates "
        "issued today (NR3; else `invalid`)."
    )


class CertificateSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="Registration number (NR3).")
    value = serializers.IntegerField(help_text="JPY.")
    valid_until = serializers.DateField()


class CertificatesResultSerializer(serializers.Serializer):
    certificates = CertificateSerializer(many=True)
    points_redeemed = serializers.IntegerField()
    balance = serializers.IntegerField(help_text="Posted points after the redemption.")


class AwardRedemptionSerializer(serializers.Serializer):
    award = StrictCharField(max_length=Award._meta.get_field("code").max_length, help_text="An award code (OR1).")


class AwardRedemptionResultSerializer(serializers.Serializer):
    award = serializers.CharField()
    points_redeemed = serializers.IntegerField()
    balance = serializers.IntegerField(help_text="Posted points after the redemption.")


class TransferSerializer(serializers.Serializer):
    """T1-T5: the giving member (`from`), the receiving family member (`to`) and who asked for it (`consents`: both,
    `["from", "to"]`, T2; a missing one is answered `consent_missing`)."""

    to = StrictCharField(max_length=20, help_text="Any card number of the receiving family member.")
    consents = serializers.ListField(
        child=serializers.ChoiceField(choices=["from", "to"]),
        max_length=2,
        allow_empty=True,
        required=False,
        default=list,
        help_text='Who asked for the transfer (T2): both, `["from", "to"]`, are required.',
    )

    def get_fields(self):
        # ``from`` is a Python keyword, so it cannot be declared as a class attribute; keep the contract's order.
        fields = super().get_fields()
        giver = StrictCharField(max_length=20, help_text="Any card number of the giving member.")
        return {"from": giver, **fields}


class TransferResultSerializer(serializers.Serializer):
    points_moved = serializers.IntegerField(help_text="All of the giver's valid posted points (T3).")


class MemberCancelledSerializer(serializers.Serializer):
    number = serializers.CharField()
    closed_on = serializers.DateField()
    points_forfeited = serializers.IntegerField(help_text="Posted and pending points forfeited (M9).")
