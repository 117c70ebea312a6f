"""The councils' scoring rubrics: one per kind and purpose, versioned. A change is a new version
(the councils formed before keep theirs); the current version is corrected in place only while
no council uses it. The rules are in `registry.services.rubrics`."""
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from registry.admin import bp
from registry.admin.forms import RubricForm
from registry.extensions import db
from registry.models import Rubric, User
from registry.models.applications import KINDS
from registry.models.councils import COUNCIL_KINDS, PURPOSES
from registry.services import rubrics as rubric_service
from registry.web import run_service


@dataclass
class RubricSet:
    """The versions of one kind and purpose: the one in force and the older ones, newest first."""

    kind: str
    purpose: str
    current: Rubric | None = None
    older: list[Rubric] = field(default_factory=list)
    editable: bool = False

    @property
    def next_number(self) -> int:
        return max((r.number for r in [self.current, *self.older] if r is not None), default=0) + 1

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def purpose_label(self) -> str:
        return str(PURPOSES[self.purpose])


def _actor() -> User:
    return current_user._get_current_object()


def _authors(rubrics) -> dict[int, str]:
    ids = {r.created_by_id for r in rubrics if r.created_by_id is not None}
    if not ids:
        return {}
    return {user.id: user.display_name for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


@bp.route("/rubrics")
def rubrics():
    actor = _actor()
    versions = db.session.scalars(
        sa.select(Rubric).where(Rubric.kind.in_(COUNCIL_KINDS)).options(selectinload(Rubric.criteria))
        .order_by(Rubric.number.desc())).all()
    sets = {(purpose, kind): RubricSet(kind, purpose) for purpose in PURPOSES for kind in COUNCIL_KINDS}
    for rubric in versions:
        found = sets[(rubric.purpose, rubric.kind)]
        if rubric.is_current and found.current is None:
            found.current = rubric
        else:
            found.older.append(rubric)
    for found in sets.values():
        found.editable = found.current is not None and found.current.can_edit(actor)
    return render_template("admin/rubrics.html", sets=list(sets.values()), purposes=PURPOSES,
                           uses=rubric_service.versions_in_use(r.id for r in versions),
                           authors=_authors(versions))


def _marks(form: RubricForm, fallback: Rubric | None) -> dict:
    """The rule as typed; a selection rubric has no excellent mark to type and keeps its own."""
    excellent = (form.excellent_mark.data if "excellent_mark" in form
                 else fallback.excellent_mark if fallback is not None else 90)
    return {"pass_mark": form.pass_mark.data, "excellent_mark": excellent,
            "majority_percent": form.majority_percent.data}


def _prefill(rubric: Rubric | None) -> dict:
    if rubric is None:
        return {"based_on": "0", "pass_mark": 70, "excellent_mark": 90, "majority_percent": 50}
    return {"based_on": str(rubric.number), "version": str(rubric.version), "pass_mark": rubric.pass_mark,
            "excellent_mark": rubric.excellent_mark, "majority_percent": rubric.majority_percent,
            **RubricForm.row_data(rubric.criteria)}


def _form(purpose: str, start_from: Rubric | None) -> RubricForm:
    """On a GET, the form filled from `start_from`; on a POST, only what was sent."""
    if request.method == "POST":
        return RubricForm(purpose=purpose)
    return RubricForm(formdata=None, data=_prefill(start_from), purpose=purpose)


@bp.route("/rubrics/<kind>/<purpose>/new", methods=["GET", "POST"])
def new_rubric_version(kind: str, purpose: str):
    if kind not in COUNCIL_KINDS or purpose not in PURPOSES:
        abort(404)
    current = rubric_service.current_version(kind, purpose)
    form = _form(purpose, current)

    def again(status: int):
        return render_template("admin/rubric_form.html", form=form, rubric=None, current=current,
                               kind_label=KINDS[kind], purpose_label=PURPOSES[purpose],
                               kind=kind, purpose=purpose), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    outcome = run_service(form, lambda: rubric_service.new_rubric_version(
        _actor(), kind, purpose, form.criteria_given(), based_on=form.based_on.data or "",
        **_marks(form, current)))
    if outcome.status == 409:  # another version made meanwhile: show it, start again from it
        current = rubric_service.current_version(kind, purpose)
        form.based_on.data = str(current.number) if current else "0"
    if outcome.refused:
        return again(outcome.status)
    flash(_("Version %(number)s of the rubric is in force for the councils formed from now on.",
            number=outcome.result.number), "success")
    return redirect(url_for("admin.rubrics", _anchor=f"rubric-{purpose}-{kind}"))


def _locked(rubric: Rubric, status: int):
    """The page of a version that stands as it is: why, and a new version made from it."""
    councils = rubric_service.versions_in_use([rubric.id]).get(rubric.id, 0)
    return render_template("admin/rubric_locked.html", rubric=rubric, councils=councils,
                           current=rubric_service.current_version(rubric.kind, rubric.purpose)), status


@bp.route("/rubrics/<int:rubric_id>", methods=["GET", "POST"])
def edit_rubric(rubric_id: int):
    rubric = db.get_or_404(Rubric, rubric_id)
    actor = _actor()
    if not (rubric.is_current and rubric.can_edit(actor)):
        if request.method == "POST":
            flash(_("This version can no longer be changed."), "error")
            return _locked(rubric, 409)
        return _locked(rubric, 200)
    form = _form(rubric.purpose, rubric)

    def again(status: int):
        return render_template("admin/rubric_form.html", form=form, rubric=rubric, current=rubric,
                               kind_label=rubric.kind_label, purpose_label=rubric.purpose_label,
                               kind=rubric.kind, purpose=rubric.purpose), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    outcome = run_service(form, lambda: rubric_service.update_rubric(
        rubric, actor, form.criteria_given(), **_marks(form, rubric), version=form.version.data or None),
        record=rubric)
    if outcome.status == 409 and not (rubric.is_current and rubric.can_edit(actor)):
        return _locked(rubric, 409)  # a council took it up, or a new version came, meanwhile
    if outcome.refused:
        return again(outcome.status)
    flash(_("Version %(number)s of the rubric has been saved.", number=rubric.number), "success")
    return redirect(url_for("admin.rubrics", _anchor=f"rubric-{rubric.purpose}-{rubric.kind}"))
