"""§5: the double-claim gate — own register, peers' signed answers, override, no conflict."""

import pytest

from factories import make_org
from interop_scopes import issue, make_operator, verified_request

PEER_BASE = "https://peer.test"
ROOT = "ab" * 32


@pytest.fixture
def verifier():
    return make_org("verifier", kind="verifier")


def test_claim_scope_is_validated_beside_its_fields(client, verifier):
    seller = make_operator()
    bad = {"regions": ["2200", "22000X"], "records_root": "xyz",
           "record_hashes": ["0" * 63]}
    response = client.post("/api/v1/issuance-requests", headers=seller.headers, json={
        "methodology_code": "TR-METRO", "vintage": 2026, "period_start": "2026-01-01",
        "period_end": "2026-06-30", "quantity_kg": 10, "claim_scope": bad})
    assert response.status_code == 422
    errors = response.json["errors"]["claim_scope"]
    assert set(errors) == {"regions", "records_root", "record_hashes"}
    assert "GB/T 2260" in str(errors["regions"])


def test_own_register_conflict_is_refused_with_409(client, admin, verifier):
    seller = make_operator()
    first = verified_request(client, seller, verifier, regions=["220000"])
    issued = issue(client, admin, first)
    assert issued.status_code == 201, issued.json
    assert issued.json["claim_check"]["outcome"] == "clear"
    assert issued.json["claim_check"]["registries"] == []
    # The same operator claims metro rides in 长春 (inside 吉林) for an overlapping period.
    second = verified_request(client, seller, verifier, regions=["220100"],
                              start="2026-06-01", end="2026-12-31")
    response = issue(client, admin, second)
    assert response.status_code == 409
    assert response.json["code"] == "double_claim"
    [conflict] = response.json["errors"]["conflicts"]
    assert conflict["lot_code"] == issued.json["code"]
    assert conflict["registry"] == "did:web:registry.test"
    assert conflict["overlap"]["reasons"] == ["operator_scenario_region_period"]
    assert conflict["overlap"]["regions"] == ["220000"]
    assert conflict["overlap"]["period"] == {"start": "2026-06-01", "end": "2026-06-30"}
    assert client.get(f"/api/v1/issuance-requests/{second}",
                      headers=admin.headers).json["status"] == "verified"


def test_same_records_root_or_shared_hash_conflicts_across_operators(client, admin, verifier):
    hashes = [f"{i:064x}" for i in range(1, 4)]
    first = verified_request(client, make_operator(), verifier, regions=["220200"], root=ROOT,
                             hashes=hashes)
    assert issue(client, admin, first).status_code == 201
    other = make_operator("91440300708461136T")
    by_root = verified_request(client, other, verifier, regions=["210000"], root=ROOT.upper())
    response = issue(client, admin, by_root)
    assert response.status_code == 409
    assert response.json["errors"]["conflicts"][0]["overlap"]["reasons"] == ["records_root"]
    by_hash = verified_request(client, other, verifier, regions=["210000"],
                               hashes=[hashes[2], "f" * 64])
    overlap = issue(client, admin, by_hash).json["errors"]["conflicts"][0]["overlap"]
    assert overlap == {"reasons": ["record_hashes"], "shared_record_hashes": 1}


def test_no_conflict_issues_and_the_lot_shows_its_check(client, admin, verifier, peer_app):
    assert client.post("/api/v1/interop/peers", headers=admin.headers,
                       json={"api_base": PEER_BASE + "/api/v1"}).status_code == 201
    seller = make_operator()
    request_id = verified_request(client, seller, verifier, regions=["220100"])
    response = issue(client, admin, request_id)
    assert response.status_code == 201, response.json
    check = client.get(f"/api/v1/lots/{response.json['id']}").json["claim_check"]
    assert check["outcome"] == "clear" and check["conflicts"] == []
    [peer] = check["registries"]
    assert peer["did"] == "did:web:peer.test" and peer["status"] == "answered"
    assert peer["answer"]["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert peer["answer"]["credentialSubject"]["scope"]["regions"] == ["220100"]
    # The same operator in another province and scenario period: no conflict either.
    again = verified_request(client, seller, verifier, regions=["210100"])
    assert issue(client, admin, again).status_code == 201

    # The record travels with the lot: its CDOP export and its units' certificates.
    code = response.json["code"]
    export = client.get(f"/api/v1/exports/cdop/lots/{code}").json
    assert export["issuances"]["issuance"]["issuance"][0]["x-tanhui-claim-check"] == check
    retired = client.post("/api/v1/retirements", headers=seller.headers, json={
        "purpose": "voluntary", "beneficiary_name": "公众", "quantity_kg": 10,
        "lot_id": response.json["id"]})
    assert retired.status_code == 201, retired.json
    credential = client.get(f"/api/v1/certificates/{retired.json['certificate_number']}").json
    credential = credential.get("credential", credential)
    url = credential["credentialSubject"]["serials"][0]["claimCheck"]
    assert url == f"https://registry.test/api/v1/interop/claim-checks/lots/{code}"
    published = client.get(url.removeprefix("https://registry.test")).json
    assert published == {"lot_code": code, "claim_check": check}
    # The public lot page shows the same check, in the reader's language.
    page = client.get(f"/lots/{code}")
    assert 'id="claim-check-outcome"' in page.text and "重复申领核查" in page.text
    assert "did:web:peer.test" in page.text or "peer.test" in page.text
    verified = client.post("/api/v1/certificates/verification", json=credential).json
    assert verified["verified"] is True, verified


def _issue_in_peer(peer_app):
    """吉林's operator already had the same scope issued in the peer registry (辽宁)."""
    with peer_app.app_context():
        peer_client = peer_app.test_client()
        peer_admin = make_org("registry_admin", kind="registry", name="辽宁省生态环境厅")
        request_id = verified_request(peer_client, make_operator(),
                                      make_org("verifier", kind="verifier"),
                                      regions=["220000"], root=ROOT)
        response = issue(peer_client, peer_admin, request_id)
        assert response.status_code == 201, response.json
        return response.json["code"]


def test_a_peer_conflict_is_refused_with_the_peers_signed_answer(client, admin, verifier,
                                                                 peer_app):
    peer_lot = _issue_in_peer(peer_app)
    assert client.post("/api/v1/interop/peers", headers=admin.headers,
                       json={"api_base": PEER_BASE + "/api/v1"}).status_code == 201
    request_id = verified_request(client, make_operator(), verifier, regions=["220100"],
                                  root=ROOT)
    response = issue(client, admin, request_id)
    assert response.status_code == 409
    [conflict] = response.json["errors"]["conflicts"]
    assert conflict["lot_code"] == peer_lot and conflict["registry"] == "did:web:peer.test"
    assert conflict["overlap"]["reasons"] == ["operator_scenario_region_period", "records_root"]
    [asked] = response.json["claim_check"]["registries"]
    answer = asked["answer"]
    assert answer["issuer"]["id"] == "did:web:peer.test"
    assert answer["type"] == ["VerifiableCredential", "ClaimCheckAnswer"]
    assert answer["credentialSubject"]["conflicts"][0]["lot_code"] == peer_lot

    # The administrator overrides with a reason: issued, and the reason is on record.
    response = issue(client, admin, request_id, override_reason="辽宁批次已核销作废，经双方确认")
    assert response.status_code == 201, response.json
    check = client.get(f"/api/v1/lots/{response.json['id']}").json["claim_check"]
    assert check["outcome"] == "overridden"
    assert check["override_reason"] == "辽宁批次已核销作废，经双方确认"
    assert check["conflicts"][0]["lot_code"] == peer_lot
    assert check["registries"][0]["answer"] == answer | {
        "credentialSubject": check["registries"][0]["answer"]["credentialSubject"],
        "proof": check["registries"][0]["answer"]["proof"], "validFrom":
        check["registries"][0]["answer"]["validFrom"]}


def test_a_forged_or_unreachable_peer_is_recorded_not_trusted(client, admin, verifier,
                                                              peer_app, network):
    assert client.post("/api/v1/interop/peers", headers=admin.headers,
                       json={"api_base": PEER_BASE + "/api/v1"}).status_code == 201
    # The peer answers with a key it never published: the answer is not trusted.
    from certificates import keys
    with peer_app.app_context():
        keys.add_key()
    try:
        request_id = verified_request(client, make_operator(), verifier)
        response = issue(client, admin, request_id)
        assert response.status_code == 201
        [asked] = response.json["claim_check"]["registries"]
        assert asked["status"] == "invalid_answer"
        assert "key" in asked["error"]
        assert response.json["claim_check"]["outcome"] == "incomplete"
    finally:
        with peer_app.app_context():
            newest = sorted((keys._folder()).glob("*.pem"))[-1]
            newest.unlink()
    del network.apps[PEER_BASE]
    request_id = verified_request(client, make_operator("91350100M000100Y43"), verifier)
    response = issue(client, admin, request_id)
    assert response.status_code == 201
    assert response.json["claim_check"]["registries"][0]["status"] == "unreachable"
    assert response.json["claim_check"]["outcome"] == "incomplete"


def test_double_claim_message_follows_the_language(client, admin, verifier):
    seller = make_operator()
    assert issue(client, admin, verified_request(client, seller, verifier)).status_code == 201
    again = verified_request(client, seller, verifier)
    zh = issue(client, admin, again)
    en = client.post(f"/api/v1/issuance-requests/{again}/issuance", headers={
        **admin.headers, "Accept-Language": "en"})
    assert zh.json["code"] == en.json["code"] == "double_claim"
    assert "conflicting" in en.json["message"] and zh.json["message"] != en.json["message"]


def test_requests_without_a_scope_are_not_gated(client, admin, verifier):
    from factories import make_lot
    seller = make_operator()
    lot_id = make_lot(seller, 100, verifier=verifier)
    lot = client.get(f"/api/v1/lots/{lot_id}").json
    assert lot["claim_check"] is None
    page = client.get(f"/lots/{lot['code']}", headers={"Accept-Language": "en"})
    assert 'id="claim-check-none"' in page.text and "without a declared claim scope" in page.text


def test_regions_overlap_along_the_gb_t_2260_hierarchy():
    from interop.scopes import overlapping_regions, region_prefix

    assert region_prefix("220000") == "22" and region_prefix("220100") == "2201"
    assert overlapping_regions(["220000"], ["220102", "210100"]) == ["220102"]
    assert overlapping_regions(["220102"], ["220100", "220200", "220000"]) == ["220000", "220100"]
    assert overlapping_regions(["220101"], ["220102"]) == []


def test_a_claim_check_answer_is_signed_bound_to_the_question_and_bounded(client, admin,
                                                                          verifier):
    from interop.claim_checks import question_digest
    from interop.signing import did_keys_of, verify_credential

    seller = make_operator()
    assert issue(client, admin, verified_request(client, seller, verifier, root=ROOT)).status_code == 201
    scope = {"operator_credit_code": "91440300708461136T", "scenario": "food",
             "methodology_code": None, "regions": ["110000"], "period_start": "2020-01-01",
             "period_end": "2020-12-31", "records_root": ROOT.upper()}
    hashes = ["A" * 64]
    answer = client.post("/api/v1/interop/claim-checks", json={
        "scope": scope, "record_hashes": hashes, "nonce": "0123456789abcdef"}).json
    subject = answer["credentialSubject"]
    assert subject["nonce"] == "0123456789abcdef"
    assert subject["scopeDigest"] == question_digest(scope, hashes)
    assert [c["overlap"]["reasons"] for c in subject["conflicts"]] == [["records_root"]]
    did = client.get("/.well-known/did.json").json
    assert verify_credential(answer, did["id"], did_keys_of(did), "ClaimCheckAnswer") == []
    for bad in ({"scope": {**scope, "regions": ["11"]}, "nonce": "0123456789abcdef"},
                {"scope": scope, "nonce": "short"},
                {"scope": scope, "nonce": "0123456789abcdef", "record_hashes": ["a" * 64] * 10_001},
                {"scope": {**scope, "scenario": "space"}, "nonce": "0123456789abcdef"}):
        response = client.post("/api/v1/interop/claim-checks", json=bad)
        assert response.status_code == 422, bad


def test_peers_beyond_the_time_budget_are_recorded_not_asked(app, client, admin, verifier,
                                                             peer_app):
    assert client.post("/api/v1/interop/peers", headers=admin.headers,
                       json={"api_base": PEER_BASE + "/api/v1"}).status_code == 201
    app.config["PEER_CHECK_BUDGET_SECONDS"] = -1
    response = issue(client, admin, verified_request(client, make_operator(), verifier))
    assert response.status_code == 201
    [asked] = response.json["claim_check"]["registries"]
    assert asked["status"] == "unreachable" and "budget" in asked["error"]


def test_two_overlapping_issuances_at_once_let_exactly_one_through(app, client, admin,
                                                                   verifier):
    import threading

    first = verified_request(client, make_operator(), verifier, root=ROOT)
    second = verified_request(client, make_operator("91440300708461136T"), verifier,
                              regions=["210000"], root=ROOT)
    statuses, barrier = [], threading.Barrier(2)

    def run(request_id):
        own_client = app.test_client()
        barrier.wait()
        statuses.append(issue(own_client, admin, request_id).status_code)

    threads = [threading.Thread(target=run, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [201, 409]
