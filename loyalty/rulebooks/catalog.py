"""Every rule of the Rulebook (shared/RULEBOOK.md) with a short title a staff member understands.

The back office shows a rule ID in words wherever it shows one (a bill's exclusions, a ledger entry's reason):
``describe("NX3")`` gives ``"NX3 — Accommodation charges other than room charges and package fees (mini bar,
massage, ...)"``. Pure Python: no Django, no database.
"""

from __future__ import annotations

RULES: dict[str, str] = {
    # 1. Membership
    "M1": "Membership number unique in its program and never reused",
    "M2": "Legacy OCI and My JALHotels cards identify the member; every card ever held resolves to the member",
    "M3": "Enrollment at a hotel, the office or the website; email required unless the office enrolls",
    "M4": "Physical card mailed later (fulfilment tracked); temporary card printed from My Account",
    "M5": "Lost card reissued on request; the old card is marked lost",
    "M6": "New Otani admission date: the day the member receives and signs the card",
    "M7": "Member updates address, phone and email; name changes through the office only",
    "M8": "Duplicate memberships merged into one surviving member",
    "M9": "Withdrawal, cancellation or fraud forfeits all points at once",
    "M10": "Membership categories decide which services apply (e.g. family transfer)",
    # 2. Earning: New Otani Club
    "NE1": "5 points for every full JPY 100 of eligible amount per calculation unit",
    "NE2": "Earns at Group Hotels in Japan and their designated restaurants and bars (on the date of use)",
    "NE3": "Eligible amount: room or food and beverage charges, package fees, and their tax and service",
    "NE4": "Conditions: used by the member, card presented, paid on the spot, booked directly with the hotel",
    "NE5": "At most two rooms earn per stay: the member's own and one other named room",
    "NE6": "Calculation units: each billing, each night, each restaurant or bar bill separately",
    "NE7": "Points are pending after payment and posted about 10 days later",
    "NE8": "No points on a bill that earns points of another Group Hotel program",
    "NE9": "Parts paid with certificates, coupons or other organizations' points earn nothing",
    "NX1": "Associate hotels in Japan and Group Hotels outside Japan",
    "NX2": "A payment amount under JPY 100",
    "NX3": "Accommodation charges other than room charges and package fees (mini bar, massage, ...)",
    "NX4": "Restaurant and bar charges other than food and beverage and package fees (private rooms, flowers, ...)",
    "NX5": "Restaurant weddings",
    "NX6": "Stays reserved through travel companies or Internet channels other than the hotel's website",
    "NX7": "Payments not made by the member",
    "NX8": "Payments made later than the day of use (e.g. bank transfer) without the hotel's approval",
    "NX9": "Payments through master accounts of conventions, organizations or groups",
    "NX10": "Accommodation or dining paid together with banquet fees",
    "NX11": "Part paid with Reward Certificates",
    "NX12": "Part paid with tickets, coupons or vouchers",
    "NX13": "Uses before the member's admission date",
    "NX14": "Payments with other organizations' points or benefits, or under their rates and plans",
    "NX15": "Charge categories the program excludes",
    # 3. Earning: One Harmony
    "OE1": "Points earned from the day of registration at member hotels' rooms, restaurants and bars",
    "OE2": "Stays 20 points and dining 10 points for every full JPY 1,000 per calculation unit",
    "OE3": "Travel-agency and online-travel-agency stays earn only at hotels that allow it",
    "OE4": "Restaurant bills charged to the room earn, calculated at check-out",
    "OE5": "JAL Coupons: only at Nikko and JAL City hotels; dining paid with them earns nothing",
    "OE6": "Status bonus for Loyal and Exclusive members (not counted toward status)",
    # 4. Stay history
    "SH1": "Room nights count per night stayed, except group and complimentary stays",
    "SH2": "Stay history shown in My Account",
    # 5. Status
    "ST1": "Status earned in a calendar year applies April 1 to March 31 of the year after next",
    "ST2": "Loyal and Exclusive thresholds in qualifying points or eligible nights",
    "ST3": "2013 migration of OCI and My JALHotels status and points",
    # 6. Expiry
    "EX1": "One Harmony points expire at the end of January, two years after the year earned",
    "EX2": "New Otani points expire on September 30, two years after the yearly tally",
    "EX3": "The date of use fixes the expiry date, not the posting date",
    "EX4": "Points expiring soonest are spent first",
    "EX5": "A negative balance does not expire and is paid off by later earnings",
    "EX6": "Coming expiry dates shown with the points that lapse",
    # 7. Retraction
    "R1": "Points of a refunded or unpaid amount are taken back (the balance may go negative)",
    # 8. Redemption
    "NR1": "Every 5,000 points redeem for one JPY 5,000 Reward Certificate; requests cannot be cancelled",
    "NR2": "Certificates handed over at a Group Hotel in Japan; request at least 10 days before arrival",
    "NR3": "Certificate rules: valid one year, day of use only, no change, never reissued, no points on it",
    "OR1": "One Harmony awards: stay, upgrade, breakfast and gift awards at a point cost",
    # 9. Transfers
    "T1": "Points move only between family members of the same principal member",
    "T2": "Both sides must consent to a transfer",
    "T3": "All points of the giver move at once, keeping their expiry dates",
    "T4": "No transfers for membership categories that exclude them",
    "T5": "No transfer to non-family, no inheritance, no trading, no cash",
    # 10. My Account and login
    "A1": "Login with the membership number (MYJ or 700-number too) or the email address",
    "A2": "Password of 6 to 12 characters with capitals, small letters and digits",
    "A3": "Forgotten password reset sent to the registered email",
    "A4": "Account summary: balance, pending, expiries, status, stays, activity",
    "A5": "Missing points or nights claimed within 6 months of the date of use",
    # 11. Program terms
    "PT1": "Terms and rule settings are effective-dated: a past bill is judged by the rules of its date",
    "PT2": "The program may be changed or ended; entitlements lapse unless announced otherwise",
    # 12. Scheduled jobs
    "J1": "Daily posting of pending points whose posting date has come",
    "J2": "One Harmony expiry run (February 1)",
    "J3": "New Otani expiry run (October 1)",
    "J4": "One Harmony yearly status qualification (January 15 and April 1)",
}


def describe(rule_id: str) -> str:
    """``"NX3 — <title>"``; the ID alone when it is not a rule of the Rulebook (e.g. a free-text reason)."""
    key = (rule_id or "").strip()
    title = RULES.get(key.upper())
    return f"{key.upper()} — {title}" if title else key
