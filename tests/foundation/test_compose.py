"""The compose file describes the stack the settings expect."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tracker import settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_the_stack_has_its_five_services_and_the_migration_step():
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(SERVICES)


def test_postgres_keeps_its_data_in_a_volume_and_has_a_healthcheck():
    postgres = SERVICES["postgres"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])


def test_web_worker_and_beat_share_one_image_built_from_the_dockerfile():
    assert (ROOT / "Dockerfile").exists()
    for name in ("web", "worker", "beat", "migrate"):
        assert SERVICES[name]["build"] == "."
        assert SERVICES[name]["image"] == "forecast-tracker"


def test_commands_are_real_entry_points():
    assert SERVICES["web"]["command"][:2] == ["gunicorn", "tracker.wsgi"]
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "tracker", "worker"]
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "tracker", "beat"]
    assert "migrate" in SERVICES["migrate"]["command"][-1]


def test_migrations_run_before_the_web_starts():
    depends = SERVICES["web"]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_environment_names_are_the_ones_the_settings_read():
    read_by_settings = set(
        re.findall(
            r'env_\w+\(\s*"([A-Z_]+)"', (ROOT / "tracker/settings.py").read_text()
        )
    )
    for name in ("web", "worker", "beat"):
        assert set(SERVICES[name]["environment"]) <= read_by_settings
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"} <= read_by_settings
    assert settings.WSGI_APPLICATION == "tracker.wsgi.application"


SECRETS = {"SECRET_KEY": "k" * 10 + "ey-for-the-check", "POSTGRES_PASSWORD": "pw"}


def compose_config(**variables: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **variables},
        cwd="/",  # no .env file beside it
    )


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose missing")
def test_docker_compose_validates_the_file():
    result = compose_config(**SECRETS)

    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose missing")
@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_docker_compose_refuses_to_start_without_a_secret_naming_it(missing):
    result = compose_config(**{k: v for k, v in SECRETS.items() if k != missing})

    assert result.returncode != 0
    assert missing in result.stderr


def test_the_compose_file_holds_no_secret():
    text = (ROOT / "docker-compose.yml").read_text()
    for service in COMPOSE["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if "PASSWORD" in name or "SECRET" in name:
                assert str(value).startswith("${") and ":?" in str(value), name
    assert "tracker:tracker@" not in text
