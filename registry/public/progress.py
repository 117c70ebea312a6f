"""Progress against the plan's targets, as of any day since the plan's start."""
from flask import render_template, request

from registry.presenters import as_of_notice, progress_overview
from registry.public import bp
from registry.services import targets as target_service


@bp.get("/progress")
def progress():
    as_of, errors = target_service.parse_as_of(request.args)
    return render_template("public/progress.html", notice=as_of_notice(as_of, errors),
                           **progress_overview(as_of))
