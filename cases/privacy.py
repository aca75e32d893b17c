"""The obligor's identity in a compensation case: masked for the public, encrypted at rest.

Published judgments mask a defendant as 张某; the registry does the same everywhere the
public can look (public API and pages, certificates, organisation names). The ID number
is stored only as a Fernet token (AES-128-CBC + HMAC-SHA256) under ``CASE_ID_NUMBER_KEY``
— several comma-separated keys rotate: the first encrypts, all decrypt — or, when that is
not set, under a key generated once into ``SIGNING_KEY_DIR/case-id.key``.
"""

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet
from flask import current_app
from flask_babel import gettext as _

from core.errors import Invalid

KEY_FILE = "case-id.key"
MASK = "某"
_RESIDENT_ID = re.compile(r"\d{17}[\dX]")
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK = "10X98765432"
_ciphers: dict[str, MultiFernet] = {}


def mask_name(name: str) -> str:
    """First character + 某, whatever the name: 张三丰 → 张某, 欧阳娜娜 → 欧某, a one-character
    name 张 → 张某, John Smith → J某. Leading spaces and punctuation are skipped and letters
    upper-cased, so the mask never reveals more than one letter or the length."""
    text = unicodedata.normalize("NFC", name)
    first = next((c for c in text if c.isalnum()), None)
    if first is None:
        return MASK
    upper = first.upper()  # "ß".upper() is two letters: keep such a letter as it is
    return (upper if len(upper) == 1 else first) + MASK


def _letters(text: str) -> str:
    """Only the letters and digits of ``text``, compatibility-normalised and case-folded:
    李 四, 李·四 and 李四 all read 李四, ２２０１… reads 2201…"""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def identity_in(text: str | None, name: str, id_number: str | None) -> bool:
    """Whether ``text`` names the person ``name`` (two characters or more) or carries
    their ID number (or, for a resident ID, its first 17 digits), whatever spaces and
    punctuation are written between the characters."""
    if not text:
        return False
    letters = _letters(text)
    full_name = _letters(name)
    if len(full_name) > 1 and full_name in letters:
        return True
    if id_number:
        number = _letters(id_number)
        stems = (number, number[:17]) if len(number) == 18 else (number,)
        return any(stem in letters for stem in stems)
    return False


#: What a retirement instruction writes into the public registry, the credential and the PDF.
PUBLIC_RETIREMENT_FIELDS = ("beneficiary_name", "note")


def refuse_identity_in_retirement(case, instruction: dict) -> None:
    """DOMAIN.md §5: nobody may write a person obligor's name or ID number into a
    retirement's beneficiary or note (they are public for ever). Raises Invalid (422)
    naming each offending field; organisation obligors are public and not checked."""
    if case.obligor_organization_id is not None:
        return
    id_number = decrypt_id_number(case.obligor_id_number_encrypted)
    offending = [field for field in PUBLIC_RETIREMENT_FIELDS
                 if identity_in(instruction.get(field), case.obligor_name, id_number)]
    if offending:
        raise Invalid(
            _("A retirement is public: it must not name the obligor of case %(case)s or carry "
              "their ID number.", case=case.case_number),
            {field: [_("Must not contain the obligor's name or ID number.")]
             for field in offending})


def resident_id_check(first17: str) -> str:
    """The check character of a mainland resident ID number (GB 11643, ISO 7064 MOD 11-2)."""
    return _RESIDENT_ID_CHECK[sum(int(d) * w for d, w in zip(first17, _RESIDENT_ID_WEIGHTS)) % 11]


def is_valid_id_number(value: str) -> bool:
    """An 18-character resident ID must carry the right check character; other identity
    documents (passports, travel permits) are 6–32 letters and digits."""
    if not re.fullmatch(r"[0-9A-Z]{6,32}", value):
        return False
    if _RESIDENT_ID.fullmatch(value):
        return resident_id_check(value[:17]) == value[17]
    return len(value) != 18 or not value[:17].isdigit()


def _cipher() -> MultiFernet:
    configured = current_app.config.get("CASE_ID_NUMBER_KEY")
    if configured:
        source = configured
    else:
        source = _key_file(Path(current_app.config["SIGNING_KEY_DIR"]) / KEY_FILE)
    if source not in _ciphers:
        _ciphers[source] = MultiFernet([Fernet(k.strip()) for k in source.split(",") if k.strip()])
    return _ciphers[source]


def _key_file(path: Path) -> str:
    """The key in ``path``, generated on first use (0600, never overwritten)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker was first
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
    return path.read_text().strip()


def seal(text: str | None) -> str | None:
    """``text`` as a Fernet token under the case key (None stays None): ID numbers and
    the working payment link are kept this way."""
    return _cipher().encrypt(text.encode()).decode() if text else None


def unseal(token: str | None) -> str | None:
    """The text of a ``seal`` token (None stays None)."""
    return _cipher().decrypt(token.encode()).decode() if token else None


encrypt_id_number, decrypt_id_number = seal, unseal


def hash_token(token: str) -> str:
    """Payment links are stored as SHA-256 hex, like API tokens."""
    return hashlib.sha256(token.encode()).hexdigest()
