"""The request's one commit: services flush, views call `commit()`."""
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from registry.extensions import db
from registry.services.errors import Conflict
from registry.services.mail import deliver_outbox


def lost_race() -> Conflict:
    """What the loser of a race is told, wherever the race was lost: at a service's flush, or
    at a query inside a service that flushed on its own (autoflush) first."""
    from flask_babel import gettext as _

    return Conflict(_("Someone else changed this record at the same time. Reload it and try again."))


def flush() -> None:
    """Flush inside a service, turning a lost race into a Conflict the caller can show."""
    from flask_babel import gettext as _

    try:
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        raise lost_race() from exc
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(_("This change conflicts with data saved meanwhile. Reload and try again.")) from exc


def commit() -> None:
    flush()
    db.session.commit()
    deliver_outbox()
