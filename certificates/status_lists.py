"""W3C Bitstring Status List v1.0: encoding and reading the `encodedList` bitstring.

A status list is a bitstring in which bit `i` is set when the credential with
`statusListIndex` i is revoked. It is published GZIP-compressed and
multibase-base64url-encoded (`u…`, no padding) inside a
BitstringStatusListCredential. These helpers are pure; storing lists and
allocating indices belong to the certificate use cases.
"""

import base64
import gzip
import re
import zlib
from collections.abc import Iterable

# The spec's minimum (16 KiB of bits): a list this long hides which of many
# credentials a verifier is asking about (herd privacy).
LIST_LENGTH = 131_072

# Zip-bomb guard: a few hundred bytes of GZIP can expand to gigabytes, and
# verification decodes lists fetched from elsewhere.
MAX_DECODED_BYTES = 16 * 1024 * 1024

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def encode_list(set_indices: Iterable[int], length: int = LIST_LENGTH) -> str:
    """Encode a bitstring of `length` bits with `set_indices` set, as the spec's `encodedList`.

    Index 0 is the most significant bit of the first byte. Raises ValueError for
    a length below LIST_LENGTH or not a whole number of bytes, or an index out of range.
    """
    if length < LIST_LENGTH or length % 8:
        raise ValueError(f"a status list needs >= {LIST_LENGTH} bits, in whole bytes; got {length}")
    bits = bytearray(length // 8)
    for index in set_indices:
        if not 0 <= index < length:
            raise ValueError(f"status list index {index} is outside 0..{length - 1}")
        bits[index >> 3] |= 0x80 >> (index & 7)
    # mtime=0 keeps the output a function of the bits alone, so an unchanged
    # list re-encodes to the same string (stable ETags, idempotent jobs).
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_list(encoded: str) -> bytes:
    """Expand an `encodedList` back into the raw bitstring.

    Raises ValueError when the value is not multibase base64url of one complete
    GZIP member, expands beyond MAX_DECODED_BYTES, or is shorter than LIST_LENGTH bits.
    """
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (start with 'u')")
    body = encoded[1:]
    if not _BASE64URL.fullmatch(body) or len(body) % 4 == 1:
        raise ValueError("encodedList is not base64url without padding")
    compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))

    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP wrapper only
    try:
        bitstring = inflater.decompress(compressed, MAX_DECODED_BYTES + 1)
    except zlib.error as exc:
        raise ValueError(f"encodedList is not valid GZIP: {exc}") from exc
    if len(bitstring) > MAX_DECODED_BYTES:
        raise ValueError(f"encodedList expands beyond {MAX_DECODED_BYTES} bytes")
    if not inflater.eof:
        raise ValueError("encodedList GZIP data is truncated")
    if inflater.unused_data:
        raise ValueError("encodedList has data after the GZIP member")
    if len(bitstring) * 8 < LIST_LENGTH:
        raise ValueError(f"status list is shorter than the minimum {LIST_LENGTH} bits")
    return bitstring


def is_set(bitstring: bytes, index: int) -> bool:
    """Whether bit `index` is set (0 = most significant bit of the first byte).

    Raises IndexError outside the bitstring (the spec's RANGE_ERROR).
    """
    if not 0 <= index < len(bitstring) * 8:
        raise IndexError(f"status list index {index} is outside 0..{len(bitstring) * 8 - 1}")
    return bool(bitstring[index >> 3] & (0x80 >> (index & 7)))
