"""GET /api/v1/targets: a plan's targets and where the province stands, on any date."""
from datetime import date

from flask import jsonify, request
from flask_babel import gettext as _

from registry.api import bp
from registry.models import Plan
from registry.services.errors import ValidationFailed
from registry.services.targets import all_progress, parse_as_of, parse_plan
from registry.web import cached_for_visitors


def _asked() -> tuple[date, Plan | None]:
    """The day and the plan asked for, as the progress page reads them; what the page would
    replace (and say so), the API refuses."""
    as_of, errors = parse_as_of(request.args)
    plan, plan_errors = parse_plan(request.args)
    errors |= plan_errors
    if errors:
        raise ValidationFailed(_("Some query arguments are not valid."), errors)
    return as_of, plan


def _number(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 1)


def _plan(plan: Plan | None) -> dict | None:
    if plan is None:
        return None
    return {
        "code": plan.code,
        "title": plan.title,
        "issuer": plan.issuer,
        "number": plan.number,
        "issued_on": plan.issued_on.isoformat(),
        "issued_on_exact": plan.issued_on_exact,
        "area": plan.area,
        "period_start": plan.period_start.isoformat(),
        "period_end": plan.period_end.isoformat(),
        "is_counted": plan.is_counted,
    }


@bp.get("/targets")
@cached_for_visitors
def targets():
    as_of, plan = _asked()
    return jsonify({
        "as_of": as_of.isoformat(),
        "plan": _plan(plan),
        "targets": [
            {
                "code": item.code,
                "plan": item.target.plan.code,
                "title": item.target.title,
                "target_min": _number(item.target_min),
                "target_max": _number(item.target_max),
                "target_set_by": item.target.target_set_by,
                "definition": item.target.definition,
                "unit": item.target.unit,
                "window_start": item.target.window_start.isoformat() if item.target.window_start else None,
                "deadline": item.target.deadline.isoformat(),
                "current": _number(item.current),
                "accepted": item.detail.get("accepted"),
                "status": item.status,
                "period_ended": item.period_ended,
                "status_at_deadline": item.status_at_deadline,
            }
            for item in all_progress(as_of, plan)
        ],
    })
