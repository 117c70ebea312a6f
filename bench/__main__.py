"""`make bench`: page latencies against databases of growing size (never part of `make test`).

For each size, a fresh SQLite database is migrated, seeded with `seed-demo`, and the pages
below are requested through the test client; the table shows median and 95th-percentile
milliseconds and the number of SQL statements per page (which must not grow with the data).
Sizes: BENCH_SIZES="1000,10000" by default.
"""
import os
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event

from registry import create_app
from registry.cli import load_reference_data
from registry.config import TestConfig
from registry.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed
from registry.extensions import db
from registry.models import Application

ROOT = Path(__file__).resolve().parent.parent
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def pages(app) -> list[tuple[str, str | None]]:
    """(url, account to log in as) for each page measured."""
    with app.app_context():
        approved = db.session.scalar(db.select(Application.public_code).where(
            Application.status == "approved").limit(1))
        in_review = db.session.scalar(db.select(Application.id).where(
            Application.status == "in_review").limit(1))
    reviewer, applicant = DEMO_ACCOUNTS[1][0], DEMO_ACCOUNTS[2][0]
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
    for url, account in pages(app):
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
    return rows


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
    results = []
    for size in sizes:
        results.extend(measure(size))
    print()
    print("| records | page | median ms | p95 ms | SQL statements |")
    print("|---:|---|---:|---:|---:|")
    for size, url, median, p95, count in results:
        print(f"| {size:,} | `{url}` | {median:.1f} | {p95:.1f} | {count} |")


if __name__ == "__main__":
    main()
