"""Benchmark (not a test): bills/s through ``import_bills`` and through ``POST /api/v1/bills/`` with concurrent
clients, against PostgreSQL, beside a bare-SQL baseline measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1/loyalty_bench .venv/bin/python scripts/bench_bills.py \
        --bills 20000 --api-bills 3000 --clients 4 --api-runs 3

``--servers`` names the web servers measured one after the other on the same data: ``tuned`` (gunicorn with one
worker per client, ``CONN_MAX_AGE=600``: the earlier figures), ``defaults`` (what a server gets: ``gunicorn -c
gunicorn.conf.py loyalty.wsgi`` on production settings with nothing tuned, metrics in PROMETHEUS_MULTIPROC_DIR as
``make serve`` does, behind a proxy that says HTTPS) and ``defaults-conn0`` (the same with ``CONN_MAX_AGE=0``, as
before issue 18).

The API is measured after a warm-up, in several runs (this machine's speed varies from minute to minute), each with
the CPU time per bill of the web workers, PostgreSQL and the clients. It (re)creates the database named in
DATABASE_URL, so point it at a scratch database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyalty.settings.local")
os.environ["DEBUG"] = "false"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"  # no welcome emails


def reset_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def make_bill(i: int, hotel: str, member: str, outlet: str) -> dict:
    rnd = random.Random(i)
    day = 1 + i % 27
    room = str(i)  # a room of its own (NE6: a room's night earns for one bill only)
    if rnd.random() < 0.6:
        nights = rnd.randint(1, 3)
        charges = [
            {"date": f"2025-03-{day + n:02d}", "room": room, "category": "room", "amount": 30000, "tax_service": 4500}
            for n in range(nights)
        ] + [{"date": f"2025-03-{day:02d}", "room": room, "category": "minibar", "amount": 2000, "tax_service": 300}]
        checks = [
            {
                "outlet": outlet,
                "number": f"C-{i}",
                "date": f"2025-03-{day:02d}",
                "charges": [{"category": "food_beverage", "amount": 8000, "tax_service": 1200}],
            }
        ]
        total = sum(c["amount"] + c["tax_service"] for c in charges) + 9200
        return {
            "hotel": hotel,
            "number": f"F-{i}",
            "member": member,
            "kind": "stay",
            "paid_on": f"2025-03-{day + nights:02d}",
            "reservation_channel": "official_website",
            "payments": [{"method": "credit_card", "amount": total}],
            "rooms": [{"room": room, "member_room": True, "for_points": True}],
            "charges": charges,
            "room_charged_checks": checks,
        }
    amount = rnd.randint(20, 200) * 100
    return {
        "hotel": hotel,
        "number": f"R-{i}",
        "member": member,
        "kind": "dining",
        "paid_on": f"2025-03-{day:02d}",
        "outlet": outlet,
        "payments": [{"method": "cash", "amount": amount}],
        "charges": [{"category": "food_beverage", "amount": amount, "tax_service": 0}],
    }


def bare_sql_baseline(url: str, n: int = 5000) -> float:
    """The physical limit for comparison: lock a balance row, update it, insert a ledger row, commit (per s)."""
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("CREATE TEMP TABLE bench_bal (id int primary key, v int)")
        conn.execute("CREATE TEMP TABLE bench_led (id serial primary key, m int, v int)")
        conn.execute("INSERT INTO bench_bal SELECT g, 0 FROM generate_series(1, 1000) g")
        conn.commit()
        start = time.perf_counter()
        for i in range(n):
            m = i % 1000 + 1
            conn.execute("SELECT v FROM bench_bal WHERE id = %s FOR UPDATE", [m])
            conn.execute("UPDATE bench_bal SET v = v + 1 WHERE id = %s", [m])
            conn.execute("INSERT INTO bench_led (m, v) VALUES (%s, 1)", [m])
            conn.commit()
        return n / (time.perf_counter() - start)


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by the processes on this machine, by kind (Linux /proc): where an API run's time
    went (the web workers, PostgreSQL, this client)."""
    totals: dict[str, float] = {}
    hz = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        kind = "gunicorn" if "gunicorn" in cmd else "postgres" if cmd.startswith("postgres") else "client"
        if kind == "client" and int(pid) != os.getpid():
            kind = "other"
        totals[kind] = totals.get(kind, 0) + (int(fields[11]) + int(fields[12])) / hz
    return totals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bills", type=int, default=20000)
    parser.add_argument("--api-bills", type=int, default=3000, help="bills per API run")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--api-runs", type=int, default=3, help="API runs in a row (this machine's speed varies)")
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--servers", default="tuned", help="comma-separated: tuned, defaults, defaults-conn0")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    reset_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from members.models import Program
    from points.models import Hotel, Outlet, OutletDesignation
    from tests.factories import make_member

    noc = Program.objects.get(code="new-otani")
    hotel = Hotel.objects.create(program=noc, code="NOT", name="Hotel New Otani Tokyo", brand="new-otani")
    outlet = Outlet.objects.create(hotel=hotel, code="SATSUKI", name="Satsuki", kind="restaurant")
    OutletDesignation.objects.create(outlet=outlet, effective_from="2007-10-01", designated=True)
    members = [make_member("new-otani").number for _ in range(args.members)]
    print(f"setup: {args.members} members")

    baseline = bare_sql_baseline(url)
    print(f"bare SQL (lock balance + update + insert ledger row + commit, 1 process): {baseline:,.0f}/s")

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for i in range(args.bills):
            f.write(json.dumps(make_bill(i, "NOT", members[i % len(members)], "SATSUKI")) + "\n")
        path = f.name
    start = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        call_command("import_bills", path, "--no-progress", stdout=devnull)
    elapsed = time.perf_counter() - start
    print(f"import_bills: {args.bills:,} bills in {elapsed:.1f} s = {args.bills / elapsed:,.0f} bills/s")

    from points.services.tokens import api_token_issue

    _, token = api_token_issue(hotel=hotel, name="bench")
    from django.db import connections

    connections.close_all()
    for serial, mode in enumerate(args.servers.split(",")):
        print(f"== server: {mode}")
        bench_api(args, mode=mode, token=token, members=members, serial=serial)


def server_command(mode: str, clients: int, port: int) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """The command, environment and extra request headers of a server mode."""
    gunicorn = str(ROOT / ".venv/bin/gunicorn")
    if mode == "tuned":
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "loyalty.settings.local",
            "DEBUG": "false",
            "CONN_MAX_AGE": "600",
        }
        cmd = [
            gunicorn,
            "loyalty.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(clients),
            "--log-level",
            "warning",
        ]
        return cmd, env, {}
    # What a server gets: production settings, gunicorn.conf.py, only what production requires set.
    env = {k: v for k, v in os.environ.items() if k not in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "WEB_CONCURRENCY")}
    env.update(
        DJANGO_SETTINGS_MODULE="loyalty.settings.production",
        SECRET_KEY="bench-" + "x" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        PROMETHEUS_MULTIPROC_DIR=tempfile.mkdtemp(prefix="bench-metrics-"),
    )
    if mode == "defaults-conn0":
        env["CONN_MAX_AGE"] = "0"
    elif mode != "defaults":
        raise SystemExit(f"unknown server mode {mode}")
    return [gunicorn, "-c", "gunicorn.conf.py", "loyalty.wsgi"], env, {"X-Forwarded-Proto": "https"}


def bench_api(args, *, mode: str, token: str, members: list[str], serial: int = 0) -> None:
    cmd, env, extra_headers = server_command(mode, args.clients, args.port)
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    port = args.port
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/health/live/", headers=extra_headers)
                if conn.getresponse().status == 200:
                    break
                time.sleep(0.1)
                continue
                break
            except OSError:
                time.sleep(0.1)
        per_client = args.api_bills // args.clients
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", **extra_headers}
        next_bill = args.bills + 1_000_000 * (serial + 1)  # new bill numbers for every server

        def api_run(per_client: int) -> tuple[float, list[str], dict[str, float]]:
            """Each client posts ``per_client`` new bills on its own connection: seconds, errors, CPU by kind.
            The request bodies are made before the clock starts: the clients share this machine's two cores with
            the server, and a real PMS makes its bills elsewhere."""
            nonlocal next_bill
            first, next_bill = next_bill, next_bill + per_client * args.clients
            bodies = [
                [
                    json.dumps(make_bill(i, "NOT", members[i % len(members)], "SATSUKI"))
                    for i in range(first + c * per_client, first + (c + 1) * per_client)
                ]
                for c in range(args.clients)
            ]
            errors: list[str] = []

            def client(own: list[str]) -> None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                for body in own:
                    conn.request("POST", "/api/v1/bills/", body, headers)
                    response = conn.getresponse()
                    data = response.read()
                    if response.status != 201:
                        errors.append(f"{response.status} {data[:200]!r}")

            threads = [threading.Thread(target=client, args=(own,)) for own in bodies]
            cpu_before = cpu_seconds()
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - start
            return elapsed, errors, {k: v - cpu_before.get(k, 0) for k, v in cpu_seconds().items()}

        api_run(50)  # warm-up: every worker connected, its reference data read, its code paths loaded
        figures: list[float] = []
        for run in range(args.api_runs):
            elapsed, errors, cpu = api_run(per_client)
            total = per_client * args.clients
            figures.append(total / elapsed)
            print(
                f"API run {run + 1}: {total:,} bills, {args.clients} clients, in {elapsed:.1f} s"
                f" = {total / elapsed:,.0f} bills/s ({len(errors)} errors{': ' + errors[0] if errors else ''})"
            )
            print(
                "  CPU per bill: "
                + ", ".join(f"{kind} {sec / total * 1000:.1f} ms" for kind, sec in sorted(cpu.items()) if sec)
            )
        figures.sort()
        print(
            f"API: median {figures[len(figures) // 2]:,.0f} bills/s over {len(figures)} runs"
            f" (lowest {figures[0]:,.0f}, highest {figures[-1]:,.0f})"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
