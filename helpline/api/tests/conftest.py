"""API test helpers: a client that sends a bearer key and JSON."""

from __future__ import annotations

import json

import pytest


class ApiClient:
    def __init__(self, client, key: str | None):
        self.client = client
        self.key = key

    def _headers(self, key):
        key = self.key if key is ... else key
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}

    def get(self, path, params=None, *, key=...):
        return self.client.get(f"/api/v1{path}", params or {}, **self._headers(key))

    def post(self, path, body=None, *, key=..., raw: str | None = None):
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(f"/api/v1{path}", data, content_type="application/json", **self._headers(key))

    def patch(self, path, body=None, *, key=..., raw: str | None = None):
        data = raw if raw is not None else json.dumps(body)
        return self.client.patch(f"/api/v1{path}", data, content_type="application/json", **self._headers(key))

    def put(self, path, body=None, *, key=...):
        return self.client.put(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", **self._headers(key)
        )

    def delete(self, path, *, key=...):
        return self.client.delete(f"/api/v1{path}", **self._headers(key))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~0.5 s per user created by the fixtures; these tests never check a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(client, api_key):
    return ApiClient(client, api_key)


@pytest.fixture
def other_api(client, other_api_key):
    return ApiClient(client, other_api_key)


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "code"}
    assert body["status"] == status
    assert body["detail"]
    if code:
        assert body["code"] == code
        assert body["type"] == f"urn:helpline:problem:{code}"
    return body
