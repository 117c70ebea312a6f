"""Progress against a plan's targets, as of any day since the plan's start."""
from flask import render_template, request

from registry.presenters import as_of_notice, progress_overview
from registry.public import bp
from registry.services import plans as plan_service
from registry.services import targets as target_service
from registry.web import cached_for_visitors


@bp.get("/progress")
@cached_for_visitors
def progress():
    as_of, errors = target_service.parse_as_of(request.args)
    plan, plan_errors = target_service.parse_plan(request.args)
    overview = progress_overview(as_of, plan)
    plan_notice = target_service.unknown_plan_notice() if plan_errors else None
    return render_template("public/progress.html", notice=as_of_notice(as_of, errors),
                           plan_notice=plan_notice, plan=plan, plans=plan_service.all_plans(),
                           **overview)
