"""The department's screening area: the queue, the dashboard, an application's file and the
decisions (SPEC section 4). Views load, check, call one service, commit and redirect; the rules
are in `registry.services.applications`."""
from datetime import date, datetime

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from registry.web import page_with_total, run_service
from registry.extensions import db, login_manager
from registry.formatting import short_datetime
from registry.forms import choices
from registry.models import (
    Application,
    Commune,
    District,
    Organization,
    ReviewNote,
    visible_applications,
)
from registry.models.applications import (
    CHECKLIST,
    DOCUMENT_TYPES,
    FIELD_LABELS,
    IMPLEMENTATION_STATUSES,
    STATUSES,
    TRANSITIONS,
)
from registry.models.councils import COUNCIL_KINDS
from registry.models.base import (current_language, end_of_day_utc, now_utc, province_today,
                                  start_of_day_utc)
from registry.presenters import as_of_notice, display_value, field_rows, progress_overview
from registry.review import bp
from registry.review.forms import (
    DECISION_CHOICES,
    DEFAULT_SORT,
    FINAL_DECISIONS,
    QUEUE_STATUSES,
    AcceptanceForm,
    ChecklistForm,
    CompareVersionsForm,
    DecisionForm,
    ImplementationForm,
    InspectionForm,
    NoteForm,
    QueueFilterForm,
    StartReviewForm,
    SupportDecisionForm,
)
from registry.services import applications as workflow
from registry.services import annual_documents, councils, duplicates, followup, support
from registry.services import timeline as timeline_service
from registry.services import plan_reports
from registry.services import targets as target_service
from registry.services.records import commune_order, search_conditions, status_counts
from registry.services.text import search_terms

WAITING_STATUSES = frozenset({"submitted", "in_review"})


@bp.before_request
def require_staff():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # to auth.login with ?next=
    if not current_user.is_staff:
        abort(403)
    return None


def _actor():
    return current_user._get_current_object()


# The queue -------------------------------------------------------------------------------

def _queue_order(sort: str):
    if sort == "submitted_at":
        return (Application.submitted_at.asc(), Application.id.asc())
    if sort == "title":
        return (Application.title.asc(), Application.id.asc())
    if sort == "status":
        workflow_order = sa.case({code: n for n, code in enumerate(STATUSES)}, value=Application.status)
        return (workflow_order, Application.submitted_at.desc(), Application.id.desc())
    return (Application.submitted_at.desc(), Application.id.desc())


def _days_waiting(application: Application, now: datetime) -> int | None:
    if application.status not in WAITING_STATUSES or application.submitted_at is None:
        return None
    return max((now - application.submitted_at).days, 0)


@bp.get("/")
def queue():
    districts = db.session.scalars(db.select(District).order_by(District.sort_order, District.id)).all()
    communes = sorted(db.session.scalars(db.select(Commune)).all(), key=commune_order)
    form = QueueFilterForm(formdata=request.args, meta={"csrf": False})
    form.set_places(communes, districts)
    ignored_filters = form.validate_or_reset()

    commune_id = {c.code: c.id for c in communes}.get(form.commune.data)
    district_id = {d.code: d.id for d in districts}.get(form.district.data)
    places = {"kind": form.kind.data, "field": form.field.data,
              "former_province": form.former_province.data, "commune_id": commune_id,
              "district_id": district_id}
    conditions = [getattr(Application, name) == value for name, value in places.items() if value]
    dated = bool(form.submitted_from.data or form.submitted_to.data)
    if form.submitted_from.data:
        conditions.append(Application.submitted_at >= start_of_day_utc(form.submitted_from.data))
    if form.submitted_to.data:
        conditions.append(Application.submitted_at < end_of_day_utc(form.submitted_to.data))
    terms = search_terms(form.q.data)
    conditions.extend(search_conditions(terms))

    # The tabs count every status under the other filters: from the tallies, unless a search or
    # dates narrow the queue (then among the matches).
    visible = visible_applications(_actor()).where(*conditions)
    if terms or dated:
        counts = dict(db.session.execute(
            visible.with_only_columns(Application.status, db.func.count(Application.id))
            .group_by(Application.status)
        ).all())
    else:
        counts = status_counts(**places)  # as `visible_applications` gives staff: all but drafts
    if form.status.data:
        visible = visible.where(Application.status == form.status.data)

    statement = (
        visible
        .options(joinedload(Application.organization), joinedload(Application.commune),
                 joinedload(Application.district))
        .order_by(*_queue_order(form.sort.data or DEFAULT_SORT))
    )
    total = counts.get(form.status.data, 0) if form.status.data else sum(counts.values())
    pagination = page_with_total(statement, total)
    return render_template(
        "review/queue.html",
        form=form,
        pagination=pagination,
        counts=counts,
        total_all=sum(counts.values()),
        statuses=QUEUE_STATUSES,
        ignored_filters=ignored_filters,
        days_waiting=_days_waiting,
        now=now_utc(),
    )


# The dashboard ------------------------------------------------------------------------------

def _month_label(year: int, month: int) -> str:
    first = date(year, month, 1)
    return format_date(first, "MM/yyyy" if current_language() == "vi" else "MMM yyyy")


@bp.get("/dashboard")
def dashboard():
    as_of, errors = target_service.parse_as_of(request.args)
    health = target_service.queue_health()
    return render_template(
        "review/dashboard.html",
        notice=as_of_notice(as_of, errors),
        health=health,
        month_rows=[(_month_label(year, month), count)
                    for (year, month), count in health["decisions_per_month"]],
        reports=plan_reports.year_overview(province_today().year),
        annual_deadline=annual_documents.deadline(province_today().year),
        awaiting_decision=support.awaiting_decision(),
        overdue_progress=followup.overdue(),
        **progress_overview(as_of),
    )


# One application --------------------------------------------------------------------------

def _load_for_page(application_id: int) -> Application:
    """The application with everything its page shows, in a fixed number of queries."""
    application = db.session.scalar(
        db.select(Application)
        .where(Application.id == application_id)
        .options(
            joinedload(Application.organization).joinedload(Organization.district),
            joinedload(Application.district),
            joinedload(Application.resource),
            selectinload(Application.attachments),
            selectinload(Application.versions),
            selectinload(Application.notes).joinedload(ReviewNote.author),
            # The history, councils, decision, reports, inspections and acceptance: the timeline's.
            *timeline_service.LOADING,
        )
        .execution_options(populate_existing=True)
    )
    if application is None or not application.can_view(current_user):
        abort(404)  # reviewers never see drafts
    return application


def _load(application_id: int) -> Application:
    application = db.get_or_404(Application, application_id)
    if not application.can_view(current_user):
        abort(404)
    return application


def _version_comparison(application: Application):
    """The compare form and the changed fields between two submitted versions (default: the
    last two), as (label, before, after) rows."""
    versions = {v.number: v for v in application.versions}
    numbers = sorted(versions)
    form = CompareVersionsForm(formdata=request.args, meta={"csrf": False})
    options = choices(
        (n, _("Submission %(number)s (%(date)s)", number=n, date=short_datetime(versions[n].created_at)))
        for n in numbers
    )
    form.older.choices = options
    form.newer.choices = options
    if len(numbers) < 2:
        return form, None, None, []
    older = request.args.get("from", type=int)
    newer = request.args.get("to", type=int)
    if older not in versions or newer not in versions or older == newer:
        older, newer = numbers[-2], numbers[-1]
    older, newer = sorted((older, newer))
    form.older.data, form.newer.data = older, newer
    rows = [
        (str(FIELD_LABELS.get(name, name)), display_value(name, before), display_value(name, after))
        for name, before, after in workflow.diff_snapshots(versions[older].snapshot, versions[newer].snapshot)
    ]
    return form, older, newer, rows


def _render_detail(application: Application, status: int = 200, **forms):
    """The application's page; `forms` replaces the blank forms by posted ones (with errors)."""
    actor = _actor()
    version = application.version
    start_form = forms.get("start_form") or StartReviewForm(formdata=None, data={"version": version})
    decision_form = forms.get("decision_form") or DecisionForm(formdata=None, data={"version": version})
    checklist_form = forms.get("checklist_form") or ChecklistForm(
        formdata=None, data={"version": version, **(application.review_checklist or {})}
    )
    note_form = forms.get("note_form") or NoteForm(formdata=None)
    support_form = forms.get("support_form") or SupportDecisionForm(
        formdata=None, data={"version": version, "amount_vnd": application.requested_support_vnd
                             or application.funding_sought_vnd})
    implementation_form = forms.get("implementation_form") or ImplementationForm(
        formdata=None,
        data={"version": version, "implementation_status": application.implementation_status},
    )
    # Approval is open only after the eligibility check (in review): before it, the decisions are
    # a revision or a rejection, with reasons.
    decision_form.decision.choices = choices(
        (code, label) for code, label in DECISION_CHOICES.items()
        if application.status in TRANSITIONS[code][0])
    inspection_form = forms.get("inspection_form") or InspectionForm(formdata=None)
    acceptance_form = forms.get("acceptance_form") or AcceptanceForm(formdata=None, data={
        "version": version, "disbursed_vnd": application.support_decision.amount_vnd
        if application.support_decision else None})
    compare_form, older, newer, changes = _version_comparison(application)
    own_organisation = application.is_of_organisation_of(actor)
    return render_template(
        "review/detail.html",
        application=application,
        rows=field_rows(application),
        checklist=[(code, text, bool((application.review_checklist or {}).get(code)))
                   for code, text in CHECKLIST.items()],
        start_form=start_form,
        decision_form=decision_form,
        checklist_form=checklist_form,
        note_form=note_form,
        implementation_form=implementation_form,
        compare_form=compare_form,
        older=older,
        newer=newer,
        changes=changes,
        can_review=application.can_review(actor),
        can_read_internal=application.can_read_internal(actor),
        support_form=support_form,
        can_record_support_decision=application.can_record_support_decision(actor),
        duplicates=(duplicates.possible_duplicates(application)
                    if application.can_read_internal(actor) else []),
        can_decide=application.can_decide(actor),
        can_start=application.can_review(actor) and application.status == "submitted",
        can_edit_checklist=application.can_review(actor) and application.status == "submitted",
        checklist_passed=all((application.review_checklist or {}).get(code) for code in CHECKLIST),
        councils=_council_results(application, actor),
        missing_documents=[DOCUMENT_TYPES[code] for code in application.missing_documents()],
        needs_council=application.kind in COUNCIL_KINDS,
        progress=followup.schedule_rows(application) if application.is_supported() else [],
        inspection_form=inspection_form,
        acceptance_form=acceptance_form,
        can_record_inspection=application.can_record_inspection(actor),
        can_record_acceptance=application.can_record_acceptance(actor),
        timeline=timeline_service.timeline(application, actor),
        can_set_implementation=application.can_set_implementation(actor),
        own_organisation=own_organisation,
        implementation_statuses=IMPLEMENTATION_STATUSES,
    ), status


def _council_results(application: Application, actor) -> list[dict]:
    """The councils the application is before, each with its result when the reader may see it."""
    return [{"assignment": assignment,
             "result": councils.result_of(assignment) if assignment.can_see_result(actor) else None,
             "missing": councils.still_scoring(assignment) if not assignment.is_complete else []}
            for assignment in application.council_assignments]


@bp.get("/<int:application_id>")
def detail(application_id: int):
    return _render_detail(_load_for_page(application_id))


def _invalid(application: Application, form_name: str, form):
    return _render_detail(_load_for_page(application.id), 422, **{form_name: form})


def _done(application: Application, message: str, anchor: str | None = None):
    flash(message, "success")
    return redirect(url_for("review.detail", application_id=application.id, _anchor=anchor))


def _act(application: Application, form_name: str, form, action, message: str,
         anchor: str | None = None):
    """One screening action: the service call, then the page again with the refusal (422
    beside the fields, 409 with the record as it is now) or a redirect with `message`."""
    outcome = run_service(form, action, record=application)
    if outcome.refused:
        return _render_detail(_load_for_page(application.id), outcome.status, **{form_name: form})
    return _done(application, message, anchor)


@bp.post("/<int:application_id>/start")
def start(application_id: int):
    application = _load(application_id)
    form = StartReviewForm()
    return _act(application, "start_form", form,
                lambda: workflow.start_review(application, _actor(), form.version.data),
                _("The review has started."))


@bp.post("/<int:application_id>/decision")
def decide(application_id: int):
    application = _load(application_id)
    form = DecisionForm()
    if not form.validate():
        return _invalid(application, "decision_form", form)
    if (form.decision.data in FINAL_DECISIONS and form.confirmed.data != "yes"
            and application.can_decide(_actor())):
        # The checklist stands beside the decision it supports, before anything is recorded.
        form.confirmed.data = "yes"
        return render_template(
            "review/confirm_decision.html", application=application, form=form,
            councils=_council_results(application, _actor()),
            decision_label=DECISION_CHOICES[form.decision.data],
            checklist=[(text, bool((application.review_checklist or {}).get(code)))
                       for code, text in CHECKLIST.items()])
    return _act(application, "decision_form", form,
                lambda: workflow.record_decision(application, _actor(), form.decision.data,
                                                 form.comment.data, form.version.data),
                _("The decision is recorded and the applicant has been notified."))


@bp.post("/<int:application_id>/checklist")
def checklist(application_id: int):
    application = _load(application_id)
    form = ChecklistForm()
    if not form.validate():
        return _invalid(application, "checklist_form", form)
    results = {code: form[code].data for code in CHECKLIST}
    return _act(application, "checklist_form", form,
                lambda: workflow.save_checklist(application, _actor(), results, form.version.data),
                _("The checklist is saved."), "checklist")


@bp.post("/<int:application_id>/notes")
def add_note(application_id: int):
    application = _load(application_id)
    form = NoteForm()
    if not form.validate():
        return _invalid(application, "note_form", form)
    return _act(application, "note_form", form,
                lambda: workflow.add_review_note(application, _actor(), form.body.data),
                _("The note is saved."), "notes")


@bp.post("/<int:application_id>/implementation")
def implementation(application_id: int):
    application = _load(application_id)
    form = ImplementationForm()
    if not form.validate():
        return _invalid(application, "implementation_form", form)
    return _act(application, "implementation_form", form,
                lambda: workflow.set_implementation_status(
                    application, _actor(), form.implementation_status.data, form.comment.data,
                    form.version.data),
                _("The implementation status is saved."))


@bp.post("/<int:application_id>/support-decision")
def record_support_decision(application_id: int):
    application = _load(application_id)
    form = SupportDecisionForm()
    if not form.validate():
        return _invalid(application, "support_form", form)
    file = form.file.data
    return _act(application, "support_form", form,
                lambda: support.record_support_decision(
                    application, _actor(), number=form.number.data, decided_on=form.decided_on.data,
                    signer=form.signer.data, amount_vnd=form.amount_vnd.data,
                    period_start=form.period_start.data, period_end=form.period_end.data,
                    conditions=form.conditions.data or "", stream=file.stream,
                    filename=file.filename or "", version=form.version.data),
                _("The decision is recorded."), "support")


# Follow-up: inspections and acceptance ------------------------------------------------------

@bp.post("/<int:application_id>/inspections")
def record_inspection(application_id: int):
    application = _load_for_page(application_id)
    form = InspectionForm()
    if not form.validate():
        return _render_detail(application, 422, inspection_form=form)
    outcome = run_service(form, lambda: followup.record_inspection(
        application, _actor(), inspected_on=form.inspected_on.data, inspectors=form.inspectors.data or "",
        findings=form.findings.data or "", conclusion=form.conclusion.data))
    if outcome.refused:
        return _render_detail(_load_for_page(application_id), outcome.status, inspection_form=form)
    flash(_("The inspection is recorded."), "success")
    return redirect(url_for(".detail", application_id=application_id, _anchor="inspections"))


@bp.post("/<int:application_id>/acceptance")
def record_acceptance(application_id: int):
    application = _load_for_page(application_id)
    form = AcceptanceForm()
    if not form.validate():
        return _render_detail(application, 422, acceptance_form=form)
    outcome = run_service(form, lambda: followup.record_acceptance(
        application, _actor(), accepted_on=form.accepted_on.data, disbursed_vnd=form.disbursed_vnd.data,
        reasons=form.reasons.data or "", version=form.version.data), record=application)
    if outcome.refused:
        return _render_detail(_load_for_page(application_id), outcome.status, acceptance_form=form)
    flash(_("The acceptance is recorded and the owner has been notified."), "success")
    return redirect(url_for(".detail", application_id=application_id, _anchor="acceptance"))
