import pytest

from helpline.config.environment import ConfigurationError, database, redis_url, secret_key


def test_sqlite_default_is_wal(tmp_path):
    config = database(None, tmp_path)
    assert config.vendor == "sqlite"
    assert config.django["NAME"] == str(tmp_path / "helpline.sqlite3")
    assert "journal_mode=WAL" in config.django["OPTIONS"]["init_command"]


def test_postgres_url(tmp_path):
    config = database("postgres://u:p%40ss@db.example:6543/helpline", tmp_path)
    assert config.vendor == "postgresql"
    assert (
        config.django["USER"],
        config.django["PASSWORD"],
        config.django["HOST"],
        config.django["PORT"],
        config.django["NAME"],
    ) == ("u", "p@ss", "db.example", "6543", "helpline")


def test_postgres_sessions_plan_without_parallel_workers_unless_told(tmp_path, monkeypatch):
    url = "postgres://u@db.example/helpline"
    assert database(url, tmp_path).django["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=0"
    monkeypatch.setenv("HELPLINE_DB_PARALLEL_WORKERS", "2")
    assert database(url, tmp_path).django["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=2"
    monkeypatch.setenv("HELPLINE_DB_PARALLEL_WORKERS", "")
    assert "options" not in database(url, tmp_path).django["OPTIONS"]
    monkeypatch.setenv("HELPLINE_DB_PARALLEL_WORKERS", "many")
    with pytest.raises(ConfigurationError, match="HELPLINE_DB_PARALLEL_WORKERS 'many' is not a whole number"):
        database(url, tmp_path)


@pytest.mark.django_db
def test_the_connection_carries_the_session_setting():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL session setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host", "sqlite://"])
def test_bad_database_urls(tmp_path, url):
    with pytest.raises(ConfigurationError):
        database(url, tmp_path)


def test_redis_url():
    assert redis_url("") is None
    assert redis_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    with pytest.raises(ConfigurationError):
        redis_url("memcached://x")


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("HELPLINE_SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) > 40
    assert secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("HELPLINE_SECRET_KEY", "from-env")
    assert secret_key(tmp_path) == "from-env"
