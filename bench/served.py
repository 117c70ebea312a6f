"""The served load test: gunicorn started as the README says, Locust's visitors
(bench/locustfile.py) browsing it headless, Locust's CSV statistics read back."""
import csv
import os
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import redis

from bench.database import BIN, ROOT, production_env

REDIS = "redis://127.0.0.1:6379"
WORKERS = 4
# What the warm-up requests before the clock starts (see warm_up).
WARM_UP_PATHS = ("/", "/records", "/records?page=2", "/records?q=dong+tao", "/progress",
                 "/api/v1/records", "/api/v1/records?q=nhan+long", "/api/v1/targets")


def ratelimit_storage() -> str:
    """Redis, as the README asks for several workers, when it answers; else each worker counts
    alone (the limit is out of reach either way)."""
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return "memory://"
    return REDIS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, upload_dir: Path, log_path: Path):
    """gunicorn -w 4 --timeout 120 'app:app' on a free port, in production; yields its address
    once it answers, and stops it whatever happens."""
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    env = production_env(database_url, upload_dir, site_url=site,
                         ratelimit_storage=ratelimit_storage())
    with open(log_path, "w") as log:
        # A session of its own: should gunicorn not stop, its workers go with it (killpg).
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(WORKERS), "--timeout", "120",
             "-b", f"127.0.0.1:{port}", "app:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until_up(site, process, log_path)
            yield site
        finally:
            # QUIT is gunicorn's quick shutdown: no waiting for requests still being answered.
            process.send_signal(signal.SIGQUIT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_until_up(site: str, process: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            with urlopen(site + "/", timeout=5) as response:
                if response.status == 200:
                    return
        except (URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")


def warm_up(site: str) -> None:
    """Each kind of request once per worker, as many at a time as there are workers so that
    every worker gets some: each compiles its templates and fills its caches on its first
    requests, which a site that has been serving for a while has long done."""
    def get(path):
        try:
            with urlopen(site + path, timeout=120) as response:
                response.read()
        except URLError:
            pass  # an error page here fails in Locust's statistics too, where it is counted

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(get, WARM_UP_PATHS * WORKERS))


def run_locust(site: str, csv_prefix: Path, users: int, duration: str) -> list[dict]:
    """Locust headless against the site; its statistics, one dict per request name and the
    'Aggregated' total last."""
    locust = subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "-u", str(users), "-r", str(users), "-t", duration, "--host", site,
         "--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING"],
        cwd=ROOT, capture_output=True, text=True)
    # Locust exits with 1 when a request failed: the statistics count those.
    if locust.returncode not in (0, 1):
        raise RuntimeError(f"Locust exited with {locust.returncode}:\n"
                           f"{(locust.stdout + locust.stderr)[-3000:]}")
    with Path(f"{csv_prefix}_stats.csv").open(newline="") as file:
        rows = [{
            "name": row["Name"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "p99": float(row["99%"]),
        } for row in csv.DictReader(file)]
    with Path(f"{csv_prefix}_failures.csv").open(newline="") as file:
        for row in list(csv.DictReader(file))[:5]:
            print(f"  failure: {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}×)")
    # An exception in the locustfile stops a user's task without a failed request to show it.
    with Path(f"{csv_prefix}_exceptions.csv").open(newline="") as file:
        for row in csv.DictReader(file):
            raise RuntimeError(f"The locustfile raised ({row['Count']}×): {row['Traceback']}")
    return rows


def served(database_url: str, upload_dir: Path, workdir: Path, users: int, duration: str) -> list[dict]:
    with gunicorn(database_url, upload_dir, workdir / "gunicorn.log") as site:
        warm_up(site)
        return run_locust(site, workdir / "locust", users, duration)
