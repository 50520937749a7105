"""``seed_demo``: a small, realistic world to click through, then the logins to use it.

Both programs with their hotels and outlets, the One Harmony award catalog, six members (a former OCI member, a
former My JALHotels member, a new member; a New Otani family with a corporate-category member), a few years of
bills judged by the rulebooks, the jobs of those years (status qualification J4, posting J1, expiry J2/J3), a
Reward Certificate request, a refund that leaves a negative balance (R1, EX5), and staff users for each office
and a front desk.

Everything that moves points goes through the services (enrolment, bills, the posting job, the ledger): the demo
writes no ledger row itself. Running it again only prints the logins (``make run`` calls it on every start).
"""

from __future__ import annotations

import calendar
import datetime as dt
import zlib
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from loyalty import clock
from members.models import Member, MembershipCategory, Program, User
from members.selectors import settings_on
from points.models import Bill, EntryKind, Hotel, Outlet, OutletDesignation
from points.selectors import points_summary
from points.services import bills as bill_service
from points.services import jobs, ledger
from points.services.enrolment import member_enroll
from rewards.models import Award, Certificate, CertificateRequest

MEMBER_PASSWORD = "Harmony2026"  # A2: 6-12 characters, capitals, small letters and digits
STAFF_PASSWORD = "Office2026!"
SITE = "http://127.0.0.1:8000/"
DESIGNATED_FROM = dt.date(2007, 10, 1)  # NE2: the New Otani terms' effective date (PT1)

# code, name, brand, country, affiliation, accepts JAL Coupons (OE5), travel-agency stays earn (OE3), outlets
# (code, name, kind, designated on and after 2007-10-01: NE2).
HOTELS = {
    Program.ONE_HARMONY: [
        (
            "HOK",
            "The Okura Tokyo",
            "okura",
            "JP",
            "group",
            False,
            False,
            [("YAMAZATO", "Yamazato", "restaurant", True), ("ORCHID-BAR", "Orchid Bar", "bar", True)],
        ),
        (
            "HNT",
            "Hotel Nikko Tokyo",
            "nikko",
            "JP",
            "group",
            True,
            False,
            [("TERRACE", "The Terrace", "restaurant", True), ("BAR-NIKKO", "Bar Nikko", "bar", True)],
        ),
        (
            "JCH",
            "Hotel JAL City Haneda Tokyo",
            "jal-city",
            "JP",
            "group",
            True,
            True,
            [("JCH-DINING", "All-day Dining", "restaurant", True), ("JCH-BAR", "Lobby Bar", "bar", True)],
        ),
    ],
    Program.NEW_OTANI: [
        (
            "NOT",
            "Hotel New Otani Tokyo",
            "new-otani",
            "JP",
            "group",
            False,
            False,
            [("SATSUKI", "Satsuki", "restaurant", True), ("GARDEN-LOUNGE", "Garden Lounge", "bar", False)],
        ),
        (
            "NOO",
            "Hotel New Otani Osaka",
            "new-otani",
            "JP",
            "group",
            False,
            False,
            [("SAKURA", "Sakura", "restaurant", True)],
        ),
        (
            "NOA",
            "New Otani Inn Associate",
            "new-otani",
            "JP",
            "associate",
            False,
            False,
            [("INN-CAFE", "Inn Cafe", "restaurant", False)],
        ),
        (
            "NOS",
            "New Otani Singapore",
            "new-otani",
            "SG",
            "group",
            False,
            False,
            [("SG-GRILL", "Garden Grill", "restaurant", True)],
        ),
    ],
}

# The names My Account shows in Japanese (the properties file's ``name_ja``), by hotel code, (hotel, outlet) code and
# award code.
HOTEL_NAMES_JA = {
    "HOK": "オークラ東京",
    "HNT": "ホテル日航東京",
    "JCH": "ホテルJALシティ羽田 東京",
    "NOT": "ホテルニューオータニ東京",
    "NOO": "ホテルニューオータニ大阪",
    "NOA": "ニューオータニイン アソシエイト",
    "NOS": "ニューオータニ シンガポール",
}
OUTLET_NAMES_JA = {
    ("HOK", "YAMAZATO"): "日本料理 山里",
    ("HOK", "ORCHID-BAR"): "オーキッドバー",
    ("HNT", "TERRACE"): "ザ・テラス",
    ("HNT", "BAR-NIKKO"): "バー日航",
    ("JCH", "JCH-DINING"): "オールデイダイニング",
    ("JCH", "JCH-BAR"): "ロビーバー",
    ("NOT", "SATSUKI"): "SATSUKI",
    ("NOT", "GARDEN-LOUNGE"): "ガーデンラウンジ",
    ("NOO", "SAKURA"): "さくら",
    ("NOA", "INN-CAFE"): "インカフェ",
    ("NOS", "SG-GRILL"): "ガーデングリル",
}
AWARD_NAMES_JA = {
    "STAY-FOR-TWO": "宿泊特典：お好きなホテルに2名様1泊",
    "UPGRADE-ROOM": "アップグレード特典：客室のアップグレード",
    "BREAKFAST-HOK": "朝食特典：2名様分のご朝食",
    "GIFT-TICKET": "ギフト特典：5,000円分のお食事券",
}

AWARDS = [  # OR1: one of each kind, point costs set by the office
    ("STAY-FOR-TWO", "stay", "Stay Award: one night for two at a hotel of choice", 30000, None),
    ("UPGRADE-ROOM", "upgrade", "Upgrade Award: room upgrade", 10000, None),
    ("BREAKFAST-HOK", "breakfast", "Breakfast for two", 3000, "HOK"),
    ("GIFT-TICKET", "gift", "Gift Award: JPY 5,000 dining ticket", 5000, None),
]


@dataclass
class DemoMember:
    key: str
    program: str
    family_name: str
    given_name: str
    email: str
    enrolled_on: dt.date
    note: str
    enrol: dict = field(default_factory=dict)


MEMBERS = [
    DemoMember(
        "oci",
        Program.ONE_HARMONY,
        "Sato",
        "Hana",
        "hana.sato@example.com",
        dt.date(2013, 4, 1),
        "former OCI member (OCI card 123456 also works, M2)",
        {"oci": "123456", "channel": "migration"},
    ),
    DemoMember(
        "myj",
        Program.ONE_HARMONY,
        "Tanaka",
        "Kenji",
        "kenji.tanaka@example.com",
        dt.date(2013, 4, 1),
        "former My JALHotels member (MYJ card MYJ00012345, M2)",
        {"myj": "MYJ00012345", "channel": "migration"},
    ),
    DemoMember(
        "new",
        Program.ONE_HARMONY,
        "Clark",
        "Emily",
        "emily.clark@example.com",
        dt.date(2022, 11, 5),
        "new member, enrolled at the HOK front desk",
        {"hotel": "HOK", "channel": "front_desk"},
    ),
    DemoMember(
        "principal",
        Program.NEW_OTANI,
        "Yamamoto",
        "Taro",
        "taro.yamamoto@example.com",
        dt.date(2019, 5, 1),
        "principal member; redeemed, then a bill was refunded: negative balance (R1, EX5)",
        {"hotel": "NOT", "channel": "front_desk"},
    ),
    DemoMember(
        "family",
        Program.NEW_OTANI,
        "Yamamoto",
        "Yoko",
        "yoko.yamamoto@example.com",
        dt.date(2020, 2, 14),
        "family member of Taro (T1)",
        {"family_of": "principal"},
    ),
    DemoMember(
        "corporate",
        Program.NEW_OTANI,
        "Yamamoto",
        "Ken",
        "ken.yamamoto@example.com",
        dt.date(2021, 7, 1),
        "family member of Taro, corporate category: no family transfers (M10, T4)",
        {"family_of": "principal", "category": "corporate"},
    ),
]

# username, program codes, hotel code, group, what they are
STAFF = [
    ("oh-office", [Program.ONE_HARMONY], None, "Office clerk", "One Harmony Office clerk"),
    ("oh-supervisor", [Program.ONE_HARMONY], None, "Office supervisor", "One Harmony Office supervisor"),
    ("noc-center", [Program.NEW_OTANI], None, "Office clerk", "NOC Center clerk"),
    ("noc-supervisor", [Program.NEW_OTANI], None, "Office supervisor", "NOC Center supervisor"),
    ("frontdesk-not", [], "NOT", "Front desk", "front desk of Hotel New Otani Tokyo"),
]


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Bill payloads, exactly in the shape of API.md "Bills" -----------------------------------------------------


def _tax(amount: int) -> int:
    return amount * 15 // 100  # tax and service charge pertaining to the charge (NE3)


def stay_payload(
    *,
    hotel: str,
    number: str,
    card: str,
    arrival: dt.date,
    nights: int,
    rate: int,
    channel: str = "official_website",
    extras: tuple[tuple[str, int], ...] = (),
    checks: tuple[tuple[str, int], ...] = (),
    jal_coupons: int = 0,
) -> dict:
    departure = arrival + dt.timedelta(days=nights)
    room = str(1000 + zlib.crc32(number.encode()) % 8000)  # NE6: a room's night earns for one bill: rooms apart
    charges = [
        {
            "date": (arrival + dt.timedelta(days=i)).isoformat(),
            "room": room,
            "category": "room",
            "amount": rate,
            "tax_service": _tax(rate),
        }
        for i in range(nights)
    ]
    last_night = (departure - dt.timedelta(days=1)).isoformat()
    charges += [
        {"date": last_night, "room": room, "category": category, "amount": amount, "tax_service": _tax(amount)}
        for category, amount in extras
    ]
    room_checks = [
        {
            "outlet": outlet,
            "number": f"{number}-C{i}",
            "date": arrival.isoformat(),
            "charges": [{"category": "food_beverage", "amount": amount, "tax_service": _tax(amount)}],
        }
        for i, (outlet, amount) in enumerate(checks, start=1)
    ]
    total = sum(c["amount"] + c["tax_service"] for c in charges) + sum(
        c["amount"] + c["tax_service"] for k in room_checks for c in k["charges"]
    )
    payments = [{"method": "credit_card", "amount": total - jal_coupons}]
    if jal_coupons:
        payments.append({"method": "jal_coupon", "amount": jal_coupons})  # OE5: a stay paid with them earns
    return {
        "hotel": hotel, "number": number, "member": card, "kind": "stay", "paid_on": departure.isoformat(),
        "reservation_channel": channel, "card_presented": True, "paid_by_member": True,
        "settlement": "on_the_spot", "with_banquet": False, "wedding": False, "other_hotel_program": False,
        "payments": payments,
        "rooms": [{"room": room, "member_room": True, "for_points": True, "members": []}],
        "charges": charges, "room_charged_checks": room_checks,
    }  # fmt: skip


def dining_payload(
    *,
    hotel: str,
    outlet: str,
    number: str,
    card: str,
    paid_on: dt.date,
    amount: int,
    extras: tuple[tuple[str, int], ...] = (),
    paid_with: tuple[tuple[str, int], ...] = (),
) -> dict:
    charges = [{"category": "food_beverage", "amount": amount, "tax_service": _tax(amount)}]
    charges += [{"category": c, "amount": a, "tax_service": _tax(a)} for c, a in extras]
    total = sum(c["amount"] + c["tax_service"] for c in charges)
    others = sum(a for _, a in paid_with)
    payments = [
        {"method": "credit_card", "amount": total - others},
        *({"method": m, "amount": a} for m, a in paid_with),
    ]
    return {
        "hotel": hotel, "number": number, "member": card, "kind": "dining", "outlet": outlet,
        "paid_on": paid_on.isoformat(), "card_presented": True, "paid_by_member": True,
        "settlement": "on_the_spot", "with_banquet": False, "wedding": False, "other_hotel_program": False,
        "payments": payments, "charges": charges,
    }  # fmt: skip


def demo_bills(key: str, cards: dict[str, str], year: int) -> list[dict]:
    """The bills of one demo member in one year, in the shape of API.md "Bills"."""
    card = cards["number"]
    bills: list[dict] = []
    seq = iter(range(1, 100))
    on = partial(dt.date, year)  # on(month, day)

    def number() -> str:
        return f"DEMO-{card}-{year}-{next(seq):02d}"

    if key == "oci":
        bills += [
            # M2: the legacy OCI card presented at the desk. Five nights a year: Loyal the year after (ST2, SH1),
            # so later bills earn the status bonus (OE6). OE5: a stay paid partly with JAL Coupons earns.
            stay_payload(
                hotel="HOK",
                number=number(),
                card=cards["oci"],
                arrival=on(3, 10),
                nights=3,
                rate=42000,
                extras=(("minibar", 3000),),
                checks=(("YAMAZATO", 12000),),
            ),
            dining_payload(
                hotel="HOK", outlet="ORCHID-BAR", number=number(), card=card, paid_on=on(6, 20), amount=9000
            ),
            stay_payload(
                hotel="HNT", number=number(), card=card, arrival=on(10, 2), nights=2, rate=28000, jal_coupons=10000
            ),
        ]
    elif key == "myj":
        bills += [
            # OE3: a travel-agency stay earns at JCH (flagged), not at HNT
            stay_payload(
                hotel="JCH",
                number=number(),
                card=cards["myj"],
                arrival=on(2, 5),
                nights=2,
                rate=16000,
                channel="travel_agency",
            ),
            stay_payload(
                hotel="HNT", number=number(), card=card, arrival=on(5, 12), nights=1, rate=26000, channel="ota"
            ),
            # OE5: a restaurant bill paid partly with JAL Coupons earns nothing
            dining_payload(
                hotel="JCH",
                outlet="JCH-DINING",
                number=number(),
                card=card,
                paid_on=on(7, 8),
                amount=6000,
                paid_with=(("jal_coupon", 3000),),
            ),
            stay_payload(
                hotel="JCH",
                number=number(),
                card=card,
                arrival=on(9, 21),
                nights=3,
                rate=15000,
                channel="reservation_center",
            ),
        ]
    elif key == "new":
        bills += [
            stay_payload(
                hotel="HOK",
                number=number(),
                card=card,
                arrival=on(4, 18),
                nights=1,
                rate=48000,
                channel="phone",
                extras=(("laundry", 2500),),
            ),
            dining_payload(hotel="HOK", outlet="YAMAZATO", number=number(), card=card, paid_on=on(8, 30), amount=18000),
        ]
    elif key == "principal":
        bills += [
            # NE6: each night its own unit; NX3: the mini bar is not a room charge; a SATSUKI check (NE2)
            stay_payload(
                hotel="NOT",
                number=number(),
                card=card,
                arrival=on(5, 3),
                nights=3,
                rate=45000,
                extras=(("minibar", 2000),),
                checks=(("SATSUKI", 8000),),
            ),
            dining_payload(
                hotel="NOT",
                outlet="SATSUKI",
                number=number(),
                card=card,
                paid_on=on(2, 11),
                amount=14000,
                extras=(("private_room", 5000),),
            ),
            # NE2: the lounge is not a designated bar
            dining_payload(
                hotel="NOT", outlet="GARDEN-LOUNGE", number=number(), card=card, paid_on=on(2, 12), amount=4000
            ),
            # NX1: associate hotel in Japan; group hotel outside Japan
            stay_payload(hotel="NOA", number=number(), card=card, arrival=on(7, 20), nights=1, rate=18000),
            stay_payload(hotel="NOS", number=number(), card=card, arrival=on(11, 1), nights=2, rate=30000),
            # NX12: the part paid with a meal coupon earns nothing
            dining_payload(
                hotel="NOO",
                outlet="SAKURA",
                number=number(),
                card=card,
                paid_on=on(9, 15),
                amount=12000,
                paid_with=(("coupon", 5000),),
            ),
        ]
    elif key == "family":
        bills += [
            dining_payload(hotel="NOT", outlet="SATSUKI", number=number(), card=card, paid_on=on(3, 3), amount=11000),
            stay_payload(
                hotel="NOO", number=number(), card=card, arrival=on(8, 10), nights=2, rate=32000, channel="phone"
            ),
        ]
    elif key == "corporate":
        bills += [
            stay_payload(hotel="NOO", number=number(), card=card, arrival=on(6, 1), nights=1, rate=29000),
            # NX6: booked through an online travel agent
            stay_payload(
                hotel="NOT", number=number(), card=card, arrival=on(10, 14), nights=1, rate=38000, channel="ota"
            ),
        ]
    return bills


def recent_bill(cards: dict[str, str], today: dt.date) -> dict:
    """A restaurant bill paid three days ago: still pending on the account summary (NE7)."""
    hotel, outlet = {Program.ONE_HARMONY: ("HOK", "ORCHID-BAR")}.get(cards["program"], ("NOT", "SATSUKI"))
    number = f"DEMO-{cards['number']}-{today.isoformat()}"
    return dining_payload(
        hotel=hotel,
        outlet=outlet,
        number=number,
        card=cards["number"],
        paid_on=today - dt.timedelta(days=3),
        amount=7500,
    )


class Command(BaseCommand):
    help = "Create a demo world (hotels, members, bills, points, staff) once, and print the logins."

    def handle(self, *args, **options):
        if not self._exists():
            started = timezone.now()
            # The demo addresses are not real: no welcome email leaves the machine (M3 mails go to memory).
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                self._seed(today=clock.today())
            seconds = (timezone.now() - started).total_seconds()
            self.stdout.write(self.style.SUCCESS(f"Demo world created in {seconds:.1f} s."))
        else:
            self.stdout.write("The demo world exists already; nothing changed.")
        self._print_logins()

    # --- the world ---------------------------------------------------------------------------------------------

    def _exists(self) -> bool:
        return Member.objects.filter(program__code=Program.ONE_HARMONY, number="700123456").exists()

    @transaction.atomic
    def _seed(self, *, today: dt.date) -> None:
        programs = {p.code: p for p in Program.objects.all()}
        if set(programs) != {Program.ONE_HARMONY, Program.NEW_OTANI}:
            raise CommandError("the programs are missing: run `python manage.py migrate` first")
        hotels = self._hotels(programs)
        self._awards(programs[Program.ONE_HARMONY], hotels)
        members = self._members(programs, hotels)
        cards = {}
        for key, member in members.items():
            cards[key] = {"program": member.program.code, "number": member.number}
            cards[key].update({c.kind: c.number for c in member.cards.all()})

        # Year by year, as it happened: the bills of the year, then the year's status qualification (J4, ST1), so
        # the next year's bills earn the status bonus in force on their date (OE6).
        for year in range(today.year - 3, today.year + 1):
            for key in members:
                for payload in demo_bills(key, cards[key], year):
                    if dt.date.fromisoformat(payload["paid_on"]) < today:
                        bill_service.bill_record(payload=payload, source=Bill.Source.DEMO)
            if year < today.year:
                jobs.qualify_status(year=year)
        for key in members:
            bill_service.bill_record(payload=recent_bill(cards[key], today), source=Bill.Source.DEMO)
        jobs.post_points(as_of=today)  # J1: everything paid more than 10 days ago is posted (NE7)
        # J2 (EX1) every February 1 and J3 (EX2) every October 1 that has passed.
        for run_on, code in sorted(
            (dt.date(year, month, 1), code)
            for year in range(today.year - 2, today.year + 1)
            for month, code in ((2, Program.ONE_HARMONY), (10, Program.NEW_OTANI))
        ):
            if run_on <= today:
                jobs.expire_points(as_of=run_on, program=programs[code])

        self._negative_balance(members["principal"], today)
        self._staff(programs, hotels)

    def _hotels(self, programs: dict[str, Program]) -> dict[str, Hotel]:
        hotels = {}
        for program_code, specs in HOTELS.items():
            for code, name, brand, country, affiliation, jal, agency, outlets in specs:
                hotel, _ = Hotel.objects.get_or_create(
                    code=code,
                    defaults={
                        "program": programs[program_code],
                        "name": name,
                        "name_ja": HOTEL_NAMES_JA.get(code, ""),
                        "brand": brand,
                        "country": country,
                        "affiliation": affiliation,
                        "accepts_jal_coupons": jal,
                        "travel_agency_stays_earn": agency,
                    },
                )
                hotels[code] = hotel
                for outlet_code, outlet_name, kind, designated in outlets:
                    outlet, _ = Outlet.objects.get_or_create(
                        hotel=hotel,
                        code=outlet_code,
                        defaults={
                            "name": outlet_name,
                            "name_ja": OUTLET_NAMES_JA.get((code, outlet_code), ""),
                            "kind": kind,
                        },
                    )
                    OutletDesignation.objects.get_or_create(
                        outlet=outlet, effective_from=DESIGNATED_FROM, defaults={"designated": designated}
                    )
        return hotels

    def _awards(self, program: Program, hotels: dict[str, Hotel]) -> None:
        for code, kind, name, points, hotel in AWARDS:
            Award.objects.get_or_create(
                code=code,
                defaults={"program": program, "kind": kind, "name": name, "name_ja": AWARD_NAMES_JA.get(code, ""),
                          "points": points,
                          "hotel": hotels.get(hotel) if hotel else None},
            )  # fmt: skip

    def _members(self, programs: dict[str, Program], hotels: dict[str, Hotel]) -> dict[str, Member]:
        members: dict[str, Member] = {}
        # One hash for every demo login (hashing is deliberately slow: once, not once per user).
        password = make_password(MEMBER_PASSWORD)
        for spec in MEMBERS:
            program = programs[spec.program]
            enrol = dict(spec.enrol)
            if "hotel" in enrol:
                enrol["hotel"] = hotels[enrol["hotel"]]
            if "family_of" in enrol:
                enrol["family_of"] = members[enrol["family_of"]]
            if "category" in enrol:
                enrol["category"] = MembershipCategory.objects.get(program=program, code=enrol["category"])
            member = member_enroll(
                program=program,
                family_name=spec.family_name,
                given_name=spec.given_name,
                email=spec.email,
                enrolled_on=spec.enrolled_on,
                **enrol,
            )
            # A1: the membership number is the login name (the email address works too).
            user = User.objects.create(
                username=member.number,
                email=member.email,
                password=password,
                first_name=member.given_name,
                last_name=member.family_name,
            )
            member.user = user
            member.save(update_fields=["user"])
            members[spec.key] = member
        return members

    def _negative_balance(self, member: Member, today: dt.date) -> None:
        """R1, EX5: the principal member redeems Reward Certificates for all the points they can (NR1), then the
        hotel refunds a stay whose points were spent: the balance goes negative and the office sees what to charge.
        """
        rules = settings_on(program=member.program, on=today)  # NR1, NR3 Defaults (PT1)
        count = ledger.available_points(member=member, on=today) // rules.certificate_points
        if count:
            not_hotel = Hotel.objects.get(code="NOT")
            request = CertificateRequest.objects.create(
                member=member,
                count=count,
                points=count * rules.certificate_points,
                hotel=not_hotel,
                arrival_on=today + dt.timedelta(days=rules.certificate_lead_days + 20),  # NR2
                requested_on=today,
                channel=CertificateRequest.Channel.OFFICE,
            )
            Certificate.objects.bulk_create(
                Certificate(
                    request=request,
                    member=member,
                    number=f"RC{member.number[-6:]}{i:02d}",
                    value=rules.certificate_value,
                    member_name=member.full_name,
                    card_number=member.number,
                    issued_on=today,
                    valid_until=add_months(today, rules.certificate_validity_months),
                    hotel=not_hotel,
                )
                for i in range(1, count + 1)
            )
            ledger.points_debit(
                member=member,
                kind=EntryKind.REDEEM,
                points=count * rules.certificate_points,
                on=today,
                certificate_request=request,
            )
        # The latest posted three-night stay at NOT, refunded in full.
        stay = (
            Bill.objects.filter(member=member, hotel__code="NOT", kind=Bill.Kind.STAY, posts_on__lte=today)
            .exclude(points=0)
            .order_by("-paid_on")
            .first()
        )
        if stay is not None:
            bill_service.bill_refund(bill=stay, amount=None, on=today)

    def _staff(self, programs: dict[str, Program], hotels: dict[str, Hotel]) -> None:
        password = make_password(STAFF_PASSWORD)
        for username, program_codes, hotel, group_name, _what in STAFF:
            try:
                group = Group.objects.get(name=group_name)
            except Group.DoesNotExist as exc:
                raise CommandError(f"group {group_name!r} is missing: run `python manage.py migrate`") from exc
            user = User.objects.create(
                username=username,
                email=f"{username}@loyalty.example",
                password=password,
                is_staff=True,
                hotel=hotels[hotel] if hotel else None,
            )
            user.programs.set([programs[code] for code in program_codes])
            user.groups.add(group)

    # --- the logins --------------------------------------------------------------------------------------------

    def _print_logins(self) -> None:
        out = self.stdout.write
        admin_url = SITE + settings.ADMIN_URL.lstrip("/")
        out("")
        out(f"My Account: {SITE}")
        out(f"  members log in with the membership number (A1), password {MEMBER_PASSWORD}")
        today = clock.today()
        by_email = {
            m.email: m for m in Member.objects.filter(email__in=[s.email for s in MEMBERS]).select_related("program")
        }
        for spec in MEMBERS:
            member = by_email.get(spec.email)
            if member is None:
                continue
            balance = points_summary(member=member, on=today).balance  # what My Account shows (A4)
            out(
                f"  {member.number:<11} {spec.email:<26} {member.program.code:<12} "
                f"{spec.given_name} {spec.family_name}, balance {balance:,}: {spec.note}"
            )
        out("")
        out(f"Back office (admin): {admin_url}")
        out(f"  staff users, password {STAFF_PASSWORD}")
        existing = set(User.objects.filter(username__in=[s[0] for s in STAFF]).values_list("username", flat=True))
        for username, _programs, _hotel, group_name, what in STAFF:
            if username in existing:
                out(f"  {username:<15} {group_name:<18} {what}")
        out("  a superuser (sees both programs): python manage.py createsuperuser")
        out("")
