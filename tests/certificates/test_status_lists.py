"""Bitstring Status List encoding: round trip, the spec's bit order, limits, garbage."""

import base64
import gzip
import re

import pytest

from certificates import status_lists
from certificates.status_lists import LIST_LENGTH, decode_list, encode_list, is_set

# Bitstring Status List v1.0, example BitstringStatusListCredential: an empty list.
W3C_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def _raw(encoded: str) -> bytes:
    """Decode independently of the module: base64url, then gzip."""
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_spec_example_decodes_to_131072_clear_bits():
    bitstring = decode_list(W3C_EXAMPLE)
    assert bitstring == bytes(LIST_LENGTH // 8)
    assert not any(is_set(bitstring, i) for i in (0, 1, LIST_LENGTH - 1))


def test_round_trip_keeps_exactly_the_set_indices():
    indices = {0, 1, 7, 8, 9, 1000, 65_535, LIST_LENGTH - 1}
    encoded = encode_list(indices)
    bitstring = decode_list(encoded)
    assert len(bitstring) * 8 == LIST_LENGTH
    assert {i for i in range(LIST_LENGTH) if is_set(bitstring, i)} == indices


def test_encoding_is_multibase_base64url_without_padding():
    encoded = encode_list({5})
    assert encoded.startswith("u")
    assert re.fullmatch(r"u[A-Za-z0-9_-]+", encoded)
    assert _raw(encoded)[:1] == b"\x04"


def test_index_zero_is_the_leftmost_bit_of_the_first_byte():
    # "The first index, with a value of zero, is located at the left-most bit."
    assert _raw(encode_list({0}))[:2] == b"\x80\x00"
    assert _raw(encode_list({7}))[:2] == b"\x01\x00"
    assert _raw(encode_list({8}))[:2] == b"\x00\x80"
    assert _raw(encode_list({LIST_LENGTH - 1}))[-1:] == b"\x01"


def test_is_set_reads_the_same_bit_order():
    assert is_set(b"\x80\x01", 0)
    assert not is_set(b"\x80\x01", 1)
    assert is_set(b"\x80\x01", 15)
    with pytest.raises(IndexError):
        is_set(b"\x80\x01", 16)
    with pytest.raises(IndexError):
        is_set(b"\x80\x01", -1)


def test_encoding_is_deterministic():
    assert encode_list([3, 2, 1]) == encode_list({1, 2, 3})


def test_longer_lists_round_trip():
    encoded = encode_list({LIST_LENGTH + 3}, length=2 * LIST_LENGTH)
    bitstring = decode_list(encoded)
    assert len(bitstring) * 8 == 2 * LIST_LENGTH
    assert is_set(bitstring, LIST_LENGTH + 3)


@pytest.mark.parametrize("length", [0, 8, LIST_LENGTH - 8, LIST_LENGTH + 1])
def test_encode_refuses_short_or_ragged_lists(length):
    with pytest.raises(ValueError):
        encode_list(set(), length=length)


@pytest.mark.parametrize("index", [-1, LIST_LENGTH])
def test_encode_refuses_indices_outside_the_list(index):
    with pytest.raises(ValueError):
        encode_list({index})


def _b64u(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_decode_refuses_lists_shorter_than_the_minimum():
    with pytest.raises(ValueError, match="minimum"):
        decode_list(_b64u(gzip.compress(bytes(LIST_LENGTH // 8 - 1))))


def test_decode_refuses_a_zip_bomb(monkeypatch):
    monkeypatch.setattr(status_lists, "MAX_DECODED_BYTES", 64 * 1024)
    with pytest.raises(ValueError, match="expands beyond"):
        decode_list(_b64u(gzip.compress(bytes(64 * 1024 + 1))))


def test_decode_default_limit_is_16_mib():
    assert status_lists.MAX_DECODED_BYTES == 16 * 1024 * 1024


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "u",
        W3C_EXAMPLE[1:],  # no multibase prefix
        "z" + W3C_EXAMPLE[1:],  # base58btc prefix
        W3C_EXAMPLE + "=",  # padding
        W3C_EXAMPLE.replace("-", "+"),  # standard alphabet
        W3C_EXAMPLE[:-1],  # 1 mod 4 characters
        W3C_EXAMPLE[:-5],  # truncated GZIP
        "uAAAAAAAA",
        _b64u(b"not gzip at all"),
        _b64u(gzip.compress(bytes(LIST_LENGTH // 8))[:-4] + bytes(4)),  # wrong ISIZE trailer
        _b64u(gzip.compress(bytes(LIST_LENGTH // 8)) + b"junk"),
        _b64u(gzip.compress(bytes(LIST_LENGTH // 8)) * 2),  # two members
        None,
        12,
    ],
)
def test_decode_rejects_garbage_with_value_error(garbage):
    with pytest.raises(ValueError):
        decode_list(garbage)
