"""Progress against a plan's targets, as of any day since the plan's start."""
from flask import render_template, request
from flask_babel import gettext as _

from registry.presenters import as_of_notice, progress_overview
from registry.public import bp
from registry.services import plans as plan_service
from registry.services import targets as target_service


@bp.get("/progress")
def progress():
    as_of, errors = target_service.parse_as_of(request.args)
    plan, plan_errors = target_service.parse_plan(request.args)
    overview = progress_overview(as_of, plan)
    plan_notice = None
    if plan_errors:
        plan_notice = _("There is no plan with the code asked for; the targets shown are those of "
                        "the plan the registry counts.")
    return render_template("public/progress.html", notice=as_of_notice(as_of, errors),
                           plan_notice=plan_notice, plan=plan, plans=plan_service.all_plans(),
                           **overview)
