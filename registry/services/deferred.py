"""Work done after the response has gone to the browser.

Some answers must not depend on what the request found: the sign-up and password-reset forms
say the same thing, in the same time, whether or not the address has an account. The part that
differs — looking the address up, writing and sending the e-mail — runs once the response is
sent (WSGI `close`), in its own application context and transaction.
"""
from flask import after_this_request, current_app

from registry.extensions import db


def after_response(task, /, **kwargs) -> None:
    """Run `task(**kwargs)` and commit after this request's response has been sent."""
    app = current_app._get_current_object()

    def run() -> None:
        from registry.services.unit_of_work import commit

        with app.app_context():
            try:
                task(**kwargs)
                commit()
            except Exception:
                db.session.rollback()
                app.logger.exception("Work after the response failed: %s", task.__name__)

    @after_this_request
    def schedule(response):
        response.call_on_close(run)
        return response
