"""Users and roles: accounts, their organisation or agency, deactivation."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from registry.admin import bp
from registry.admin.forms import (EditUserForm, NewUserForm, agency_choices, chosen,
                                  chosen_agency, organization_choices)
from registry.web import paginate, run_service
from registry.extensions import db
from registry.models import Organization, User
from registry.models.accounts import ROLES
from registry.services import accounts
from registry.services.text import like_pattern


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


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = NewUserForm()
    form.organization.choices = organization_choices()
    form.agency.choices = agency_choices()
    if form.validate_on_submit():
        organization = chosen(Organization, form.organization)
        outcome = run_service(form, lambda: accounts.create_user(
            form.email.data, form.password.data, form.role.data,
            full_name=form.full_name.data or "", organization=organization,
            phone=form.phone.data or "", agency=chosen_agency(form)))
        if outcome.refused:
            return render_template("admin/user_new.html", form=form), outcome.status
        user = outcome.result
        flash(_("The account %(email)s has been created.", email=user.email), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_new.html", form=form), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    actor = current_user._get_current_object()
    form = EditUserForm(data={"full_name": user.full_name, "role": user.role,
                              "agency": str(user.agency_id or ""),
                              "active": user.is_active_account})
    form.agency.choices = agency_choices()

    def again(status: int):
        return render_template("admin/user_edit.html", form=form, user=user), status

    if form.validate_on_submit():
        refused = run_service(form, lambda: accounts.update_account(
            user, actor, full_name=form.full_name.data or "", role=form.role.data,
            active=form.active.data, agency=chosen_agency(form))).status
        if refused:
            return again(refused)
        flash(_("The account %(email)s has been saved.", email=user.email), "success")
        return redirect(url_for("admin.users"))
    return again(422 if form.errors else 200)
