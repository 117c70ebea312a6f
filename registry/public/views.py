"""The public site's front: the home page and the language switch. The other public pages are
split by area: `catalogue` (approved records and organisations), `progress` (the plan's
targets), `resources` (genetic resources and DNA barcodes), `files` (documents)."""
import sqlalchemy as sa
from flask import abort, current_app, redirect, render_template, request, url_for

from registry.extensions import db
from registry.i18n import LANGUAGE_COOKIE
from registry.models import Application
from registry.public import bp
from registry.services import data_version
from registry.services.records import (PUBLIC, RecordFilters, facet_counts, listing_options,
                                       newest_first)
from registry.web import cached_for_visitors, safe_next

LATEST_ON_HOME = 6
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def _home_counts() -> dict:
    """The catalogue's records of each kind (from the tallies) and the organisations behind them."""
    by_kind = facet_counts(RecordFilters(), "kind")
    return {
        "projects": by_kind.get("project", 0), "startups": by_kind.get("startup", 0),
        "conservation": by_kind.get("conservation", 0), "pvp_filings": by_kind.get("pvp_filing", 0),
        "organizations": db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Application.organization_id))).where(PUBLIC)),
    }


@bp.get("/")
@cached_for_visitors
def home():
    counts = data_version.cached("home-counts", (), _home_counts)
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
