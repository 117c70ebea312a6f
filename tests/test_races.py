"""Concurrent workflow actions on one application, against a real threaded HTTP server on the
suite's database (SQLite file or PostgreSQL): one wins, every other gets 409 and its message —
never a 500."""
import json
import threading
import urllib.error
import urllib.request

import pytest

from registry.extensions import db
from registry.models import Application, ApplicationEvent
from registry.services.tokens import create_token
from registry.services.unit_of_work import commit
from tests.conftest import SuiteConfig, serving
from tests.factories import appraise, attach_required_documents, make_application, make_user

RACERS = 16


class ServedConfig(SuiteConfig):
    SERVER_NAME = None


@pytest.fixture
def server(app):
    with serving(ServedConfig) as url:
        yield url


def token_of(user) -> str:
    _token, secret = create_token(user, "race")
    commit()
    return secret


def race(url: str, token: str, body: dict | None) -> list[tuple[int, dict]]:
    """RACERS requests released together; their (status, JSON body) answers."""
    barrier = threading.Barrier(RACERS)
    answers: list[tuple[int, dict]] = []
    data = json.dumps(body).encode() if body is not None else None

    def one():
        request = urllib.request.Request(url, data=data if data is not None else b"", method="POST",
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                answers.append((response.status, json.loads(response.read())))
        except urllib.error.HTTPError as error:
            answers.append((error.code, json.loads(error.read() or b"{}")))

    threads = [threading.Thread(target=one) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return answers


def assert_one_winner(answers) -> None:
    statuses = sorted(status for status, _body in answers)
    assert len(statuses) == RACERS
    assert statuses == [200] + [409] * (RACERS - 1), statuses
    for status, body in answers:
        if status == 409:
            assert body["error"], body


def events(application_id: int, action: str) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(ApplicationEvent.id)).filter_by(
        application_id=application_id, action=action))


def test_sixteen_simultaneous_approvals_one_wins(app, server):
    owner = make_user("applicant")
    reviewer = make_user("reviewer")
    # Found eligible and recommended by its council: nothing but the race stands in the way.
    application = make_application(owner, "project", "in_review", reviewer=reviewer)
    appraise(application, reviewer)
    db.session.refresh(application)
    assert application.council_assignment("selection").recommended
    token = token_of(reviewer)

    answers = race(f"{server}/api/v1/applications/{application.id}/decision", token,
                   {"decision": "approve", "comment": "", "version": application.version})

    assert_one_winner(answers)
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == "approved"
    assert events(application.id, "approve") == 1


def test_simultaneous_submissions_one_wins(app, server):
    owner = make_user("applicant")
    application = make_application(owner, "startup", "draft")
    attach_required_documents(application, owner)
    token = token_of(owner)

    answers = race(f"{server}/api/v1/applications/{application.id}/submit", token,
                   {"version": application.version})

    assert_one_winner(answers)
    assert events(application.id, "submit") == 1
    assert len(db.session.get(Application, application.id).versions) == 1


def test_simultaneous_withdrawals_one_wins(app, server):
    owner = make_user("applicant")
    application = make_application(owner, "conservation", "submitted")
    token = token_of(owner)

    answers = race(f"{server}/api/v1/applications/{application.id}/withdraw", token,
                   {"version": application.version, "comment": "Đổi kế hoạch"})

    assert_one_winner(answers)
    assert events(application.id, "withdraw") == 1
