"""The support decision (quyết định hỗ trợ) of an approved project or startup, or the
department's confirmation of an approved plant-variety filing or conservation record: what the
plan's counts stand on. Recorded once, with the signed PDF, in the application's history."""
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from registry.extensions import db
from registry.models import Application, ApplicationTally, SupportDecision, User
from registry.models.applications import DECIDED_KINDS
from registry.models.base import province_today
from registry.services.applications import bump_version, check_version, record_event
from registry.services.attachments import store_upload
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.unit_of_work import flush

MAX_AMOUNT_VND = 10**15  # a thousand trillion đồng: past any provincial budget


def _problems(application: Application, *, number: str, decided_on: date | None, signer: str,
              amount_vnd: int | None, period_start: date | None, period_end: date | None,
              conditions: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not number or len(number) > 60:
        errors["number"] = [_("Give the decision's number and symbol, at most 60 characters.")]
    if decided_on is None:
        errors["decided_on"] = [_("This field is required.")]
    elif decided_on > province_today():
        errors["decided_on"] = [_("This date is in the future.")]
    elif application.approved_on and decided_on < application.approved_on:
        errors["decided_on"] = [_("A decision cannot come before the approval (%(date)s).",
                                  date=application.approved_on.strftime("%d/%m/%Y"))]
    if not signer or len(signer) > 200:
        errors["signer"] = [_("Give who signed it, at most 200 characters.")]
    # A confirmation (a filing, a conservation record) grants no money: nothing to give.
    if application.kind in DECIDED_KINDS and (amount_vnd is None or not 0 <= amount_vnd <= MAX_AMOUNT_VND):
        errors["amount_vnd"] = [_("Give the support granted in đồng (0 when none).")]
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = [_("The end cannot come before the start.")]
    if len(conditions) > 5000:
        errors["conditions"] = [_("At most %(limit)s characters.", limit=5000)]
    return errors


def record_support_decision(application: Application, actor: User, *, number: str,
                            decided_on: date | None, signer: str, amount_vnd: int | None,
                            period_start: date | None, period_end: date | None, conditions: str,
                            stream, filename: str, version) -> SupportDecision:
    """Record the decision once, as staff who may screen the application; the signed PDF is
    required. Version first, then permission, then the input."""
    check_version(application, version)
    if not application.can_record_support_decision(actor):
        if application.support_decision is not None:
            raise Conflict(_("The decision on this application has already been recorded."))
        if application.status != "approved":
            raise Conflict(_("A decision is recorded only for an approved application."))
        raise PermissionDenied(_("You may not record a decision on this application."))
    number, signer, conditions = (number or "").strip(), (signer or "").strip(), (conditions or "").strip()
    errors = _problems(application, number=number, decided_on=decided_on, signer=signer,
                       amount_vnd=amount_vnd, period_start=period_start, period_end=period_end,
                       conditions=conditions)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    with store_upload(stream, filename) as stored:
        if stored.columns["content_type"] != "application/pdf":
            message = _("The signed decision is a PDF file.")
            raise ValidationFailed(message, {"file": [message]})
        decision = SupportDecision(
            application=application, number=number, decided_on=decided_on, signer=signer,
            amount_vnd=amount_vnd if application.kind in DECIDED_KINDS else 0,
            period_start=period_start, period_end=period_end,
            conditions=conditions, uploaded_by=actor, **stored.columns)
        db.session.add(decision)
        record_event(application, actor, "support_decision", application.status,
                     application.status, number)
        bump_version(application)
        flush()
    return decision


AWAITING_SHOWN = 20


def awaiting_decision() -> tuple[int, list[Application]]:
    """Approved projects and startups whose support decision is not recorded yet (those approved
    before decisions were recorded among them): how many, and the oldest few, for staff to
    complete. Until then they count towards no target."""
    waiting = [Application.status == "approved", Application.kind.in_(DECIDED_KINDS),
               ~sa.exists().where(SupportDecision.application_id == Application.id)]
    # Counted from the tallies: approved and not in the catalogue is approved without a decision.
    count = int(db.session.scalar(  # PostgreSQL sums integers as numeric: a Decimal
        sa.select(sa.func.coalesce(sa.func.sum(ApplicationTally.records), 0))
        .where(ApplicationTally.status == "approved", ApplicationTally.kind.in_(DECIDED_KINDS),
               ApplicationTally.in_catalogue == sa.false())))
    oldest = db.session.scalars(
        sa.select(Application).where(*waiting)
        .order_by(Application.approved_on, Application.id).limit(AWAITING_SHOWN)).all()
    return count, list(oldest)
