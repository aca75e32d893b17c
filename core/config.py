"""Configuration read from the environment, with embedded defaults for a laptop.

Names are the contract of API.md: DATABASE_URL, BASE_URL, STRIPE_SECRET_KEY,
STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE, SIGNING_KEY_DIR. Everything else is optional.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _flag(name: str) -> bool | None:
    value = os.environ.get(name)
    return None if value in (None, "") else value.lower() in ("1", "true", "yes")


def from_environment() -> dict:
    """The settings of a running service, taken from the process environment."""
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'registry.db'}"
        ),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "dev-only-secret-change-me"),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE") or None,
        "SIGNING_KEY_DIR": os.environ.get("SIGNING_KEY_DIR", str(INSTANCE_DIR / "keys")),
        # How long units stay reserved while the buyer pays.
        "CARD_RESERVATION_MINUTES": _int("CARD_RESERVATION_MINUTES", 35),
        "BANK_RESERVATION_HOURS": _int("BANK_RESERVATION_HOURS", 120),
        # No buyer can wedge the market: the most one order may reserve, and the most one
        # organisation may hold reserved in orders it has not paid yet.
        # Largest evidence file a seller may attach to an issuance request (413 beyond).
        "EVIDENCE_MAX_BYTES": _int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024),
        "MAX_ORDER_KG": _int("MAX_ORDER_KG", 200_000),
        "MAX_UNPAID_RESERVED_KG": _int("MAX_UNPAID_RESERVED_KG", 500_000),
        # Receiving account shown on bank-transfer orders (对公转账).
        "BANK_ACCOUNT_NAME": os.environ.get("BANK_ACCOUNT_NAME", "吉林省碳普惠服务中心"),
        "BANK_ACCOUNT_NUMBER": os.environ.get("BANK_ACCOUNT_NUMBER", "2200 1234 5678 9012 345"),
        "BANK_NAME": os.environ.get("BANK_NAME", "中国建设银行长春人民广场支行"),
        # MEE guideline: offsets completed within one year of the event's end, counted in
        # calendar years (the same date next year). The older day count, if set, wins.
        "EVENT_OFFSET_DEADLINE_YEARS": _int("EVENT_OFFSET_DEADLINE_YEARS", 1),
        "EVENT_OFFSET_DEADLINE_DAYS": _int("EVENT_OFFSET_DEADLINE_DAYS", 0) or None,
        "SCHEDULER_ENABLED": os.environ.get("SCHEDULER_ENABLED", "0") == "1",
        # Name of the transparency log in checkpoints; defaults to "<host of BASE_URL>/log".
        "TRANSPARENCY_LOG_ORIGIN": os.environ.get("TRANSPARENCY_LOG_ORIGIN") or None,
        "CASE_ID_NUMBER_KEY": os.environ.get("CASE_ID_NUMBER_KEY") or None,
        # Session cookie: Secure follows BASE_URL (https) unless set to 1 or 0 here.
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE"),
        # Failed sign-ins allowed per client address and email (Flask-Limiter notation).
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute"),
        # Where the rate limiter counts: memory:// per process; redis://… shared by workers.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Anonymous certificate verifications (API uploads and /verify posts) per address.
        "VERIFY_RATE_LIMIT": os.environ.get("VERIFY_RATE_LIMIT", "30 per minute"),
        # Payment-link lookups that find no link, per client address (token guessing).
        "PAYMENT_LINK_RATE_LIMIT": os.environ.get("PAYMENT_LINK_RATE_LIMIT", "20 per minute"),
        # Requests refused for a bad bearer token (401) per client address.
        "TOKEN_FAILURE_RATE_LIMIT": os.environ.get("TOKEN_FAILURE_RATE_LIMIT", "30 per minute"),
        # Reverse proxies in front of the service whose X-Forwarded-For/-Proto are trusted.
        "TRUSTED_PROXY_COUNT": _int("TRUSTED_PROXY_COUNT", 0),
        # /metrics open to anyone: unset follows BASE_URL (http, the embedded default: open;
        # https, production: closed). Closed, only METRICS_ALLOWED_ADDRESSES (comma-separated
        # addresses or networks) or a request with the bearer METRICS_TOKEN may read it.
        "METRICS_PUBLIC": _flag("METRICS_PUBLIC"),
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or None,
        "METRICS_ALLOWED_ADDRESSES": os.environ.get("METRICS_ALLOWED_ADDRESSES", ""),
        # Outgoing e-mail through SMTP (docs/operations.md, "Mail"). Without MAIL_SERVER
        # messages wait in the outbox. MAIL_USE_TLS: STARTTLS; MAIL_USE_SSL: implicit TLS.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": bool(_flag("MAIL_USE_TLS")),
        "MAIL_USE_SSL": bool(_flag("MAIL_USE_SSL")),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER",
                                              "碳惠吉林 <no-reply@tanhui.jl.gov.cn>"),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 20),
        "MAIL_BATCH_SIZE": _int("MAIL_BATCH_SIZE", 20),
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 12),
        # 互联互通 (INTEROP.md §1): how this registry names itself to its peers; the region
        # is a GB/T 2260 code (220000: Jilin province).
        "REGISTRY_NAME_ZH": os.environ.get("REGISTRY_NAME_ZH", "碳惠吉林碳普惠登记簿"),
        "REGISTRY_NAME_EN": os.environ.get("REGISTRY_NAME_EN",
                                           "Tanhui Jilin Carbon-Inclusion Registry"),
        "REGISTRY_REGION": os.environ.get("REGISTRY_REGION", "220000"),
        # Calls to peers (pinning, claim checks): seconds per call and the largest answer read.
        "PEER_TIMEOUT_SECONDS": _int("PEER_TIMEOUT_SECONDS", 5),
        "PEER_MAX_RESPONSE_BYTES": _int("PEER_MAX_RESPONSE_BYTES", 1024 * 1024),
        # The double-claim gate asks no further peers once this many seconds have passed.
        "PEER_CHECK_BUDGET_SECONDS": _int("PEER_CHECK_BUDGET_SECONDS", 20),
    }


DEFAULTS = {
    "API_TITLE": "碳惠吉林 Carbon-Inclusion Registry API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    # Served from the swagger-ui-bundle package so the docs work without a CDN.
    "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs-assets/",
    # Connections are recycled rather than pinged before every checkout (a ping is a round
    # trip per request); a connection lost anyway fails one request and the pool renews.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 900},
    "JSON_SORT_KEYS": False,
    # argon2id parameters by argon2-cffi profile name: RFC 9106's low-memory profile (64 MiB,
    # 3 passes). The test suite sets CHEAPEST, argon2-cffi's profile for tests; never a
    # service.
    "PASSWORD_HASH_PROFILE": "RFC_9106_LOW_MEMORY",
    # Every request body: 10 MiB uploads (PDF verification, evidence) plus multipart framing.
    # Larger bodies are 413 before they are read.
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024 + 64 * 1024,
    # Imported and wired in this order, lowest layer first, so a layer's signal receivers
    # and audit checks are registered before those of the layers above it.
    "DOMAINS": ("market", "tlog", "certificates", "events", "cases", "interop"),
}
