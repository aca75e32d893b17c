"""Two registries in one process: the app under test (https://registry.test, 吉林) and a
peer (https://peer.test, 辽宁) with its own SQLite database in tmp_path and its own keys,
reaching each other through one WsgiTransport."""

import shutil

import pytest

from core.app import create_app
from core.db import db
from interop.transport import WsgiTransport

PEER_BASE = "https://peer.test"
OWN_BASE = "https://registry.test"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, migrated):
    """A migrated SQLite file for peers, also when the app under test runs on PostgreSQL."""
    if not isinstance(migrated, str):
        return migrated
    from flask_migrate import upgrade

    path = tmp_path_factory.mktemp("peerdb") / "template.db"
    peer = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                       "SIGNING_KEY_DIR": str(tmp_path_factory.mktemp("peerkeys0"))})
    with peer.app_context():
        upgrade(revision="heads")
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def peer_keys_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("peerkeys")


@pytest.fixture
def network():
    """The in-process network: origin → WSGI app."""
    return WsgiTransport({})


@pytest.fixture
def app_config(network):
    return {"PEER_TRANSPORT": network}


def make_registry(template, tmp_path, keys_dir, network, *, base_url, name, region, config=()):
    """Another registry on its own copy of the migrated SQLite database, reachable at
    ``base_url`` through ``network``."""
    path = tmp_path / f"{name}.db"
    shutil.copyfile(template, path)
    other = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "BASE_URL": base_url,
        "SIGNING_KEY_DIR": str(keys_dir), "STRIPE_SECRET_KEY": None,
        "STRIPE_WEBHOOK_SECRET": None, "WTF_CSRF_ENABLED": False,
        "REGISTRY_NAME_ZH": "辽宁碳普惠登记簿", "REGISTRY_NAME_EN": "Liaoning Registry",
        "REGISTRY_REGION": region, "PEER_TRANSPORT": network, **dict(config)})
    network.apps[base_url] = other
    return other


@pytest.fixture
def peer_app(app, sqlite_template, tmp_path, peer_keys_dir, network):
    network.apps[OWN_BASE] = app
    other = make_registry(sqlite_template, tmp_path, peer_keys_dir, network,
                          base_url=PEER_BASE, name="peer", region="210000")
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def admin():
    from factories import make_org

    return make_org("registry_admin", kind="registry", name="吉林省生态环境厅")


@pytest.fixture
def http_peer(app, sqlite_template, tmp_path, network):
    """A registry served over real HTTP at http://127.0.0.1:PORT (its BASE_URL), with its
    own database and keys; the app under test reaches it with the default HttpTransport."""
    import threading

    from werkzeug.serving import make_server

    holder = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: holder["app"](environ, start),
                         threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    holder["app"] = make_registry(sqlite_template, tmp_path, tmp_path / "http-peer-keys",
                                  network, base_url=base, name="http-peer", region="230000")
    app.config["PEER_TRANSPORT"] = None  # the default: HTTP through urllib
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=10)
    with holder["app"].app_context():
        db.engine.dispose()


@pytest.fixture
def pinned(client, peer_app, admin):
    """吉林 (the app) and 辽宁 (peer_app) pin each other; returns 辽宁's witness as
    {name: public key}."""
    from factories import make_org
    from interop import witness_key

    assert client.post("/api/v1/interop/peers", headers=admin.headers,
                       json={"api_base": PEER_BASE + "/api/v1"}).status_code == 201
    with peer_app.app_context():
        peer_admin = make_org("registry_admin", kind="registry", name="辽宁省生态环境厅")
        response = peer_app.test_client().post(
            "/api/v1/interop/peers", headers=peer_admin.headers,
            json={"api_base": "https://registry.test/api/v1"})
        assert response.status_code == 201, response.json
        name, key = witness_key.witness_name(), witness_key.load_witness_key().public_key()
    return {name: key}
