"""The `helpline` command as an operator runs it: real processes, a throw-away SQLite data dir."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

HELPLINE = str(Path(sys.executable).with_name("helpline"))


def run(args, data_dir, **env):
    full_env = {
        **os.environ,
        "HELPLINE_DATA_DIR": str(data_dir),
        "HELPLINE_DATABASE_URL": "",
        "HELPLINE_REDIS_URL": "",
        **env,
    }
    return subprocess.run([HELPLINE, *args], capture_output=True, text=True, env=full_env, timeout=120)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli")
    assert run(["migrate"], path).returncode == 0
    return path


def test_account_and_apikey_create(data_dir):
    created = run(
        ["account", "create", "--slug", "shop", "--name", "Shop", "--owner-email", "o@shop.test", "--plan", "small"],
        data_dir,
    )
    assert created.returncode == 0, created.stderr
    lines = created.stdout.strip().splitlines()
    assert lines[0] == "Account shop created; owner o@shop.test"
    assert len(lines[1]) == 16
    key = run(["apikey", "create", "--account", "shop", "--name", "zapier"], data_dir)
    assert key.returncode == 0
    assert key.stdout.startswith("hl_") and key.stdout.count("\n") == 1
    duplicate = run(["account", "create", "--slug", "shop", "--name", "x", "--owner-email", "x@x.test"], data_dir)
    assert duplicate.returncode == 2
    assert duplicate.stderr == "helpline: An account with the slug shop exists already.\n"
    missing = run(["apikey", "create", "--account", "nope"], data_dir)
    assert (missing.returncode, missing.stderr) == (2, "helpline: no account with slug 'nope'\n")


def test_demo_is_idempotent(data_dir):
    first = run(["demo"], data_dir)
    second = run(["demo"], data_dir)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert "Owner login:  owner@demo.helpline.test" in first.stdout
    count = run(
        [
            "manage",
            "shell",
            "--no-imports",
            "-c",
            "from helpline.conversations.models import Ticket as T; print(T.objects.filter(account__slug='demo').count())",  # noqa: E501
        ],
        data_dir,
    )
    assert count.stdout.strip() == "50"
    mailbox = run(
        [
            "manage",
            "shell",
            "--no-imports",
            "-c",
            "from helpline.channels.email.models import Mailbox as M; print(list(M.objects.values_list('address', flat=True)))",  # noqa: E501
        ],
        data_dir,
    )
    assert mailbox.stdout.strip() == "['support@demo.helpline.test']"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HELPLINE_DATABASE_URL": "mysql://x/y"}, "helpline: HELPLINE_DATABASE_URL scheme 'mysql' is not supported"),
        (
            {"HELPLINE_DATABASE_URL": "postgres://postgres@127.0.0.1:1/nope"},
            "helpline: cannot connect to the database at 127.0.0.1:1/nope: ",
        ),
        ({"HELPLINE_REDIS_URL": "redis://127.0.0.1:1/0"}, "helpline: cannot reach Redis at redis://127.0.0.1:1/0: "),
        ({"HELPLINE_REDIS_URL": "http://x"}, "helpline: HELPLINE_REDIS_URL 'http://x' must start with redis://"),
    ],
)
def test_bad_service_urls_fail_with_one_line(tmp_path, env, expected):
    result = run(["serve", "--port", "1"], tmp_path, **env)
    assert result.returncode == 2
    assert result.stderr.startswith(expected)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
