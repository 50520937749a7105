"""Benchmark (not a test): the yearly jobs (J2, J4) and the reconciliation (J5) over 1,000,000 members and
5,000,000 lots on PostgreSQL, each beside the bare SQL statements that do the same work, timed in the same run
(rolled back, with the constraints checked at once so that the rollback does not skip the foreign-key checks a
commit makes).

    DATABASE_URL=postgres://postgres@127.0.0.1/loyalty_bench_jobs .venv/bin/python scripts/bench_jobs.py \
        --members 1000000 --lots-per-member 5

It (re)creates the database named in DATABASE_URL, so point it at a scratch database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyalty.settings.local")
os.environ["DEBUG"] = "false"

AS_OF = dt.date(2027, 2, 1)  # J2: One Harmony lots used in 2023 lapse (valid through 2027-01-31)
YEAR = 2025


def reset_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def generate(cursor, members: int, per_member: int, program_id: int, hotel_id: int) -> None:
    """Members with balances, one migrate entry and one posted lot per (member, k): used dates spread over
    2024-2027 so about a quarter of the lots lapse on AS_OF (as PERFORMANCE.md's 1.33M of 5M); qualifying points
    and room nights in YEAR."""
    cursor.execute(
        """
        INSERT INTO members_member (program_id, number, family_name, given_name, email, phone, postal_code, address,
            country, language, enrolled_on, channel, closed_reason, duplicate_candidate, created_at)
        SELECT %s, (100000000 + g)::text, 'Family' || g, 'Given', 'm' || g || '@example.com', '', '', '', 'JP', 'en',
            DATE '2020-01-01', 'office', '', false, now()
        FROM generate_series(1, %s) g
        """,
        [program_id, members],
    )
    cursor.execute("SELECT min(id) FROM members_member")
    first = cursor.fetchone()[0]
    # used_on: day offset spread over 2024-01-01 .. 2027-12-31, deterministic per (member, k)
    cursor.execute(
        """
        CREATE TEMP TABLE gen AS
        SELECT m.id AS member_id, k,
               (DATE '2024-01-01' + ((m.id * 7919 + k * 104729) %% 1461)::int) AS used_on,
               100 * (1 + (m.id + k) %% 40) AS points
        FROM members_member m CROSS JOIN generate_series(1, %s) k
        """,
        [per_member],
    )
    cursor.execute(
        """
        INSERT INTO points_ledgerentry (member_id, kind, points, pending, used_on, effective_on, created_at,
            qualifying_points, reason)
        SELECT member_id, 'migrate', points, 0, used_on, used_on, now(),
               CASE WHEN extract(year FROM used_on) = %s THEN points ELSE 0 END, 'bench:' || k
        FROM gen ORDER BY member_id, k
        """,
        [YEAR],
    )
    cursor.execute(
        """
        INSERT INTO points_pointlot (member_id, entry_id, state, points, remaining, used_on, posts_on, expires_on)
        SELECT e.member_id, e.id, 'posted', e.points, e.points, e.used_on, e.used_on,
               make_date(extract(year FROM e.used_on)::int + 3, 1, 31)
        FROM points_ledgerentry e
        """
    )
    cursor.execute(
        """
        INSERT INTO points_memberbalance (member_id, posted, pending, updated_at)
        SELECT member_id, SUM(points), 0, now() FROM gen GROUP BY member_id
        """
    )
    cursor.execute(
        """
        INSERT INTO points_staynight (member_id, night_of, hotel_id)
        SELECT id, DATE '2025-01-01' + (id %% 300)::int, %s FROM members_member WHERE id %% 3 = 0
        """,
        [hotel_id],
    )
    cursor.execute("DROP TABLE gen")
    del first


LAPSED_WHERE = """
    WHERE l.member_id IN (SELECT id FROM members_member WHERE program_id = %(program)s)
      AND l.state = 'posted' AND l.remaining > 0 AND l.expires_on < %(as_of)s
"""
LAPSED = f"FROM points_pointlot l {LAPSED_WHERE}"
# The job's three statements, written by hand: an entry per member, the balances, the lots.
BARE_EXPIRE = [
    f"""
    WITH run AS (
        INSERT INTO points_jobrun (job, program_id, as_of, started_at, attempts, state, counts, error)
        VALUES ('bare', %(program)s, %(as_of)s, now(), 1, 'running', '{{}}', '') RETURNING id
    )
    INSERT INTO points_ledgerentry (member_id, kind, points, pending, used_on, effective_on, created_at,
        qualifying_points, reason, job_run_id)
    SELECT l.member_id, 'expire', -SUM(l.remaining), 0, MIN(l.used_on), %(as_of)s, now(), 0, 'EX1',
        (SELECT id FROM run) {LAPSED}
    GROUP BY l.member_id ORDER BY l.member_id
    """,
    f"""
    UPDATE points_memberbalance b SET posted = b.posted - x.s
    FROM (SELECT l.member_id, SUM(l.remaining) AS s {LAPSED} GROUP BY l.member_id) x WHERE b.member_id = x.member_id
    """,
    f"UPDATE points_pointlot l SET lapsed = remaining, lapsed_on = %(as_of)s, remaining = 0 {LAPSED_WHERE}",
]

BARE_QUALIFY = [
    """
INSERT INTO members_statusperiod (member_id, tier, valid_from, valid_until, qualification_year, source, created_at)
SELECT m.id, t.tier, %(from)s, %(until)s, %(year)s, 'qualification', now()
FROM members_member m
LEFT JOIN (SELECT member_id, SUM(qualifying_points) p FROM points_ledgerentry
           WHERE used_on BETWEEN %(start)s AND %(end)s AND qualifying_points <> 0 GROUP BY member_id) q
       ON q.member_id = m.id
LEFT JOIN (SELECT member_id, COUNT(*) n FROM points_staynight
           WHERE night_of BETWEEN %(start)s AND %(end)s GROUP BY member_id) s ON s.member_id = m.id
CROSS JOIN LATERAL (SELECT CASE
    WHEN coalesce(q.p, 0) >= 15000 OR coalesce(s.n, 0) >= 20 THEN 'exclusive'
    WHEN coalesce(q.p, 0) >= 5000 OR coalesce(s.n, 0) >= 5 THEN 'loyal' ELSE 'member' END AS tier) t
WHERE m.program_id = %(program)s AND t.tier <> 'member'
ON CONFLICT DO NOTHING
"""
]


# J5: the same sums as ``points.services.reconciliation`` (balance rows vs entries vs lots, per member of the
# program), counted instead of inserted: the physical floor of the reconciliation.
BARE_RECONCILE = [
    """
    SELECT count(*) FROM (
        SELECT m.id
        FROM members_member m
        LEFT JOIN points_memberbalance b ON b.member_id = m.id
        LEFT JOIN (SELECT member_id, SUM(points) AS p, SUM(pending) AS q FROM points_ledgerentry GROUP BY member_id) e
            ON e.member_id = m.id
        LEFT JOIN (
            SELECT member_id, SUM(remaining) FILTER (WHERE state = 'posted') AS p,
                   SUM(remaining) FILTER (WHERE state = 'pending') AS q
            FROM points_pointlot GROUP BY member_id
        ) l ON l.member_id = m.id
        WHERE m.program_id = %(program)s AND (
            COALESCE(b.posted, 0) <> COALESCE(e.p, 0) OR COALESCE(b.pending, 0) <> COALESCE(e.q, 0)
            OR COALESCE(b.posted, 0) <> COALESCE(l.p, 0) OR COALESCE(b.pending, 0) <> COALESCE(l.q, 0))
    ) x
    """
]
TAMPERED_EVERY = 1000  # one balance row in a thousand is changed by hand before J5 runs


def timed(label: str, fn) -> float:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    print(f"  {label}: {elapsed:.1f} s  {result if result is not None else ''}", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--lots-per-member", type=int, default=5)
    parser.add_argument(
        "--jobs", default="expire,qualify,reconcile", help="which to time: expire (J2), qualify (J4), reconcile (J5)"
    )
    args = parser.parse_args()
    chosen = set(args.jobs.split(","))
    reset_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from members.models import Program
    from points.models import Hotel, JobRun, PointLot
    from points.services.jobs import expire_points, qualify_status

    oh = Program.objects.get(code="one-harmony")
    hotel = Hotel.objects.create(program=oh, code="HOK", name="Hotel Okura Tokyo", brand="okura")
    print(f"generating {args.members:,} members x {args.lots_per_member} lots ...", flush=True)
    with transaction.atomic(), connection.cursor() as cursor:
        start = time.perf_counter()
        generate(cursor, args.members, args.lots_per_member, oh.pk, hotel.pk)
        print(f"  generated in {time.perf_counter() - start:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    lapsing = PointLot.objects.filter(expires_on__lt=AS_OF, remaining__gt=0).count()
    print(f"lots: {PointLot.objects.count():,}; lapsing on {AS_OF}: {lapsing:,}")

    params = {
        "program": oh.pk,
        "as_of": AS_OF,
        "year": YEAR,
        "start": dt.date(YEAR, 1, 1),
        "end": dt.date(YEAR, 12, 31),
        "from": dt.date(YEAR + 1, 4, 1),
        "until": dt.date(YEAR + 2, 3, 31),
    }

    def bare(statements):
        def run():
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")  # as the jobs do
                rows = 0
                for sql in statements:
                    cursor.execute(sql, params)
                    rows = max(rows, cursor.rowcount)
                # What a commit would check (the deferred foreign keys), then roll back.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                transaction.set_rollback(True)
            return f"({rows:,} rows, rolled back)"

        return run

    if "expire" in chosen:
        print("yearly expiry (J2)")
        bare_expire = timed("bare SQL", bare(BARE_EXPIRE))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM points_pointlot, points_memberbalance, points_ledgerentry")
        job_expire = timed("expire_points", lambda: expire_points(as_of=AS_OF, program=oh)["one-harmony"])
        timed("expire_points again (changes nothing)", lambda: expire_points(as_of=AS_OF, program=oh)["one-harmony"])
        print(f"  ratio job / bare SQL: {job_expire / bare_expire:.2f}")

    if "qualify" in chosen:
        print(f"status qualification (J4) for {YEAR}")
        bare_qualify = timed("bare SQL", bare(BARE_QUALIFY))
        job_qualify = timed("qualify_status", lambda: qualify_status(year=YEAR, program=oh)["one-harmony"])
        timed("qualify_status again (changes nothing)", lambda: qualify_status(year=YEAR, program=oh)["one-harmony"])
        print(f"  ratio job / bare SQL: {job_qualify / bare_qualify:.2f}")

    if "reconcile" in chosen:
        from points.services.reconciliation import ledger_reconcile

        print(f"ledger reconciliation (J5) as of {AS_OF}, one balance row in {TAMPERED_EVERY:,} changed by hand")
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE points_memberbalance SET posted = posted + 1 WHERE member_id % {TAMPERED_EVERY} = 0"
            )
            cursor.execute("VACUUM ANALYZE points_memberbalance")
        bare_reconcile = timed("bare SQL", bare(BARE_RECONCILE))
        job_reconcile = timed("reconcile_ledger", lambda: ledger_reconcile(as_of=AS_OF, program=oh)["one-harmony"])
        timed(
            "reconcile_ledger again (records nothing new)",
            lambda: ledger_reconcile(as_of=AS_OF, program=oh)["one-harmony"],
        )
        print(f"  ratio job / bare SQL: {job_reconcile / bare_reconcile:.2f}")
    print("job runs:", list(JobRun.objects.values_list("job", "state", "counts")))


if __name__ == "__main__":
    main()
