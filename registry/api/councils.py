"""Councils through the API: the department forms them; members declare any conflict of
interest on each application, then score it alone (their own sheet only, until they submit).
What each caller sees is the models' `can_*`; the rules are registry.services.councils."""
import re

import sqlalchemy as sa
from flask import abort, g, jsonify, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from registry.api import bp
from registry.api.fields import BodyFields, is_whole, row_id
from registry.api.views import json_body, page_of, roles
from registry.extensions import db
from registry.models import (
    Application,
    Council,
    CouncilAssignment,
    CouncilMember,
    Rubric,
    ScoreSheet,
)
from registry.models.councils import MEMBER_ROLES
from registry.services import councils as council_service
from registry.services.applications import json_value
from registry.services.unit_of_work import commit

CRITERION_KEY = re.compile(r"[0-9]{1,10}")


# What a caller sees ----------------------------------------------------------------------------

def _number(value):
    """A mean as a JSON number (Flask would write a Decimal as a string)."""
    return None if value is None else float(value)


def _member(member: CouncilMember) -> dict:
    return {"id": member.id, "user_id": member.user_id, "name": member.user.display_name,
            "position": member.position}


def _rubric(rubric: Rubric) -> dict:
    return {
        "id": rubric.id, "number": rubric.number, "pass_mark": rubric.pass_mark,
        "excellent_mark": rubric.excellent_mark, "majority_percent": rubric.majority_percent,
        "total_points": rubric.total_points,
        "criteria": [{"id": c.id, "position": c.position, "name_vi": c.name_vi, "name_en": c.name_en,
                      "max_points": c.max_points} for c in rubric.criteria],
    }


def _declaration(declaration) -> dict | None:
    if declaration is None:
        return None
    return {"has_conflict": declaration.has_conflict, "reasons": list(declaration.reasons or []),
            "explanation": declaration.explanation, "declared_at": json_value(declaration.declared_at)}


def sheet_json(sheet: ScoreSheet) -> dict:
    return {
        "id": sheet.id,
        "member": _member(sheet.member),
        "points": {str(criterion_id): points for criterion_id, points in sheet.points_by_criterion().items()},
        "total": sheet.total,
        "recommends": sheet.recommends,
        "comment": sheet.comment,
        "submitted_at": json_value(sheet.submitted_at),
        "updated_at": json_value(sheet.updated_at),
        "version": sheet.version,
    }


def _result(assignment: CouncilAssignment) -> dict:
    """The council's result as recorded with the last sheet, and its figures."""
    result = council_service.result_of(assignment)
    return {
        "completed_at": json_value(assignment.completed_at),
        "scorers": assignment.scorers,
        "recommending": assignment.recommending,
        "recommended": assignment.recommended,
        "mean_total": _number(assignment.mean_total),
        "lowest_total": result.lowest_total,
        "highest_total": result.highest_total,
        "spread": result.spread,
        "criteria": [{"criterion_id": criterion_id, "mean": _number(mean)}
                     for criterion_id, mean in result.criterion_means.items()],
        "rating": assignment.rating,
    }


def assignment_json(assignment: CouncilAssignment, user) -> dict:
    """One application before the council, as `user` may see it: their own declaration and
    sheet, who is still scoring (the department and the secretary), the result once recorded."""
    member = assignment.council.member_for(user)
    application = assignment.application
    own_sheet = assignment.sheet_of(member)
    progress = None
    if assignment.council.can_see_progress(user):
        progress = {
            "still_scoring": [m.id for m in council_service.still_scoring(assignment)],
            "submitted": [s.member_id for s in assignment.sheets if s.is_submitted],
            "declared_conflict": [d.member_id for d in assignment.declarations if d.has_conflict],
        }
    return {
        "application": {"id": application.id, "kind": application.kind, "title": application.title,
                        "organization": application.organization.name},
        "declaration": _declaration(assignment.declaration_of(member)
                                    if member is not None else None),
        "can_declare": assignment.can_declare(user),
        "can_read": assignment.can_read(user),
        "can_score": assignment.can_score(user),
        "own_sheet": sheet_json(own_sheet) if own_sheet is not None else None,
        "progress": progress,
        "result": _result(assignment) if assignment.can_see_result(user) else None,
        "sheets_url": url_for("api.council_sheets", council_id=assignment.council_id,
                              application_id=application.id, _external=True),
    }


def _summary(council: Council, user) -> dict:
    member = council.member_for(user)
    return {
        "id": council.id, "purpose": council.purpose, "kind": council.kind, "name": council.name,
        "decision_number": council.decision_number, "formed_on": json_value(council.formed_on),
        "meets_on": json_value(council.meets_on),
        "my_position": member.position if member is not None else None,
        "member_count": len(council.members),
        "application_ids": [a.application_id for a in council.assignments],
        "url": url_for("api.get_council", council_id=council.id, _external=True),
    }


def council_json(council: Council, user) -> dict:
    return {
        **_summary(council, user),
        "rubric": _rubric(council.rubric),
        "members": [_member(m) for m in council.members],
        "can_see_progress": council.can_see_progress(user),
        "assignments": [assignment_json(a, user) for a in council.assignments],
    }


# Loading -----------------------------------------------------------------------------------------

def _assignment_options():
    return (joinedload(CouncilAssignment.application).joinedload(Application.organization),
            selectinload(CouncilAssignment.declarations),
            selectinload(CouncilAssignment.sheets).options(
                selectinload(ScoreSheet.items),
                joinedload(ScoreSheet.member).joinedload(CouncilMember.user)))


def _council_options():
    return (selectinload(Council.members).joinedload(CouncilMember.user),
            joinedload(Council.rubric).selectinload(Rubric.criteria))


def load_council(council_id: int) -> Council:
    """The council with everything its page shows, in a fixed number of queries; 404 unless
    the caller may see it."""
    council = db.session.scalar(
        sa.select(Council).where(Council.id == council_id)
        .options(*_council_options(), selectinload(Council.assignments).options(*_assignment_options()))
        .execution_options(populate_existing=True))
    if council is None or not council.can_view(g.api_user):
        abort(404)
    return council


def load_assignment(council_id: int, application_id: int) -> CouncilAssignment:
    """One application before the council; 404 unless the caller may see the council."""
    assignment = db.session.scalar(
        sa.select(CouncilAssignment)
        .where(CouncilAssignment.council_id == council_id,
               CouncilAssignment.application_id == application_id)
        .options(joinedload(CouncilAssignment.council).options(*_council_options()),
                 *_assignment_options())
        .execution_options(populate_existing=True))
    if assignment is None or not assignment.council.can_view(g.api_user):
        abort(404)
    return assignment


# Councils ----------------------------------------------------------------------------------------

@bp.get("/councils")
@roles(*MEMBER_ROLES)
def list_councils():
    """The department: every council; an outside expert: the councils they sit on."""
    user = g.api_user
    statement = (sa.select(Council)
                 .options(selectinload(Council.members), selectinload(Council.assignments))
                 .order_by(Council.formed_on.desc(), Council.id.desc()))
    if not user.is_staff:
        statement = statement.where(Council.id.in_(
            sa.select(CouncilMember.council_id).where(CouncilMember.user_id == user.id)))
    return jsonify(page_of(statement, lambda council: _summary(council, user)))


def _members(fields: BodyFields) -> list[tuple[int, str]]:
    value = fields.body.get("members")
    if value is None:
        return []
    if not isinstance(value, list) or not all(
            isinstance(item, dict) and is_whole(item.get("user_id")) and isinstance(item.get("position"), str)
            for item in value):
        fields.fail("members", _("Must be a list of objects with user_id and position."))
        return []
    return [(row_id(item["user_id"]), item["position"]) for item in value]


@bp.post("/councils")
@roles(*MEMBER_ROLES)
def create_council():
    fields = BodyFields(json_body())
    values = {
        "purpose": fields.code("purpose"), "kind": fields.code("kind"),
        "name": fields.text("name"), "decision_number": fields.text("decision_number"),
        "formed_on": fields.date("formed_on"), "meets_on": fields.date("meets_on"),
        "members": _members(fields), "application_ids": fields.row_ids("application_ids"),
    }
    fields.refuse_if_invalid()
    council = council_service.form_council(g.api_user, **values)
    commit()
    council = load_council(council.id)
    response = jsonify(council_json(council, g.api_user))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_council", council_id=council.id)
    return response


@bp.get("/councils/<int:council_id>")
@roles(*MEMBER_ROLES)
def get_council(council_id: int):
    return jsonify(council_json(load_council(council_id), g.api_user))


# A member's declaration and score sheet -----------------------------------------------------------

@bp.post("/councils/<int:council_id>/applications/<int:application_id>/conflict")
@roles(*MEMBER_ROLES)
def declare_conflict(council_id: int, application_id: int):
    assignment = load_assignment(council_id, application_id)
    fields = BodyFields(json_body())
    has_conflict = fields.boolean("has_conflict", required=True)
    reasons = fields.codes("reasons")
    explanation = fields.text("explanation")
    fields.refuse_if_invalid()
    council_service.declare_conflict(assignment, g.api_user, has_conflict=has_conflict,
                                     reasons=reasons, explanation=explanation)
    commit()
    return jsonify(assignment_json(load_assignment(council_id, application_id), g.api_user))


@bp.get("/councils/<int:council_id>/applications/<int:application_id>/sheets")
@roles(*MEMBER_ROLES)
def council_sheets(council_id: int, application_id: int):
    """A member: their own sheet, and the others' submitted ones once theirs is submitted; the
    department: the submitted sheets."""
    assignment = load_assignment(council_id, application_id)
    return jsonify([sheet_json(sheet) for sheet in assignment.visible_sheets(g.api_user)])


def _points(fields: BodyFields) -> dict[int, object]:
    value = fields.body.get("points")
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(CRITERION_KEY.fullmatch(key) for key in value):
        fields.fail("points", _("Must be an object of criterion ids and points."))
        return {}
    return {int(key): points for key, points in value.items()}


@bp.put("/councils/<int:council_id>/applications/<int:application_id>/sheet")
@roles(*MEMBER_ROLES)
def save_sheet(council_id: int, application_id: int):
    """The caller's own sheet: saved (any criteria so far), or submitted with `submit`."""
    assignment = load_assignment(council_id, application_id)
    fields = BodyFields(json_body())
    points = _points(fields)
    recommends = fields.boolean("recommends")
    comment = fields.text("comment")
    submit = fields.boolean("submit", default=False)
    version = fields.body.get("version")
    if isinstance(version, bool):
        fields.fail("version", _("Must be a whole number."))
    fields.refuse_if_invalid()
    sheet = council_service.save_score_sheet(assignment, g.api_user, points=points, recommends=recommends,
                                             comment=comment, version=version, submit=submit)
    commit()
    sheet_id = sheet.id
    sheet = db.session.scalar(sa.select(ScoreSheet).where(ScoreSheet.id == sheet_id).options(
        selectinload(ScoreSheet.items), joinedload(ScoreSheet.member).joinedload(CouncilMember.user)))
    return jsonify(sheet_json(sheet))
