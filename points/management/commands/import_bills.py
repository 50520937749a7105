"""``import_bills FILE``: a JSON Lines file of bills in the API's shape (a PMS's nightly export).

The same rules and idempotency as ``POST /api/v1/bills/``: a line already received with the same content is a
duplicate, other content under the same number is rejected (conflict). One bad line never stops the rest. Lines
are judged and written in batches (one transaction per batch, bulk writes).

On PostgreSQL the file is shared among ``--workers`` processes (Default: one per core, at most 4): judging a bill
is Python work, so one process per core keeps both the cores and the database busy. Lines go to a worker by the
member's card number (issue 13 item 1): every bill of a member is judged and written by one worker, so two workers
never write the same member's room nights or points at once (a nightly file has about 20 bills a member), and
every copy of the same bill is judged by that worker in file order: the first copy is the one accepted, later ones
are duplicates or conflicts, exactly as with one process. (A copy that names another card of the same member, or
another member, may go to another worker: the database still accepts one copy only, the first to commit.) Each
batch also locks its members' balance rows first, in member order (``points.services.bills``), so nothing can
deadlock whatever the routing. Called inside a transaction (or on SQLite) the import runs in this process, so it
sees and joins that transaction.

A worker that fails or dies (killed, out of memory) stops the import within seconds: the others are told to stop,
then terminated if they do not, no queue is waited on at exit, and the command exits non-zero with the reason
(the batches written before stay written; running the file again skips them as duplicates).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import queue
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterable, Iterator

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from rest_framework.exceptions import ValidationError
from tqdm import tqdm

from loyalty import metrics
from points.api.serializers import BillSerializer
from points.models import Bill
from points.services.bills import Lookups, bills_record

CHUNK = 100  # lines handed to a worker at once (fewer, larger messages between processes)
STOP = "stop"  # to a worker: end now, without writing what it holds


def _sentence(errors) -> str:
    if isinstance(errors, dict):
        return "; ".join(f"{k}: {_sentence(v)}" for k, v in errors.items())
    if isinstance(errors, list):
        return ", ".join(_sentence(e) for e in errors if e)
    return str(errors)


class Summary:
    """Accepted / duplicate / rejected counts, with the reason of each rejected line."""

    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.rejections: list[tuple[int, str]] = []

    def reject(self, line_no: int, reason: str) -> None:
        self.counts["rejected"] += 1
        self.rejections.append((line_no, reason))

    def merge(self, counts: dict[str, int], rejections: list[tuple[int, str]]) -> None:
        self.counts.update(counts)
        self.rejections += rejections


class Judge:
    """Validates lines (the API's serializer, built once) and records them in batches through the bill service."""

    def __init__(self, batch_size: int):
        self.batch_size = batch_size
        self.validator = BillSerializer()  # one serializer for every line: DRF builds its nested fields once
        self.lookups = Lookups()  # hotels, outlets and settings read once for the whole file
        self.batch: list[tuple[int, dict]] = []

    def take(self, line_no: int, data: object, summary: Summary) -> int:
        """Validate one parsed line; returns the number of lines finished (a batch written, or a rejection)."""
        try:
            self.batch.append((line_no, self.validator.run_validation(data)))
        except ValidationError as exc:
            summary.reject(line_no, f"invalid: {_sentence(exc.detail)}")
            return 1
        return self.flush(summary) if len(self.batch) >= self.batch_size else 0

    def flush(self, summary: Summary) -> int:
        if not self.batch:
            return 0
        outcomes = bills_record(payloads=[p for _, p in self.batch], source=Bill.Source.IMPORT, lookups=self.lookups)
        for (line_no, _), outcome in zip(self.batch, outcomes, strict=True):
            if outcome.error is not None:
                summary.reject(line_no, f"{outcome.error.code}: {outcome.error.detail}")
            elif outcome.created:
                summary.counts["accepted"] += 1
            else:
                summary.counts["duplicate"] += 1
        done, self.batch = len(self.batch), []
        return done


def _parsed(lines: Iterable[str], summary: Summary, bar: tqdm) -> Iterator[tuple[int, object]]:
    """(line number, parsed JSON) of each non-empty line; malformed lines are rejected here."""
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            bar.update(1)
            continue
        try:
            yield line_no, json.loads(line)
        except json.JSONDecodeError as exc:
            summary.reject(line_no, f"malformed_json: {exc.msg} at column {exc.colno}")
            bar.update(1)


def _worker(number: int, inbox, outbox, batch_size: int) -> None:
    """A worker process: judge the chunks of lines it is given; report progress, then its summary."""
    connections.close_all()  # never share the parent's connection: open one of its own
    try:
        judge, summary = Judge(batch_size), Summary()
        while (chunk := inbox.get()) is not None:
            if chunk == STOP:  # another worker failed: leave what is not written yet
                return
            done = sum(judge.take(line_no, data, summary) for line_no, data in chunk)
            if done:
                outbox.put((number, "progress", done))
        outbox.put((number, "progress", judge.flush(summary)))
        outbox.put((number, "done", (dict(summary.counts), summary.rejections)))
    except BaseException:  # reported to the parent, which stops the import with it
        outbox.put((number, "failed", traceback.format_exc()))
    finally:
        connections.close_all()


def _shard(data: object, workers: int) -> int:
    """Every bill of one member card (and so every copy of one bill) goes to the same worker."""
    if isinstance(data, dict):
        return hash(str(data.get("member")).strip()) % workers
    return 0


STOP_WAIT = 5.0  # seconds the other workers get to stop after a failure before they are terminated


class Command(BaseCommand):
    help = "Import settled bills from a JSON Lines file (one bill per line, API.md shape)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the .jsonl file ('-' for standard input)")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes judging bills (Default: one per core, at most 4; 1 on SQLite or inside a transaction)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file: str, batch_size: int, workers: int | None, no_progress: bool, **options):
        if batch_size < 1 or (workers is not None and workers < 1):
            raise CommandError("--batch-size and --workers must be at least 1")
        try:
            handle = open(file, encoding="utf-8") if file != "-" else sys.stdin  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        in_process = connection.vendor != "postgresql" or connection.in_atomic_block
        if workers is None:
            workers = 1 if in_process else min(4, os.cpu_count() or 1)
        elif in_process:
            workers = 1
        summary, finished = Summary(), False
        try:
            with handle, tqdm(desc="bills", unit=" lines", disable=no_progress, file=self.stderr) as bar:
                lines = _parsed(handle, summary, bar)
                if workers == 1:
                    judge = Judge(batch_size)
                    for line_no, data in lines:
                        bar.update(judge.take(line_no, data, summary))
                    bar.update(judge.flush(summary))
                else:
                    self._in_workers(lines, workers, batch_size, summary, bar)
            finished = True
        finally:  # /metrics: the bills of the file beside the API's (issue 18); a failed run counts one error
            counts = summary.counts
            metrics.bills_imported(
                accepted=counts["accepted"],
                resent=counts["duplicate"],
                rejected=counts["rejected"],
                failed=not finished,
            )
        for line_no, reason in sorted(summary.rejections):
            self.stdout.write(f"line {line_no}: rejected: {reason}")
        counts = summary.counts
        self.stdout.write(
            f"import_bills {file}: {counts['accepted']} accepted, {counts['duplicate']} duplicate, "
            f"{counts['rejected']} rejected"
        )

    def _in_workers(self, lines, workers: int, batch_size: int, summary: Summary, bar: tqdm) -> None:
        context = multiprocessing.get_context("fork")  # the workers inherit Django, set up
        connections.close_all()  # no connection of this process may be inherited
        outbox = context.Queue()
        inboxes = [context.Queue(maxsize=64) for _ in range(workers)]  # bounded: a large file is streamed
        procs = [
            context.Process(target=_worker, args=(n, inbox, outbox, batch_size), daemon=True)
            for n, inbox in enumerate(inboxes)
        ]
        for proc in procs:
            proc.start()
        done: set[int] = set()
        failures: list[str] = []

        def receive(wait: float) -> None:
            """Take what the workers reported; a worker that died without a word is a failure too."""
            try:
                while True:
                    worker, kind, value = outbox.get(timeout=wait)
                    wait = 0
                    if kind == "progress":
                        bar.update(value)
                    elif kind == "done":
                        summary.merge(*value)
                        done.add(worker)
                    else:
                        failures.append(value)
                        done.add(worker)
            except queue.Empty:
                pass
            for n, proc in enumerate(procs):
                if n not in done and proc.exitcode is not None and outbox.empty():
                    failures.append(f"worker {n} ended with exit code {proc.exitcode}")
                    done.add(n)

        def send(shard: int, item) -> None:
            while not failures:
                try:
                    inboxes[shard].put(item, timeout=0.5)
                    return
                except queue.Full:
                    receive(0)

        try:
            chunks: list[list[tuple[int, object]]] = [[] for _ in range(workers)]
            for line_no, data in lines:
                shard = _shard(data, workers)
                chunks[shard].append((line_no, data))
                if len(chunks[shard]) >= CHUNK:
                    send(shard, chunks[shard])
                    chunks[shard] = []
                    receive(0)
                if failures:
                    break
            for shard in range(workers):
                if chunks[shard]:
                    send(shard, chunks[shard])
                send(shard, None)
            while len(done) < workers and not failures:  # a failure ends the wait: the others are stopped
                receive(0.5)
        finally:
            if failures:  # the others stop at their next chunk and close their connections
                for inbox in inboxes:
                    with contextlib.suppress(queue.Full, ValueError, OSError):
                        inbox.put(STOP, timeout=0.2)
            # Never wait at exit for a queue's feeder thread to hand data to a worker that is gone (the parent hung
            # forever there when a worker died with its inbox full).
            for q in (*inboxes, outbox):
                q.cancel_join_thread()
            deadline = time.monotonic() + (STOP_WAIT if failures else 60.0)
            for proc in procs:
                proc.join(timeout=max(0.1, deadline - time.monotonic()))
            for proc in procs:
                if proc.is_alive():
                    proc.terminate()
                    proc.join(timeout=2)
                if proc.is_alive():
                    proc.kill()
                    proc.join(timeout=2)
        if failures:
            raise CommandError("an import worker failed; the batches written before stay written:\n" + failures[0])
