"""One full open-data download in a process of its own, for its peak resident memory:
`python -m bench.export_memory DATABASE UPLOAD_DIR URL` prints JSON with the file's size, the
seconds of a first (cold) and a second (warm) download, and the process's resident memory
before the first and at its peak over both (VmHWM, which includes the app itself)."""
import json
import sys
import time
from pathlib import Path

from bench.database import bench_app


def memory_mb(field: str) -> float:
    """VmRSS or VmHWM of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def download(client, url: str) -> tuple[int, float]:
    started = time.perf_counter()
    response = client.get(url, buffered=False)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    return size, time.perf_counter() - started


def main(database: str, upload_dir: str, url: str) -> None:
    app = bench_app(Path(database), Path(upload_dir))
    client = app.test_client()
    client.get("/")  # the first request loads what every request needs (templates, babel)
    before = memory_mb("VmRSS")
    size, cold = download(client, url)
    _size, warm = download(client, url)
    peak = memory_mb("VmHWM")
    print(json.dumps({"bytes": size, "cold_s": cold, "warm_s": warm,
                      "rss_before_mb": before, "peak_rss_mb": peak}))


if __name__ == "__main__":
    main(*sys.argv[1:])
