"""Labels of the codes a person sees, one definition per domain (DOMAIN.md §8).

Each domain registers its tables here (``register("purpose", {...})``) with lazy strings
(English message ids, Chinese in the catalogs); pages, PDFs and API messages all read
them through ``label(kind, code)``, so a raw key never reaches a page. Core's own tables
(organisation kinds, roles) are defined below.
"""

from flask_babel import force_locale, lazy_gettext as _l

TABLES: dict[str, dict] = {}


def register(kind: str, table: dict) -> dict:
    """Make ``table`` (code → lazy label) the labels of ``kind``; returns it."""
    TABLES[kind] = table
    return table


def label(kind: str, code) -> str:
    """The label of ``code`` in the current language. A code with no label is shown as
    it is (and the label tests fail for the table that misses it)."""
    if code is None or code == "":
        return ""
    text = TABLES.get(kind, {}).get(code)
    return str(text) if text is not None else str(code)


def choices(kind: str) -> list[tuple[str, str]]:
    """``(code, label)`` pairs in definition order, for a ``<select>``."""
    return [(code, str(text)) for code, text in TABLES.get(kind, {}).items()]


ORGANIZATION_KINDS = register("organization_kind", {
    "agency": _l("Government agency"),
    "enterprise": _l("Enterprise"),
    "social_group": _l("Social organisation"),
    "event_host": _l("Event host"),
    "court": _l("Court"),
    "procuratorate": _l("Procuratorate"),
    "eco_bureau": _l("Eco-environment bureau"),
    "pilot": _l("Pilot (zero-carbon park, green factory …)"),
    "scenario_operator": _l("Scenario operator"),
    "verifier": _l("Verification body"),
    "registry": _l("Registry operator"),
    "ngo": _l("Non-profit organisation"),
    "individual": _l("Individual"),
})

ROLES = register("role", {
    "registry_admin": _l("Registry administrator"),
    "verifier": _l("Verifier"),
    "seller": _l("Seller"),
    "buyer": _l("Buyer"),
    "case_authority": _l("Case authority"),
})


def bilingual_label(kind: str, code) -> tuple[str, str]:
    """``(Chinese, English)`` label of a code, for certificates that carry both."""
    with force_locale("zh"):
        zh = label(kind, code)
    with force_locale("en"):
        en = label(kind, code)
    return zh, en
