"""E-mail through a real SMTP server (the `smtp` fixture: aiosmtpd on a local port)."""
import pytest

from registry.extensions import db
from registry.models import OutboxMessage
from registry.services import applications as workflow
from registry.services.unit_of_work import commit
from tests.factories import make_application, make_user


def test_submission_mails_reviewers_and_decision_mails_the_owner(app, smtp):
    owner = make_user("applicant", email="chu.ho.so@example.vn")
    reviewer = make_user("reviewer", email="tham.dinh@example.vn")
    application = make_application(owner, "conservation", "submitted")

    to_reviewer = [m for m in smtp.messages if m["To"] == reviewer.email]
    assert len(to_reviewer) == 1
    assert "Bảo tồn nguồn gen gà Đông Tảo" in to_reviewer[0].get_content()

    workflow.record_decision(application, reviewer, "request_revision",
                             "Đề nghị bổ sung số lượng đàn gà giống gốc.", application.version)
    commit()
    to_owner = [m for m in smtp.messages if m["To"] == owner.email]
    assert len(to_owner) == 1
    body = to_owner[0].get_content()
    assert "Yêu cầu bổ sung" in to_owner[0]["Subject"]
    assert "Đề nghị bổ sung số lượng đàn gà giống gốc." in body
    assert f"/applications/{application.id}" in body
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None))) == 0


def test_without_smtp_messages_wait_in_the_outbox(app):
    owner = make_user("applicant")
    make_user("reviewer")
    make_application(owner, "project", "submitted")
    waiting = db.session.scalars(db.select(OutboxMessage)).all()
    assert waiting and all(m.sent_at is None for m in waiting)


def test_a_failed_action_sends_nothing(app, smtp):
    owner = make_user("applicant")
    make_user("reviewer")
    application = workflow.create_application(owner, "project", {"title": "Dự án còn thiếu nhiều"})
    commit()
    with pytest.raises(Exception):
        workflow.submit_application(application, owner, application.version)
    db.session.rollback()
    commit()
    assert smtp.messages == []
