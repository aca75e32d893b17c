def test_demo_seed_is_realistic_idempotent_and_audits_clean(runner, client):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "长春市轨道交通集团有限公司" in first.output
    second = runner.invoke(args=["demo", "seed"])
    assert "0 new organisations" in second.output
    lots = client.get("/api/v1/lots").json
    assert lots["total"] == 5
    assert {lot["scenario"] for lot in lots["items"]} == {"transport", "housing", "food"}
    assert client.get("/api/v1/listings").json["total"] == 5
    assert runner.invoke(args=["audit"]).exit_code == 0
