"""Visitors browsing the public registry, for `make bench` (bench/served.py runs it headless):
`locust -f bench/locustfile.py --headless -u 20 -r 20 -t 30s --host http://127.0.0.1:8000`.

The weights follow what visitors do: mostly the catalogue (its first pages, a facet, a search)
and record pages, the home and progress pages, and some API clients paging through records.
Users do not pause between requests: 20 of them keep the server as busy as 20 connections can.
"""
import json
import logging
import random
import sys
from pathlib import Path
from urllib.request import urlopen

from locust import FastHttpUser, constant, events, task

# Locust puts only this file's folder on the path; the package it belongs to is one up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.cursor import next_path  # noqa: E402

KINDS = ("project", "startup", "conservation", "pvp_filing")
FIELDS = ("agriculture", "health", "environment", "industry_trade", "security_defense")
SEARCHES = ("dong+tao", "nhan+long", "vai+trung")
PER_PAGE = 100
SAMPLED_PAGES = 5

# Filled once when the test starts, from the API: the record pages visitors open.
codes: list[str] = []
years: list[str] = []


@events.test_start.add_listener
def sample_records(environment, **_kwargs):
    """Public codes and approval years of the newest records, a few API pages of them. Without
    them there is no test: Locust stops (an exception here would only be logged)."""
    path = f"/api/v1/records?per_page={PER_PAGE}"
    try:
        for number in range(2, SAMPLED_PAGES + 2):
            with urlopen(environment.host + path, timeout=60) as response:
                payload = json.load(response)
            for item in payload["items"]:
                codes.append(item["public_code"])
                years.append(item["approved_on"][:4])
            path = next_path(payload, PER_PAGE) or f"/api/v1/records?per_page={PER_PAGE}&page={number}"
    except (OSError, ValueError, KeyError) as error:
        logging.error("Could not sample records from %s%s: %r", environment.host, path, error)
    if not codes:
        logging.error("No record to visit: is the database seeded?")
        environment.process_exit_code = 2
        environment.runner.quit()
    years[:] = sorted(set(years))


class Visitor(FastHttpUser):
    wait_time = constant(0)

    @task(8)
    def home(self):
        self.client.get("/")

    @task(10)
    def catalogue(self):
        self.client.get("/records")

    @task(6)
    def catalogue_page(self):
        self.client.get(f"/records?page={random.randint(2, 5)}", name="/records?page=[2-5]")

    @task(6)
    def facet(self):
        name, value = random.choice([("kind", random.choice(KINDS)),
                                     ("field", random.choice(FIELDS)),
                                     ("year", random.choice(years))])
        self.client.get(f"/records?{name}={value}", name=f"/records?{name}=[{name}]")

    @task(6)
    def search(self):
        self.client.get(f"/records?q={random.choice(SEARCHES)}", name="/records?q=[words]")

    @task(12)
    def record(self):
        self.client.get(f"/records/{random.choice(codes)}", name="/records/[code]")

    @task(3)
    def progress(self):
        self.client.get("/progress")

    @task(4)
    def api_records(self):
        self.client.get("/api/v1/records")

    @task(2)
    def api_page_two(self):
        self.client.get(f"/api/v1/records?per_page={PER_PAGE}&page=2",
                        name="/api/v1/records?page=2")

    @task(2)
    def api_following(self):
        """A client reading the records in order: the first pages, by the `next` cursor."""
        response = self.client.get(f"/api/v1/records?per_page={PER_PAGE}",
                                   name="/api/v1/records?per_page=100")
        for _ in range(2):
            path = response.status_code == 200 and next_path(response.json(), PER_PAGE)
            if not path:
                return
            response = self.client.get(path, name="/api/v1/records?cursor=[next]")

    @task(2)
    def api_search(self):
        self.client.get(f"/api/v1/records?q={random.choice(SEARCHES)}", name="/api/v1/records?q=[words]")

    @task(2)
    def api_targets(self):
        self.client.get("/api/v1/targets")
