"""The public site's front: the home page and the language switch. The other public pages are
split by area: `catalogue` (approved records and organisations), `progress` (the plan's
targets), `resources` (genetic resources and DNA barcodes), `files` (documents)."""
import sqlalchemy as sa
from flask import abort, current_app, redirect, render_template, request, url_for

from registry.extensions import db
from registry.i18n import LANGUAGE_COOKIE
from registry.models import Application
from registry.public import bp
from registry.services.records import PUBLIC, listing_options, newest_first
from registry.web import safe_next

LATEST_ON_HOME = 6
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


@bp.get("/")
def home():
    def approved_of(kind: str):
        return sa.func.count(sa.case((Application.kind == kind, 1)))

    counts = db.session.execute(
        sa.select(
            approved_of("project").label("projects"),
            approved_of("startup").label("startups"),
            approved_of("conservation").label("conservation"),
            approved_of("pvp_filing").label("pvp_filings"),
            sa.func.count(sa.distinct(Application.organization_id)).label("organizations"),
        ).where(PUBLIC)
    ).one()
    latest = db.session.scalars(
        newest_first(sa.select(Application).where(PUBLIC).options(*listing_options()))
        .limit(LATEST_ON_HOME)
    ).all()
    return render_template("public/home.html", counts=counts, latest=latest)


@bp.get("/language/<code>")
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or url_for("public.home"))
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    return response
