"""The production shape: settings, health check, security headers, docker-compose."""

import os
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_overrides: dict) -> subprocess.CompletedProcess:
    unwanted = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "copsite.settings.base"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_deploy_check_reports_nothing_with_production_settings():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env_overrides={
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "copsite.example",
            "SITE_URL": "https://copsite.example",
        },
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env_overrides={"DEBUG": "0", "ALLOWED_HOSTS": "copsite.example"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_health_answers_200_when_the_database_works(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["checks"]["database"] is True


@pytest.mark.django_db
def test_health_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from copsite import views

    monkeypatch.setattr(views, "_database_ok", lambda: False)
    assert client.get(reverse("health")).status_code == 503


@pytest.mark.django_db
def test_health_answers_503_when_redis_is_configured_but_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    assert client.get(reverse("health")).status_code == 503


@pytest.mark.django_db
def test_pages_carry_security_headers_and_a_csp_without_inline_scripts(client):
    response = client.get(reverse("communities:directory"))
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode()


def test_the_theme_picks_readable_header_text_for_the_brand_colour(client, settings):
    settings.COPSITE_BRAND_COLOUR = "#ffdd00"
    assert "--copsite-brand-text: #0b0c0c" in client.get(reverse("theme-css")).content.decode()
    settings.COPSITE_BRAND_COLOUR = "#1d5c63"
    assert "--copsite-brand-text: #ffffff" in client.get(reverse("theme-css")).content.decode()


def test_docker_compose_runs_the_projects_real_commands():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    web = services["web"]["command"]
    assert "gunicorn copsite.wsgi:application" in web and "manage.py migrate" in web
    for name in ("worker", "beat"):
        argv = shlex.split(services[name]["command"])
        assert argv[:3] == ["celery", "-A", "copsite"] and argv[3] == name
    assert shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert shutil.which("celery", path=str(Path(sys.executable).parent))
    from copsite.celery import app
    from copsite.wsgi import application

    assert application is not None and app.main == "copsite"


def test_the_celery_app_finds_the_tasks_and_the_beat_schedule():
    from django.conf import settings

    from copsite.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
