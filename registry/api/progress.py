"""GET /api/v1/targets: the plan's targets and where the province stands, on any date."""
from datetime import date

from flask import jsonify, request
from flask_babel import gettext as _

from registry.api import bp
from registry.services.errors import ValidationFailed
from registry.services.targets import all_progress, parse_as_of


def _as_of() -> date:
    """The day asked for, as the progress page reads it; what the page would replace (and say
    so), the API refuses."""
    as_of, errors = parse_as_of(request.args)
    if errors:
        raise ValidationFailed(_("Some query arguments are not valid."), errors)
    return as_of


def _number(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 1)


@bp.get("/targets")
def targets():
    as_of = _as_of()
    return jsonify({
        "as_of": as_of.isoformat(),
        "targets": [
            {
                "code": item.code,
                "title": item.target.title,
                "target_min": _number(item.target_min),
                "target_max": _number(item.target_max),
                "unit": item.target.unit,
                "window_start": item.target.window_start.isoformat() if item.target.window_start else None,
                "deadline": item.target.deadline.isoformat(),
                "current": _number(item.current),
                "accepted": item.detail.get("accepted"),
                "status": item.status,
            }
            for item in all_progress(as_of)
        ],
    })
