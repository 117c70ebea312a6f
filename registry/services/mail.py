"""E-mail: recorded in the outbox inside the request's transaction, sent after it commits."""
import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

from registry.extensions import db
from registry.models import OutboxMessage, User
from registry.models.base import now_utc


def site_url(endpoint: str, **values) -> str:
    """An absolute link for an e-mail, on SITE_URL: never on the Host header of the request
    that caused the mail, which the sender chooses."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/",
                                       url_scheme=site.scheme)
    return adapter.build(endpoint, values, force_external=True)


def queue_email(recipient: str, subject: str, template: str, **context) -> OutboxMessage:
    """Write a message to the outbox. It is sent by `deliver_outbox` once the request commits,
    so a rolled-back action never sends mail. Messages are in Vietnamese, the province's
    language, with the English text below."""
    with force_locale("vi"):
        body_vi = render_template(template, **context)
    with force_locale("en"):
        body_en = render_template(template, **context)
    message = OutboxMessage(
        recipient=recipient, subject=subject, body=f"{body_vi.strip()}\n\n---\n\n{body_en.strip()}\n"
    )
    db.session.add(message)
    return message


def staff_recipients() -> list[str]:
    return list(
        db.session.scalars(
            db.select(User.email).where(
                User.role.in_(("reviewer", "admin")), User.is_active_account.is_(True)
            )
        )
    )


def deliver_outbox(limit: int = 50) -> int:
    """Send unsent messages when SMTP is configured; without it they stay in the outbox for
    admins to read. Returns how many were sent."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return 0
    pending = db.session.scalars(
        db.select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.error == "")
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    if not pending:
        return 0
    sent = 0
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for message in pending:
                email = EmailMessage()
                email["From"] = config["MAIL_SENDER"]
                email["To"] = message.recipient
                email["Subject"] = message.subject
                email.set_content(message.body)
                try:
                    smtp.send_message(email)
                except smtplib.SMTPException as exc:
                    message.error = str(exc)[:1000]
                else:
                    message.sent_at = now_utc()
                    sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.warning("SMTP delivery failed: %s", exc)
    db.session.commit()
    return sent
