"""`make bench`: latencies against databases of growing size (never part of `make test`).

For each size, a fresh SQLite database is migrated and seeded with `seed-demo`; pages and
API calls are requested through the test client. The tables show median and 95th-percentile
milliseconds, the SQL statements per request (which must not grow with the data) and, for
the open-data exports, the peak of Python memory while the whole file streams.
Sizes: BENCH_SIZES="1000,100000" by default; BENCH_REPEAT=10 requests per URL.
"""
import os
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event

from registry import create_app
from registry.cli import load_reference_data
from registry.config import TestConfig
from registry.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed
from registry.extensions import db
from registry.models import Application
from registry.models.base import province_today

ROOT = Path(__file__).resolve().parent.parent
REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))


def pages(app) -> list[tuple[str, str | None]]:
    """(url, account to log in as) for each page measured."""
    with app.app_context():
        approved = db.session.scalar(db.select(Application.public_code).where(
            Application.status == "approved").limit(1))
        in_review = db.session.scalar(db.select(Application.id).where(
            Application.status == "in_review").limit(1))
    reviewer, applicant, agency = DEMO_ACCOUNTS[1][0], DEMO_ACCOUNTS[2][0], DEMO_ACCOUNTS[3][0]
    year = province_today().year
    return [
        ("/", None),
        ("/records", None),
        ("/records?q=dong+tao", None),
        ("/records?page=40", None),
        (f"/records/{approved}", None),
        ("/applications/", applicant),
        ("/review/", reviewer),
        ("/review/?status=submitted&sort=title", reviewer),
        (f"/review/{in_review}", reviewer),
        ("/progress", None),
        ("/review/dashboard", reviewer),
        ("/review/plan-tasks", reviewer),
        ("/agency/", agency),
        (f"/review/annual-report?year={year}", reviewer),
        (f"/review/annual-report/{year}.pdf", reviewer),
        (f"/review/annual-report/{year}.xlsx", reviewer),
        ("/api/v1/targets", None),
        ("/api/v1/records", None),
        ("/api/v1/records?per_page=100&page=2", None),
        ("/api/v1/records?per_page=100&page=LAST", None),
        ("/api/v1/records?q=nhan+long&district=tien_lu", None),
    ]


def measure(size: int) -> list[tuple]:
    directory = Path(tempfile.mkdtemp(prefix="registry-bench-"))

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{directory / 'bench.sqlite3'}"
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
        SERVER_NAME = None

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_reference_data()
        started = time.perf_counter()
        seed(size)
        seeded_in = time.perf_counter() - started
    print(f"  {size:>7} applications seeded in {seeded_in:.1f} s")
    rows = []
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    with app.app_context():
        approved = db.session.scalar(db.select(db.func.count(Application.id)).where(
            Application.status == "approved"))
    last_page = max((approved + 99) // 100, 1)
    for url, account in pages(app):
        url = url.replace("page=LAST", f"page={last_page}")
        client = app.test_client()
        if account:
            client.post("/auth/login", data={"email": account, "password": DEMO_PASSWORD})
        client.get(url)  # warm-up
        timings = []
        for _ in range(REPEAT):
            statements.clear()
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        rows.append((size, url, statistics.median(timings), timings[int(len(timings) * .95) - 1],
                     len(statements)))
    exports = []
    client = app.test_client()
    for url in ("/api/v1/export/records.csv", "/api/v1/export/records.xlsx"):
        # Timed without tracemalloc (which slows every allocation), then measured with it.
        started = time.perf_counter()
        size = sum(len(chunk) for chunk in client.get(url, buffered=False).response)
        elapsed = time.perf_counter() - started
        tracemalloc.start()
        for _chunk in client.get(url, buffered=False).response:
            pass
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        exports.append((size_label(size), url, elapsed, peak / 1024 / 1024, approved))
    return rows, exports


def size_label(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,100000").split(",")]
    results, exports = [], []
    for size in sizes:
        rows, export_rows = measure(size)
        results.extend(rows)
        exports.extend((size, *row) for row in export_rows)
    print()
    print("| records | page | median ms | p95 ms | SQL statements |")
    print("|---:|---|---:|---:|---:|")
    for size, url, median, p95, count in results:
        print(f"| {size:,} | `{url}` | {median:.1f} | {p95:.1f} | {count} |")
    print()
    print("| applications | export | approved rows | file | seconds | peak Python memory |")
    print("|---:|---|---:|---:|---:|---:|")
    for size, file_size, url, seconds, peak, approved in exports:
        print(f"| {size:,} | `{url}` | {approved:,} | {file_size} | {seconds:.1f} | {peak:.1f} MB |")


if __name__ == "__main__":
    main()
