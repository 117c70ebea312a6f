"""Views of the admin area: users and roles, the outbox, districts and genetic resources.
Every route is for administrators only (the blueprint's `before_request`)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_
from sqlalchemy.orm import defer, selectinload
from wtforms import SelectChoice

from registry.admin import bp
from registry.admin.forms import DistrictForm, EditUserForm, NewUserForm, ResourceForm
from registry.web import paginate, show_service_errors
from registry.extensions import db, login_manager
from registry.models import District, GeneticResource, Organization, OutboxMessage, User
from registry.models.accounts import ROLES
from registry.services import accounts
from registry.services.errors import Conflict, ValidationFailed
from registry.services.text import like_pattern
from registry.services.unit_of_work import commit


@bp.before_request
def require_admin():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # to the login page, coming back here after
    if not current_user.is_admin:
        abort(403)
    return None


@bp.route("/")
def index():
    by_role = dict(db.session.execute(
        db.select(User.role, func.count(User.id)).group_by(User.role)).all())
    role_counts = [(code, label, by_role.get(code, 0)) for code, label in ROLES.items()]
    unsent = db.session.scalar(
        db.select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None)))
    return render_template("admin/index.html", role_counts=role_counts,
                           total_users=sum(by_role.values()), unsent=unsent)


# Users and roles

@bp.route("/users")
def users():
    role = request.args.get("role", "")
    q = request.args.get("q", "").strip()
    query = (db.select(User).options(selectinload(User.organization))
             .order_by(User.created_at.desc(), User.id.desc()))
    if role in ROLES:
        query = query.where(User.role == role)
    for term in q.split()[:10]:
        pattern = like_pattern(term)
        query = query.where(or_(User.email.ilike(pattern, escape="\\"),
                                User.full_name.ilike(pattern, escape="\\")))
    page = paginate(query)
    return render_template("admin/users.html", page=page, role=role, q=q, roles=ROLES)


def _organization_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        db.select(Organization.id, Organization.name).order_by(Organization.name)).all()
    return [SelectChoice("", _("No organisation"))] + [SelectChoice(str(id_), name)
                                                      for id_, name in rows]


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = NewUserForm()
    form.organization.choices = _organization_choices()
    if form.validate_on_submit():
        organization = None
        if form.organization.data:
            organization = db.session.get(Organization, int(form.organization.data))
        try:
            user = accounts.create_user(form.email.data, form.password.data, form.role.data,
                                        full_name=form.full_name.data or "",
                                        organization=organization, phone=form.phone.data or "")
        except ValidationFailed as exc:
            show_service_errors(form, exc)
            return render_template("admin/user_new.html", form=form), 422
        except Conflict as exc:
            flash(exc.message, "error")
            return render_template("admin/user_new.html", form=form), 409
        commit()
        flash(_("The account %(email)s has been created.", email=user.email), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_new.html", form=form), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    actor = current_user._get_current_object()
    form = EditUserForm(data={"full_name": user.full_name, "role": user.role,
                              "active": user.is_active_account})

    def again(status: int):
        return render_template("admin/user_edit.html", form=form, user=user), status

    if form.validate_on_submit():
        try:
            accounts.update_account(user, actor, full_name=form.full_name.data or "",
                                    role=form.role.data, active=form.active.data)
        except ValidationFailed as exc:
            db.session.rollback()
            show_service_errors(form, exc)
            return again(422)
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return again(409)
        commit()
        flash(_("The account %(email)s has been saved.", email=user.email), "success")
        return redirect(url_for("admin.users"))
    return again(422 if form.errors else 200)


# The outbox

@bp.route("/outbox")
def outbox():
    query = (db.select(OutboxMessage).options(defer(OutboxMessage.body))
             .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))
    return render_template("admin/outbox.html", page=paginate(query))


@bp.route("/outbox/<int:message_id>")
def outbox_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("admin/outbox_message.html", message=message)


# Reference data. No workflow rule is involved: the views write the rows themselves.

def _code_taken(model, code: str, exclude_id: int | None = None) -> bool:
    query = db.select(model.id).where(model.code == code)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query) is not None


def _save_reference_row(form, row, saved_message: str, list_endpoint: str, list_title: str,
                        heading: str):
    """Validate `form`, write it onto `row` and commit; the code must be unique."""
    def again(status: int):
        return render_template("admin/reference_form.html", form=form, row=row, heading=heading,
                               list_endpoint=list_endpoint, list_title=list_title), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    if "code" in form and _code_taken(type(row), form.code.data, row.id):
        form.code.errors = [_("Another row already uses this code.")]
        return again(422)
    form.populate_obj(row)
    if getattr(row, "sort_order", 0) is None:
        row.sort_order = 0
    db.session.add(row)
    try:
        commit()
    except Conflict as exc:  # a row with the same code saved meanwhile
        flash(exc.message, "error")
        return again(409)
    flash(saved_message, "success")
    return redirect(url_for(list_endpoint))


@bp.route("/districts")
def districts():
    query = db.select(District).order_by(District.sort_order, District.name_vi)
    return render_template("admin/districts.html", page=paginate(query))


@bp.route("/districts/new", methods=["GET", "POST"])
def new_district():
    district = District()
    form = DistrictForm()
    return _save_reference_row(form, district, _("The district has been saved."), "admin.districts",
                               _("Districts"), _("New district"))


@bp.route("/districts/<int:district_id>", methods=["GET", "POST"])
def edit_district(district_id: int):
    district = db.get_or_404(District, district_id)
    form = DistrictForm(obj=district)
    del form.code  # a code is permanent: links, the API and the seed data refer to it
    return _save_reference_row(form, district, _("The district has been saved."), "admin.districts",
                               _("Districts"), _("District %(code)s", code=district.code))


@bp.route("/resources")
def resources():
    query = db.select(GeneticResource).order_by(GeneticResource.name_vi)
    return render_template("admin/resources.html", page=paginate(query))


@bp.route("/resources/new", methods=["GET", "POST"])
def new_resource():
    resource = GeneticResource()
    form = ResourceForm()
    return _save_reference_row(form, resource, _("The genetic resource has been saved."),
                               "admin.resources", _("Genetic resources"), _("New genetic resource"))


@bp.route("/resources/<int:resource_id>", methods=["GET", "POST"])
def edit_resource(resource_id: int):
    resource = db.get_or_404(GeneticResource, resource_id)
    form = ResourceForm(obj=resource)
    del form.code
    return _save_reference_row(form, resource, _("The genetic resource has been saved."),
                               "admin.resources", _("Genetic resources"),
                               _("Genetic resource %(code)s", code=resource.code))
