"""The admin area: administrators only (the blueprint's `before_request`). Its pages are split
by area: `users`, `reference` (communes and wards, the former districts, genetic resources,
agencies and the plan's tasks), `targets` (the plan's targets and the figures admins enter),
`awards`, `rubrics` (the councils' scoring rubrics); here the front page and the outbox."""
from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import defer

from registry.admin import bp
from registry.admin.reference import former_districts_title
from registry.web import paginate
from registry.extensions import db, login_manager
from registry.models import OutboxMessage, User
from registry.models.accounts import ROLES


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
                           total_users=sum(by_role.values()), unsent=unsent,
                           districts_title=former_districts_title())


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
