"""Language choice: Vietnamese by default, English on request (a cookie set by the switch)."""
from flask import current_app, has_request_context, request

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    if not has_request_context():  # CLI and e-mail rendering outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    # API clients may ask by header; pages default to Vietnamese whatever the browser says.
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages) or "vi"
    return current_app.config["BABEL_DEFAULT_LOCALE"]
