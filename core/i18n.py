"""Languages and time zone of pages and messages (Flask-Babel).

Chinese (``zh``) is the default; English (``en``) is complete. The locale of a request is
``?lang=`` (kept in the ``lang`` cookie), else that cookie, else ``Accept-Language``, else
Chinese. Message ids are English; each package keeps its own catalog under
``<package>/translations/zh/LC_MESSAGES/messages.po`` and every such folder is found at
start-up, so a new package only has to add one. Times show in China Standard Time.

Templates get, besides ``_()`` and ``{% trans %}``:

* ``{{ moment|datetime }}``, ``{{ moment|date }}``: China Standard Time, in the page's
  language (``2026年12月1日 07:42`` / ``1 Dec 2026, 07:42 CST``);
* ``{{ kg|tonnes }}``, ``{{ kg|kg }}``, ``{{ fen|yuan }}``: bare grouped figures;
  ``{{ kg|qty }}`` (``3,245.029 吨`` / ``3,245.029 t``) and ``{{ fen|money }}``
  (``¥1,234.56``) wrapped in a ``<span class="num">`` that never breaks;
* ``{{ label("purpose", code) }}`` or ``{{ code|label("purpose") }}`` (``core.labels``);
* ``current_locale``, ``lang_url(code)`` for the language switch.
"""

from functools import lru_cache
from glob import glob
from pathlib import Path

from babel import support
from flask import has_app_context, has_request_context, request, url_for
from flask_babel import Babel, force_locale, get_locale, gettext, refresh
from markupsafe import Markup, escape

from core import formatting, labels
from core.config import PROJECT_ROOT

LOCALES = ("zh", "en")
DEFAULT_LOCALE = "zh"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

babel = Babel()


def translation_directories(root: Path = PROJECT_ROOT) -> list[str]:
    """Every package's ``translations`` folder (one or two levels below the project)."""
    found = glob(str(root / "*" / "translations")) + glob(str(root / "*" / "*" / "translations"))
    return sorted(path for path in found if Path(path).is_dir()
                  and not Path(path).relative_to(root).parts[0].startswith("."))


def select_locale() -> str:
    """``?lang=``, the cookie, then ``Accept-Language``; Chinese outside a request."""
    if not has_request_context():
        return DEFAULT_LOCALE
    for choice in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if choice in LOCALES:
            return choice
    return request.accept_languages.best_match(LOCALES, default=DEFAULT_LOCALE)


def current_locale() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LOCALES \
        else DEFAULT_LOCALE


def choose_afresh():
    """Flask-Babel caches the locale on ``g``, which an app context shared by several
    requests (tests, CLI) would carry from one request to the next."""
    refresh()


def remember_choice(response):
    """A ``?lang=`` choice sticks: later pages are in that language without it."""
    choice = request.args.get("lang")
    if choice in LOCALES and request.cookies.get(COOKIE) != choice:
        response.set_cookie(COOKIE, choice, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True)
    return response


def in_locale(locale: str, message: str, **variables) -> str:
    """``message`` translated into ``locale`` whatever the request's language (both
    halves of a bilingual PDF). Outside an app (a PDF preview script) the catalogs are
    read directly."""
    if not has_app_context():
        text = _offline_translations(locale).gettext(message)
        return text % variables if variables else text
    with force_locale(locale):
        return gettext(message, **variables)


@lru_cache(maxsize=len(LOCALES))
def _offline_translations(locale: str) -> support.Translations:
    merged = support.Translations()
    for directory in translation_directories():
        merged.merge(support.Translations.load(directory, [locale]))
    return merged


def lang_url(locale: str) -> str:
    """The current page in another language (the header's 中文 / English links)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [locale]
    endpoint = request.endpoint
    if endpoint is None or request.url_rule is None:
        return f"{request.path}?lang={locale}"
    return url_for(endpoint, **(request.view_args or {}), **args)


def _num(text: str) -> Markup:
    return Markup('<span class="num">%s</span>') % text


def quantity(kg: int) -> Markup:
    """Tonnes with their unit, kept on one line: ``3,245.029 吨`` / ``3,245.029 t``."""
    unit = gettext("t")
    return _num(f"{formatting.format_tonnes(kg)}{formatting.NBSP}{unit}")


def quantity_text(kg: int) -> str:
    """Plain-text tonnes with their unit for messages (errors, JSON): 1234567 →
    ``1,234.567 t`` / ``1,234.567 吨``; same digits as ``|qty`` without the markup."""
    return f"{formatting.format_tonnes(kg)}{formatting.NBSP}{gettext('t')}"


def money(fen: int) -> Markup:
    return _num(formatting.format_money(fen))


def datetime_filter(value) -> str:
    return formatting.format_datetime(value, current_locale())


def date_filter(value) -> str:
    return formatting.format_date(value, current_locale())


def label_filter(code, kind: str) -> str:
    return labels.label(kind, code)


def code_breaks(code) -> Markup:
    """A lot code or serial range (``JL-2026-TR-METRO-00001-000000001-000012345``) that may
    wrap after its hyphens only, never inside a number (DOMAIN.md §8): browsers do not
    break between a hyphen and a digit, and ``.mono`` would break anywhere."""
    return Markup('<span class="code-breaks">%s</span>') % Markup("-<wbr>").join(
        escape(part) for part in str(code).split("-"))


def init_app(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(translation_directories()))
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(choose_afresh)
    app.after_request(remember_choice)
    env = app.jinja_env
    env.filters.update(
        tonnes=formatting.format_tonnes, kg=formatting.format_kg, yuan=formatting.format_yuan,
        qty=quantity, money=money, datetime=datetime_filter, date=date_filter,
        label=label_filter, amount_in_words=formatting.amount_in_words,
        decimal=formatting.format_decimal_text, code_breaks=code_breaks)
    env.globals.update(label=labels.label, lang_url=lang_url, current_locale=current_locale,
                       locales=LOCALES)



def N_(message: str) -> str:
    """Marks a message id for extraction where it is translated later (``bilingual``)."""
    return message


def bilingual(message: str, **variables) -> tuple[str, str]:
    """``(Chinese, English)`` of a message id: the two halves of a certificate's label."""
    return in_locale("zh", message, **variables), in_locale("en", message, **variables)
