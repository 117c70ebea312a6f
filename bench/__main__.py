"""`make bench`: what pages cost as the registry grows (never part of `make test`).

For each size a fresh SQLite database is migrated and seeded by the `flask seed-demo` command
(timed). Then, on that database:
- every page and API call is requested through the test client, at every size in turn (so
  that other work on the machine weighs on each alike): median and 95th percentile of
  BENCH_REPEAT requests and the SQL statements per request, the sizes side by side with their
  ratio;
- the catalogue is compared with a plain sqlite3 + Jinja page of the same 20 rows
  (bench/baseline.py);
- each full open-data export is downloaded in a process of its own, for its peak resident
  memory (bench/export_memory.py), and once more in process under tracemalloc.
Then gunicorn serves the largest database, SQLite and PostgreSQL in turn, to Locust's visitors
(bench/served.py, bench/locustfile.py).

Everything printed is also written to bench/results.md, for the README's speed table.
Environment: BENCH_SIZES="1000,100000", BENCH_REPEAT=30, BENCH_SERVED=0 to skip the served
part, BENCH_DURATION=30s, BENCH_USERS=20.
"""
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event

from bench.baseline import Baseline
from bench.cursor import cursor_of, next_path
from bench.database import (ROOT, bench_app, drop_postgres, prepare, production_env,
                            recreate_postgres, sqlite_url)
from bench.served import served
from registry.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from registry.extensions import db
from registry.models import Application
from registry.models.base import province_today

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,100000").split(",")]
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
SERVED = os.environ.get("BENCH_SERVED", "1") != "0"
DURATION = os.environ.get("BENCH_DURATION", "30s")
USERS = int(os.environ.get("BENCH_USERS", "20"))
RESULTS = ROOT / "bench" / "results.md"
EXPORTS = ("/api/v1/export/records.csv", "/api/v1/export/records.xlsx")
API_PER_PAGE = 100

# The goals of issue #14.
MAX_RATIO = 1.3
MAX_BASELINE_RATIO = 2
MAX_SEED_SECONDS = 60
MAX_EXPORT_MB = 200
MAX_P95_MS = 100
MIN_RPS = 300

# A row is named by its URL with what depends on the size as a placeholder, filled per size.
PLACEHOLDERS = ("CODE", "ID", "LAST_CATALOGUE", "LAST", "CURSOR")


def pages(app, baseline: Baseline, client) -> tuple[list[tuple[str, str | None]], dict[str, str]]:
    """(URL with placeholders, account to log in as) for each page measured, and the value of
    each placeholder at this size. The cursor row is there only when the API gives cursors."""
    with app.app_context():
        in_review = db.session.scalar(db.select(Application.id).where(
            Application.status == "in_review").limit(1))
    public = baseline.public_count()
    values = {
        "CODE": baseline.rows()[0]["public_code"],
        "LAST_CATALOGUE": str(max(math.ceil(public / app.config["PER_PAGE"]), 1)),
        "LAST": str(max(math.ceil(public / API_PER_PAGE), 1)),
    }
    if in_review is not None:
        values["ID"] = str(in_review)
    cursor = last_cursor(client)
    if cursor is not None:
        values["CURSOR"] = quote(cursor, safe="")
    reviewer, applicant, agency = DEMO_ACCOUNTS[1][0], DEMO_ACCOUNTS[2][0], DEMO_ACCOUNTS[3][0]
    year = province_today().year
    urls = [
        ("/", None),
        ("/records", None),
        ("/records?q=dong+tao", None),
        ("/records?page=40", None),
        ("/records?page=LAST_CATALOGUE", None),
        ("/records/CODE", None),
        ("/applications/", applicant),
        ("/review/", reviewer),
        ("/review/?status=submitted&sort=title", reviewer),
        *([("/review/ID", reviewer)] if "ID" in values else []),
        ("/progress", None),
        ("/review/dashboard", reviewer),
        ("/review/plan-tasks", reviewer),
        ("/agency/", agency),
        (f"/review/annual-report?year={year}", reviewer),
        (f"/review/annual-report/{year}.pdf", reviewer),
        (f"/review/annual-report/{year}.xlsx", reviewer),
        ("/api/v1/targets", None),
        ("/api/v1/records", None),
        (f"/api/v1/records?per_page={API_PER_PAGE}&page=2", None),
        (f"/api/v1/records?per_page={API_PER_PAGE}&page=LAST", None),
        ("/api/v1/records?q=nhan+long&district=tien_lu", None),
        *([(f"/api/v1/records?per_page={API_PER_PAGE}&cursor=CURSOR", None)]
          if "CURSOR" in values else []),
    ]
    return urls, values


def last_cursor(client) -> str | None:
    """The cursor of the API's last page of records, reached by following `next` from the first;
    None when the API gives no cursor or has a single page."""
    path, last = f"/api/v1/records?per_page={API_PER_PAGE}", None
    while path:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        path = next_path(response.get_json(), API_PER_PAGE)
        last = path or last
    return cursor_of(last) if last else None


def fill(url: str, values: dict[str, str]) -> str:
    for name in PLACEHOLDERS:  # LAST_CATALOGUE before LAST: one contains the other
        if name in values:
            url = url.replace(name, values[name])
    return url


def summary(ms: list[float]) -> dict:
    ms = sorted(ms)
    # p95 by nearest rank.
    return {"median": statistics.median(ms), "p95": ms[math.ceil(len(ms) * .95) - 1]}


class SizeRun:
    """One size's database as the pages see it: the app, a client per account, the URLs with
    their placeholders filled, the SQL statements of the latest request, the baseline."""

    def __init__(self, app, path: Path):
        self.app, self.baseline = app, Baseline(path)
        self.clients = {None: app.test_client()}
        self.urls, self.values = pages(app, self.baseline, self.clients[None])
        self.statements: list = []
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *args: self.statements.append(1))
        self.baseline_client = self.baseline.client()

    def client(self, account):
        if account not in self.clients:
            self.clients[account] = self.app.test_client()
            self.clients[account].post("/auth/login", data={"email": account, "password": DEMO_PASSWORD})
        return self.clients[account]

    def get(self, label: str, account) -> tuple[float, int]:
        """Milliseconds and status of one request, its body read."""
        self.statements.clear()
        started = time.perf_counter()
        response = self.client(account).get(fill(label, self.values))
        response.get_data()
        return (time.perf_counter() - started) * 1000, response.status_code

    def same_rows(self) -> bool:
        """Whether the catalogue shows the baseline's rows."""
        catalogue = self.clients[None].get("/records").get_data(as_text=True)
        shown = re.findall(r'href="/records/([A-Z0-9-]+)"', catalogue)
        return shown == [row["public_code"] for row in self.baseline.rows()]


def measure_pages(runs: dict[int, SizeRun]) -> dict[int, dict]:
    """Each URL's first request at every size, then REPEAT rounds of one request per size in
    turn: the sizes are measured side by side, so that what else the machine does in the
    meantime weighs on both alike. Likewise the baseline."""
    results = {size: {"pages": {}, "values": run.values} for size, run in runs.items()}
    labels = dict.fromkeys((label, account) for run in runs.values() for label, account in run.urls)
    for label, account in labels:
        present = {size: run for size, run in runs.items() if (label, account) in run.urls}
        times, statements = {size: [] for size in present}, {}
        for size, run in present.items():
            first, status = run.get(label, account)
            results[size]["pages"][label] = ({"first": first} if status == 200
                                             else {"error": f"HTTP {status}"})
        measured = {size: run for size, run in present.items()
                    if "error" not in results[size]["pages"][label]}
        for _round in range(REPEAT):
            for size, run in measured.items():
                times[size].append(run.get(label, account)[0])
                statements[size] = len(run.statements)
        for size in measured:
            results[size]["pages"][label].update(summary(times[size]), statements=statements[size])
    baseline_times = {size: [] for size in runs}
    for run in runs.values():
        run.baseline_client.get("/").get_data()  # the first, like each page's, is not counted
    for _round in range(REPEAT):
        for size, run in runs.items():
            started = time.perf_counter()
            run.baseline_client.get("/").get_data()
            baseline_times[size].append((time.perf_counter() - started) * 1000)
    for size, run in runs.items():
        results[size].update(baseline=summary(baseline_times[size]), same_rows=run.same_rows(),
                             public=run.baseline.public_count())
        run.baseline.close()
    return results


def measure_exports(app, path: Path, upload_dir: Path) -> list[dict]:
    """Each export downloaded whole in a process of its own (peak RSS, seconds of a first and a
    second download), then once more in this process under tracemalloc."""
    results = []
    for url in EXPORTS:
        child = subprocess.run([sys.executable, "-m", "bench.export_memory", str(path),
                                str(upload_dir), url], cwd=ROOT, capture_output=True, text=True)
        if child.returncode:
            raise RuntimeError(f"export of {url} failed:\n{child.stderr[-3000:]}")
        measured = json.loads(child.stdout.splitlines()[-1])
        client = app.test_client()
        tracemalloc.start()
        for _chunk in client.get(url, buffered=False).response:
            pass
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results.append({"url": url, **measured, "tracemalloc_mb": peak / 1024 / 1024})
    return results


# Tables ------------------------------------------------------------------------------------

def cells_by_label(by_size: dict[int, dict]) -> dict[str, list[dict]]:
    """Each URL label's measurements, one per size ({"error": …} where it has none)."""
    labels = dict.fromkeys(label for result in by_size.values() for label in result["pages"])
    return {label: [result["pages"].get(label, {"error": "–"}) for result in by_size.values()]
            for label in labels}


def ratio(cells: list[dict], key: str) -> str:
    """The largest size's value over the smallest's."""
    if "error" in cells[0] or "error" in cells[-1]:
        return "–"
    return f"{cells[-1][key] / cells[0][key]:.2f}"


def pages_table(by_size: dict[int, dict]) -> list[str]:
    sizes = list(by_size)
    lines = [f"Milliseconds: median / 95th percentile of {REPEAT} requests through the test client "
             f"(after a first one); ratio of the medians at {sizes[-1]:,} and {sizes[0]:,}.", "",
             "| page | " + " | ".join(f"{size:,} ms" for size in sizes) + " | ratio | statements |",
             "|---|" + "---:|" * (len(sizes) + 2)]
    for label, cells in cells_by_label(by_size).items():
        counts = dict.fromkeys(str(cell["statements"]) for cell in cells if "error" not in cell)
        lines.append(f"| `{label}` | " + " | ".join(
            cell.get("error") or f"{cell['median']:.1f} / {cell['p95']:.1f}" for cell in cells)
            + f" | {ratio(cells, 'median')} | {' → '.join(counts) or '–'} |")
    lines.append("")
    for name in PLACEHOLDERS:
        filled = [f"{result['values'][name]} at {size:,}" for size, result in by_size.items()
                  if name in result["values"]]
        if filled:
            lines.append(f"- {name}: {', '.join(filled)}")
    if not any("CURSOR" in result["values"] for result in by_size.values()):
        lines.append("- The API gives no `next` cursor: only `page=` is measured.")
    return lines


def first_requests_table(by_size: dict[int, dict]) -> list[str]:
    sizes = list(by_size)
    lines = [f"Milliseconds of each URL's first request, in the order above: what filling a cache "
             f"costs, unless an earlier URL filled it. Ratio at {sizes[-1]:,} and {sizes[0]:,}.", "",
             "| page | " + " | ".join(f"{size:,} ms" for size in sizes) + " | ratio |",
             "|---|" + "---:|" * (len(sizes) + 1)]
    for label, cells in cells_by_label(by_size).items():
        lines.append(f"| `{label}` | " + " | ".join(
            cell.get("error") or f"{cell['first']:.1f}" for cell in cells)
            + f" | {ratio(cells, 'first')} |")
    return lines


def baseline_table(by_size: dict[int, dict]) -> list[str]:
    lines = ["| applications | public records | `/records` ms | baseline ms | ratio |",
             "|---:|---:|---:|---:|---:|"]
    for size, result in by_size.items():
        catalogue, baseline = result["pages"].get("/records", {}), result["baseline"]
        shown, times = "–", "–"
        if "median" in catalogue:
            shown = f"{catalogue['median']:.1f} / {catalogue['p95']:.1f}"
            times = f"{catalogue['median'] / baseline['median']:.1f}"
        lines.append(f"| {size:,} | {result['public']:,} | {shown} | "
                     f"{baseline['median']:.2f} / {baseline['p95']:.2f} | {times} |")
    lines += ["", "Baseline: the same 20 rows read with sqlite3 and rendered by a small Jinja "
              "template, served by a bare WSGI function and requested through Werkzeug's test "
              "client as the registry's pages are (bench/baseline.py); median / p95, ratio of "
              "the medians."]
    for size, result in by_size.items():
        if not result["same_rows"]:
            lines.append(f"- **At {size:,} the baseline's rows are not the catalogue's**: the "
                         "ratio compares different pages.")
    return lines


def seed_table(seeds: list[tuple[str, int, float]]) -> list[str]:
    lines = ["| database | applications | `flask seed-demo` seconds |", "|---|---:|---:|"]
    lines += [f"| {name} | {size:,} | {seconds:.1f} |" for name, size, seconds in seeds]
    return lines + ["", "The command as an operator runs it, its start-up included, on a freshly "
                        "migrated database with the reference data."]


def exports_table(by_size: dict[int, list[dict]]) -> list[str]:
    lines = ["| applications | export | file | first download s | second s | peak RSS | "
             "RSS before | tracemalloc peak |", "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for size, rows in by_size.items():
        for row in rows:
            lines.append(
                f"| {size:,} | `{row['url']}` | {row['bytes'] / 1024 / 1024:.1f} MB | "
                f"{row['cold_s']:.2f} | {row['warm_s']:.2f} | {row['peak_rss_mb']:.0f} MB | "
                f"{row['rss_before_mb']:.0f} MB | {row['tracemalloc_mb']:.1f} MB |")
    return lines + ["", "Each export downloaded whole through the test client in a process of "
                        "its own: peak resident memory of that process (VmHWM, the app "
                        "included), its memory before the download, the seconds of a first "
                        "and a second download; then the peak of Python allocations "
                        "(tracemalloc) over one more download in the benchmark's process."]


def served_table(served_rows: dict[str, list[dict]], size: int) -> list[str]:
    lines = ["| database | requests | failures | requests/s | p50 ms | p95 ms | p99 ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, rows in served_rows.items():
        total = rows[-1]
        lines.append(f"| {name} | {total['requests']:,} | {total['failures']} | {total['rps']:.0f} | "
                     f"{total['p50']:.0f} | {total['p95']:.0f} | {total['p99']:.0f} |")
    lines += ["", f"gunicorn -w 4 --timeout 120 'app:app' in production on {size:,} applications; "
              f"Locust headless, {USERS} users without pauses for {DURATION} (bench/locustfile.py)."]
    for name, rows in served_rows.items():
        lines += ["", f"{name}, by request:", "",
                  "| request | requests | failures | requests/s | p50 ms | p95 ms | p99 ms |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        lines += [f"| `{row['name']}` | {row['requests']:,} | {row['failures']} | {row['rps']:.1f} | "
                  f"{row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f} |" for row in rows[:-1]]
    return lines


def goals(by_size, seeds, exports, served_rows) -> list[str]:
    first, last = SIZES[0], SIZES[-1]

    def mark(ok: bool) -> str:
        return "met" if ok else "**NOT met**"

    slow = [f"`{label}` {ratio(cells, 'median')}" for label, cells in cells_by_label(by_size).items()
            if ratio(cells, "median") != "–" and cells[-1]["median"] > MAX_RATIO * cells[0]["median"]]
    errors = [f"`{label}` {cell['error']} at {size:,}" for size, result in by_size.items()
              for label, cell in result["pages"].items() if "error" in cell]
    lines = [f"- Every page at {last:,} within {MAX_RATIO}× its time at {first:,}: "
             f"{mark(not slow and not errors)}" + (f" ({', '.join(slow + errors)})" if slow or errors else "")]
    catalogue = by_size[last]["pages"].get("/records", {})
    if "median" in catalogue:
        times = catalogue["median"] / by_size[last]["baseline"]["median"]
        lines.append(f"- Catalogue within {MAX_BASELINE_RATIO}× the baseline at {last:,}: "
                     f"{times:.1f}×, {mark(times <= MAX_BASELINE_RATIO)}")
    for name, size, seconds in seeds:
        if size == last:
            lines.append(f"- {name}: `seed-demo --count {size:,}` under {MAX_SEED_SECONDS} s: "
                         f"{seconds:.0f} s, {mark(seconds < MAX_SEED_SECONDS)}")
    for row in exports[last]:
        lines.append(f"- `{row['url']}` of {last:,} under {MAX_EXPORT_MB} MB: "
                     f"{row['peak_rss_mb']:.0f} MB, {mark(row['peak_rss_mb'] < MAX_EXPORT_MB)}")
    for name, rows in served_rows.items():
        total = rows[-1]
        ok = total["p95"] < MAX_P95_MS and total["rps"] >= MIN_RPS and not total["failures"]
        lines.append(f"- Served on {name}: p95 {total['p95']:.0f} ms (< {MAX_P95_MS}), "
                     f"{total['rps']:.0f} requests/s (≥ {MIN_RPS}), {total['failures']} failures: "
                     f"{mark(ok)}")
    return lines


def commit() -> str:
    """The commit measured, for the record ('unknown' outside a git checkout)."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return "unknown"
    return head + (" with uncommitted changes" if git("status", "--porcelain") else "")


# The run ------------------------------------------------------------------------------------

def serve(name: str, database_url: str, directory: Path, served_rows: dict, notes: list) -> None:
    """The served run on one database. One that breaks is reported, and the results measured
    before it are still written."""
    try:
        served_rows[name] = served(database_url, directory / "uploads", directory, USERS, DURATION)
    except Exception as error:  # noqa: BLE001 — whatever went wrong, the report says it
        notes.append(f"- The served run on {name} failed: {error}")
        print(notes[-1], flush=True)


def main() -> None:
    runs, exports, seeds, served_rows, notes = {}, {}, [], {}, []
    # Other work on the machine slows everything measured: the load says whether there was any.
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as temporary:
        temporary = Path(temporary)
        for size in SIZES:
            directory = temporary / str(size)
            directory.mkdir()
            path, upload_dir = directory / "bench.sqlite3", directory / "uploads"
            print(f"SQLite, {size:,} applications: seeding…", flush=True)
            seeds.append(("SQLite", size, prepare(production_env(sqlite_url(path), upload_dir), size)))
            print(f"  seeded in {seeds[-1][2]:.1f} s; exports…", flush=True)
            app = bench_app(path, upload_dir)
            exports[size] = measure_exports(app, path, upload_dir)
            runs[size] = SizeRun(app, path)
        print("Pages, the sizes side by side…", flush=True)
        by_size = measure_pages(runs)

        if SERVED:
            largest = temporary / str(SIZES[-1])
            print(f"Served, SQLite, {SIZES[-1]:,} applications…", flush=True)
            serve("SQLite", sqlite_url(largest / "bench.sqlite3"), largest, served_rows, notes)
            postgres = recreate_postgres()
            if postgres is None:
                notes.append("- PostgreSQL not reachable on 127.0.0.1:5432: its served run is skipped.")
                print(notes[-1], flush=True)
            else:
                directory = temporary / "postgres"
                directory.mkdir()
                try:
                    print(f"PostgreSQL, {SIZES[-1]:,} applications: seeding…", flush=True)
                    seeds.append(("PostgreSQL", SIZES[-1],
                                  prepare(production_env(postgres, directory / "uploads"), SIZES[-1])))
                    print(f"  seeded in {seeds[-1][2]:.1f} s; served…", flush=True)
                    serve("PostgreSQL", postgres, directory, served_rows, notes)
                finally:
                    drop_postgres()

    sections = [
        f"# make bench — {date.today():%d/%m/%Y}, commit {commit()}, {os.cpu_count()} cores",
        "", f"Load average (1 min) {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.",
        "", "## Pages, 1 process (test client)", "", *pages_table(by_size),
        "", "### First requests", "", *first_requests_table(by_size),
        "", "## Catalogue against a plain sqlite3 + Jinja page", "", *baseline_table(by_size),
        "", "## Seeding", "", *seed_table(seeds),
        "", "## Open-data exports", "", *exports_table(exports),
    ]
    if served_rows:
        sections += ["", "## Served (gunicorn, Locust)", "", *served_table(served_rows, SIZES[-1])]
    sections += ["", "## Goals", "", *goals(by_size, seeds, exports, served_rows), *notes]
    text = "\n".join(sections) + "\n"
    print()
    print(text)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
