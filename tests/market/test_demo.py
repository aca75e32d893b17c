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


def test_demo_seed_prints_a_user_per_organisation_who_can_sign_in(runner, client):
    from market.demo import DEMO_PASSWORD, ORGANIZATIONS

    output = runner.invoke(args=["demo", "seed"]).output
    assert DEMO_PASSWORD in output and "agency@demo.tanhui.jl.cn" in output
    assert output.count("@demo.tanhui.jl.cn") == len(ORGANIZATIONS)
    signed_in = client.post("/login", data={"email": "agency@demo.tanhui.jl.cn",
                                            "password": DEMO_PASSWORD})
    assert signed_in.status_code == 303
    assert "长春市机关事务管理局" in client.get("/workspace").text
    assert runner.invoke(args=["demo", "seed"]).output.count("@demo.tanhui.jl.cn") == 11
