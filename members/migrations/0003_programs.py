"""The two programs exist after ``migrate``, with every Default of the rulebook (API.md, PT1)."""

import datetime as dt

from django.db import migrations

PROGRAMS = [
    {
        "code": "one-harmony",
        "name": "One Harmony",
        "office_name": "One Harmony Office",
        "number_digits": 9,  # M1
        "started_on": dt.date(2013, 4, 1),
        # OE2 Default: stays 20 per full JPY 1,000, restaurants and bars 10 per full JPY 1,000.
        "settings": {"stay_points": 20, "stay_per_yen": 1000, "dining_points": 10, "dining_per_yen": 1000},
        "terms": [("FAQ 2013", dt.date(2013, 4, 1), "One Harmony member FAQ: born from OCI and MYJ.")],
        "categories": [],
    },
    {
        "code": "new-otani",
        "name": "New Otani Club Point Program",
        "office_name": "NOC Center",
        "number_digits": 10,  # M1 Default
        "started_on": dt.date(2007, 10, 1),
        # NE1: 5 points for every full JPY 100.
        "settings": {"stay_points": 5, "stay_per_yen": 100, "dining_points": 5, "dining_per_yen": 100},
        "terms": [
            ("2007", dt.date(2007, 10, 1), "Terms and conditions effective as of October 1, 2007."),
            ("2017", dt.date(2017, 4, 1), "Partially modified on April 1, 2017."),
            ("2020", dt.date(2020, 4, 1), "Partially modified on April 1, 2020."),
        ],
        # M10, T4: some categories do not allow family transfers.
        "categories": [("standard", "Standard", True), ("corporate", "Corporate", False)],
    },
]


def create_programs(apps, schema_editor):
    Program = apps.get_model("members", "Program")
    ProgramSettings = apps.get_model("members", "ProgramSettings")
    TermsVersion = apps.get_model("members", "TermsVersion")
    MembershipCategory = apps.get_model("members", "MembershipCategory")
    for spec in PROGRAMS:
        program, _ = Program.objects.get_or_create(
            code=spec["code"],
            defaults={k: spec[k] for k in ("name", "office_name", "number_digits", "started_on")},
        )
        ProgramSettings.objects.get_or_create(
            program=program, effective_from=spec["started_on"], defaults=spec["settings"]
        )
        for version, effective_from, summary in spec["terms"]:
            TermsVersion.objects.get_or_create(
                program=program, effective_from=effective_from, defaults={"version": version, "summary": summary}
            )
        for code, name, allows in spec["categories"]:
            MembershipCategory.objects.get_or_create(
                program=program, code=code, defaults={"name": name, "allows_family_transfer": allows}
            )


class Migration(migrations.Migration):
    dependencies = [("members", "0002_initial")]

    operations = [migrations.RunPython(create_programs, migrations.RunPython.noop)]
