"""eddsa-jcs-2022 proofs: the W3C test vector, tampering, malformed input, key encodings."""

import copy
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates import dataintegrity

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
VECTOR = json.loads((DATA_DIR / "eddsa-jcs-2022-vector.json").read_text("utf-8"))
SIGNED = VECTOR["signed"]
PUBLIC_KEY = dataintegrity.public_key_from_multibase(VECTOR["publicKeyMultibase"])
PRIVATE_KEY = dataintegrity.private_key_from_multibase(VECTOR["privateKeyMultibase"])


def signed_vector() -> dict:
    return copy.deepcopy(SIGNED)


def unsigned_vector() -> dict:
    return {key: value for key, value in signed_vector().items() if key != "proof"}


# --- mutations of the signed vector -------------------------------------------------


def _paths(node, path=()):
    """Every (path, value) in a JSON tree, containers included."""
    yield path, node
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _paths(child, path + (key,))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _paths(child, path + (index,))


def _changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        # Same length, last character replaced: for proofValue this keeps a
        # 64-byte signature, so the Ed25519 check itself has to catch it.
        return value[:-1] + ("A" if value[-1:] != "A" else "B")
    return "changed"


def _mutations():
    for path, value in _paths(SIGNED):
        label = "/".join(map(str, path))
        if not isinstance(value, (dict, list)):
            yield pytest.param(path, "change", id=f"change:{label}")
            yield pytest.param(path, "retype", id=f"retype:{label}")
        if isinstance(value, dict):
            yield pytest.param(path, "add", id=f"add-key:{label or '<root>'}")
        if path and isinstance(path[-1], str) and path != ("proof", "@context"):
            # Removing proof.@context is the one removal the spec accepts; see
            # test_removing_the_proofs_copy_of_context_changes_no_signed_byte.
            yield pytest.param(path, "remove", id=f"remove:{label}")


def _mutate(document, path, how):
    *parents, last = path if path else (None,)
    target = document
    for step in parents:
        target = target[step]
    if how == "change":
        target[last] = _changed(target[last])
    elif how == "retype":
        target[last] = [target[last]]
    elif how == "add":
        (target[last] if path else document)["injected"] = "value"
    elif how == "remove":
        del target[last]


def test_w3c_vector_verifies_with_its_public_key():
    assert dataintegrity.verify(signed_vector(), PUBLIC_KEY) == []


@pytest.mark.parametrize(("path", "how"), list(_mutations()))
def test_w3c_vector_fails_after_any_single_change(path, how):
    document = signed_vector()
    _mutate(document, path, how)
    assert document != SIGNED
    assert dataintegrity.verify(document, PUBLIC_KEY) != []


def test_removing_the_proofs_copy_of_context_changes_no_signed_byte():
    # Verify Proof builds the proof configuration with the document's
    # @context, so the signed bytes are identical with or without the copy.
    document = signed_vector()
    del document["proof"]["@context"]
    assert dataintegrity.verify(document, PUBLIC_KEY) == []


def test_document_may_extend_but_not_reorder_the_signed_context():
    # Spec §3.3.2 step 4: contexts appended after signing (proof chains) are allowed.
    extended = signed_vector()
    extended["@context"].append("https://example.org/later/v1")
    assert dataintegrity.verify(extended, PUBLIC_KEY) == []

    reordered = signed_vector()
    reordered["@context"].reverse()
    assert "document @context does not start with the proof's @context" in dataintegrity.verify(
        reordered, PUBLIC_KEY
    )


BAD_SIGNATURE = ["signature does not verify with the given key"]
CREATED = "2025-06-30T08:00:00Z"


def test_vector_fails_with_another_key():
    other = Ed25519PrivateKey.generate().public_key()
    assert dataintegrity.verify(signed_vector(), other) == BAD_SIGNATURE


def test_resigning_the_vector_document_reproduces_its_proof_exactly():
    proof = SIGNED["proof"]
    resigned = dataintegrity.sign(
        unsigned_vector(), PRIVATE_KEY, proof["verificationMethod"], proof["created"]
    )
    assert resigned["proof"]["proofValue"] == proof["proofValue"]
    assert resigned == SIGNED


def test_sign_leaves_its_input_untouched():
    document = unsigned_vector()
    dataintegrity.sign(document, PRIVATE_KEY, "did:web:example#key-1", "2025-01-01T00:00:00Z")
    assert document == unsigned_vector()


def test_round_trip_with_a_fresh_key_survives_json():
    key = Ed25519PrivateKey.generate()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:1",
        "name": "证书",
    }
    signed = dataintegrity.sign(document, key, "did:web:registry.example#key-1", CREATED)
    proof = signed["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["@context"] == document["@context"]
    assert proof["proofValue"].startswith("z")
    reloaded = json.loads(json.dumps(signed, ensure_ascii=False))
    assert dataintegrity.verify(reloaded, key.public_key()) == []
    assert dataintegrity.verify(signed, Ed25519PrivateKey.generate().public_key()) != []


def test_integer_quantities_survive_and_are_signed():
    key = Ed25519PrivateKey.generate()
    document = {"credentialSubject": {"quantity_kg": 1500, "amount_fen": 12_345_678}}
    signed = dataintegrity.sign(document, key, "did:web:r.example#k", CREATED)
    reloaded = json.loads(json.dumps(signed))
    assert reloaded["credentialSubject"]["quantity_kg"] == 1500
    assert isinstance(reloaded["credentialSubject"]["quantity_kg"], int)
    assert dataintegrity.verify(reloaded, key.public_key()) == []
    reloaded["credentialSubject"]["quantity_kg"] = 1501
    assert dataintegrity.verify(reloaded, key.public_key()) == BAD_SIGNATURE


def test_sign_refuses_integers_json_cannot_carry_exactly():
    with pytest.raises(ValueError):
        dataintegrity.sign({"quantity_kg": 2**60}, PRIVATE_KEY, "did:web:r.example#k", CREATED)


@pytest.mark.parametrize("created", ["2025-06-30", "2025-06-30 08:00:00Z", "yesterday", ""])
def test_sign_refuses_a_created_that_is_not_an_xsd_datetime(created):
    with pytest.raises(ValueError, match="xsd:dateTime"):
        dataintegrity.sign({"a": 1}, PRIVATE_KEY, "did:web:r.example#k", created)


def test_sign_refuses_a_document_that_already_has_a_proof():
    with pytest.raises(ValueError, match="already has a proof"):
        dataintegrity.sign(signed_vector(), PRIVATE_KEY, "did:web:r.example#k", CREATED)


def _with_proof(**changes):
    document = signed_vector()
    for key, value in changes.items():
        if value is KeyError:
            del document["proof"][key]
        else:
            document["proof"][key] = value
    return document


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (None, "document is not a JSON object"),
        ([SIGNED], "document is not a JSON object"),
        ("{}", "document is not a JSON object"),
        (unsigned_vector(), "document has no proof"),
        ({**unsigned_vector(), "proof": None}, "document has no proof"),
        ({**unsigned_vector(), "proof": [SIGNED["proof"]]}, "proof set"),
        ({**unsigned_vector(), "proof": "z3abc"}, "proof is not a JSON object"),
        (_with_proof(type="Ed25519Signature2020"), "proof type"),
        (_with_proof(cryptosuite="eddsa-rdfc-2022"), "cryptosuite"),
        (_with_proof(cryptosuite=KeyError), "cryptosuite"),
        (_with_proof(proofPurpose="authentication"), "proof purpose"),
        (_with_proof(verificationMethod=KeyError), "verificationMethod"),
        (_with_proof(verificationMethod=42), "verificationMethod"),
        (_with_proof(created="24 February 2023"), "created"),
        (_with_proof(created=20230224), "created"),
        (_with_proof(proofValue=KeyError), "proofValue is missing"),
        (_with_proof(proofValue=12345), "proofValue is missing or not a string"),
        (_with_proof(proofValue=["z"]), "proofValue is missing or not a string"),
        (_with_proof(proofValue="u" + SIGNED["proof"]["proofValue"][1:]), "multibase"),
        (_with_proof(proofValue="z0OIl"), "not valid base58btc"),
        (_with_proof(proofValue="zé"), "not valid base58btc"),
        (_with_proof(proofValue="z"), "decodes to 0 bytes"),
        (_with_proof(proofValue=SIGNED["proof"]["proofValue"] + "2"), "expected 64"),
        (_with_proof(**{"@context": "https://example.org/other"}), "@context"),
        ({**unsigned_vector(), "@context": None, "proof": SIGNED["proof"]}, "@context"),
        ({**signed_vector(), "score": float("nan")}, "canonicalised"),
        ({**signed_vector(), "huge": 2**64}, "canonicalised"),
    ],
)
def test_verify_reports_malformed_input_without_raising(document, expected):
    errors = dataintegrity.verify(document, PUBLIC_KEY)
    assert errors, "malformed input must not verify"
    assert all(isinstance(error, str) for error in errors)
    assert any(expected in error for error in errors), errors


def test_verify_can_expect_another_purpose():
    errors = dataintegrity.verify(
        signed_vector(), PUBLIC_KEY, expected_proof_purpose="authentication"
    )
    assert errors == ["proof purpose is 'assertionMethod', expected 'authentication'"]


# --- Multikey encodings ------------------------------------------------------------


def test_public_key_multibase_round_trips_the_vector_key():
    expected = VECTOR["publicKeyMultibase"]
    assert dataintegrity.public_key_multibase(PRIVATE_KEY.public_key()) == expected
    assert dataintegrity.public_key_multibase(PUBLIC_KEY) == expected
    assert VECTOR["publicKeyMultibase"].startswith("z6Mk")  # what every 0xed01 key looks like


def test_fresh_key_round_trips_through_multibase():
    public_key = Ed25519PrivateKey.generate().public_key()
    encoded = dataintegrity.public_key_multibase(public_key)
    decoded = dataintegrity.public_key_from_multibase(encoded)
    assert decoded.public_bytes_raw() == public_key.public_bytes_raw()


@pytest.mark.parametrize(
    "value",
    [
        VECTOR["privateKeyMultibase"],  # a secret key where a public key belongs
        "u" + VECTOR["publicKeyMultibase"][1:],
        VECTOR["publicKeyMultibase"][1:],
        VECTOR["publicKeyMultibase"][:-1],
        VECTOR["publicKeyMultibase"] + "1",
        "z0OIl",
        "z",
        "",
        None,
    ],
)
def test_public_key_from_multibase_rejects_anything_else(value):
    with pytest.raises(ValueError):
        dataintegrity.public_key_from_multibase(value)


def test_private_key_from_multibase_rejects_a_public_key():
    with pytest.raises(ValueError):
        dataintegrity.private_key_from_multibase(VECTOR["publicKeyMultibase"])


def test_signature_covers_created_even_when_still_well_formed():
    document = _with_proof(created="2023-02-24T23:36:39Z")
    assert dataintegrity.verify(document, PUBLIC_KEY) == BAD_SIGNATURE
