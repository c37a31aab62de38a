def test_healthz(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_checks_every_dependency(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "task_queue": "ok", "channel_layer": "ok"},
    }


def test_readyz_reports_a_broken_dependency(client, db, monkeypatch):
    from helpline.config import health

    def broken():
        raise ConnectionError("down")

    monkeypatch.setitem(health.CHECKS, "task_queue", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["task_queue"] == "error: ConnectionError"
