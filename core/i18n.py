"""Flask-Babel wiring: Chinese by default, English on request (``?lang=en``).

A minimal version: the locale comes from ``?lang=``, then the ``lang`` cookie, then
``Accept-Language``. Every package keeps its own catalog in ``<package>/translations``;
all of them are merged (``make setup`` compiles them).
"""

from flask import has_request_context, request
from flask_babel import Babel, refresh

from core.config import PROJECT_ROOT

LANGUAGES = ("zh", "en")
DEFAULT_LOCALE = "zh"

babel = Babel()


def translation_directories() -> str:
    """Every package's ``translations/`` folder, as Flask-Babel's ';'-separated list."""
    folders = sorted({*PROJECT_ROOT.glob("*/translations"), *PROJECT_ROOT.glob("*/*/translations")})
    return ";".join(str(folder) for folder in folders if ".venv" not in folder.parts)


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LOCALE)


def init_app(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories())
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on ``g``; an app context may outlive one request.
    app.before_request(refresh)

    @app.after_request
    def _remember_language(response):
        # ``?lang=`` keeps its choice for the next pages.
        chosen = request.args.get("lang")
        if chosen in LANGUAGES and request.cookies.get("lang") != chosen:
            response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, samesite="Lax")
        return response
