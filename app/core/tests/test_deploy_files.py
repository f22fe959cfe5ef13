"""commands.json, the Dockerfile and requirements.txt agree with each other and with the code.

The Terraform and CDK stacks read commands.json, so a command that does not match what the
app provides would only show up as a crash-looping ECS task.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from typing import Any

from django.core.management import get_commands
from django.test import SimpleTestCase
from django.urls import resolve

from config import env
from core import views
from core.tests.support import APP_DIR


def load_commands() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((APP_DIR / "commands.json").read_text())
    return data


def dockerfile_lines() -> list[str]:
    return (APP_DIR / "Dockerfile").read_text().splitlines()


def names_settings_read() -> set[str]:
    """Every environment variable name ``config/settings.py`` reads.

    A name is the literal first argument of ``os.environ.get(...)``, or the literal that
    follows ``os.environ`` in a call to a ``config.env`` reader.
    """
    tree = ast.parse((APP_DIR / "config" / "settings.py").read_text())
    names = set(env.POSTGRES_VARS)  # read inside env.database()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if ast.unparse(node.func) == "os.environ.get":
            candidates = node.args[:1]
        else:
            environ = [i for i, arg in enumerate(node.args) if ast.unparse(arg) == "os.environ"]
            candidates = node.args[environ[0] + 1 : environ[0] + 2] if environ else []
        for arg in candidates:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.add(arg.value)
    return names


class CommandsFileTests(SimpleTestCase):
    def test_components_are_the_four_ecs_components(self) -> None:
        self.assertEqual(
            sorted(load_commands()["commands"]), ["backend-update", "beat", "web", "worker"]
        )

    def test_every_command_is_a_list_of_strings(self) -> None:
        for component, command in load_commands()["commands"].items():
            self.assertIsInstance(command, list, component)
            self.assertTrue(command and all(isinstance(arg, str) for arg in command), component)

    def test_web_serves_the_wsgi_app_on_the_container_port(self) -> None:
        data = load_commands()
        web = data["commands"]["web"]
        self.assertEqual(web[:2], ["gunicorn", "config.wsgi:application"])
        self.assertEqual(web[web.index("--bind") + 1], f"0.0.0.0:{data['container_port']}")
        self.assertEqual(data["container_port"], 8000)

    def test_celery_components_load_this_project(self) -> None:
        commands = load_commands()["commands"]
        self.assertEqual(commands["worker"][:4], ["celery", "-A", "config", "worker"])
        self.assertEqual(commands["beat"][:4], ["celery", "-A", "config", "beat"])
        # The container runs as a non-root user in a read-only /app: beat's state goes to /tmp.
        beat = commands["beat"]
        self.assertTrue(beat[beat.index("--schedule") + 1].startswith("/tmp/"))

    def test_backend_update_runs_pre_update(self) -> None:
        command = load_commands()["commands"]["backend-update"]
        self.assertEqual(command, ["python", "manage.py", "pre_update"])
        self.assertEqual(get_commands()["pre_update"], "core")

    def test_paths_are_the_apps_endpoints(self) -> None:
        data = load_commands()
        self.assertIs(resolve(data["health_check_path"]).func, views.health_check)
        self.assertIs(resolve(data["version_path"]).func, views.version)

    def test_environment_lists_exactly_what_settings_read(self) -> None:
        self.assertEqual(set(load_commands()["environment"]), names_settings_read())


class DockerfileTests(SimpleTestCase):
    def test_default_command_is_the_web_command(self) -> None:
        cmd = [line for line in dockerfile_lines() if line.startswith("CMD ")]
        self.assertEqual(len(cmd), 1)
        self.assertEqual(
            json.loads(cmd[0].removeprefix("CMD ")), load_commands()["commands"]["web"]
        )

    def test_base_image_port_user_and_version(self) -> None:
        lines = dockerfile_lines()
        self.assertIn("FROM python:3.11-slim", lines)
        self.assertIn(f"EXPOSE {load_commands()['container_port']}", lines)
        self.assertIn("ENV APP_VERSION=${APP_VERSION}", lines)
        self.assertTrue(any(re.fullmatch(r"ARG APP_VERSION(=\S+)?", line) for line in lines))
        users = [line.split()[1] for line in lines if line.startswith("USER ")]
        self.assertEqual(len(users), 1)
        self.assertNotIn(users[0], {"root", "0"})
        self.assertIn("RUN pip install -r requirements.txt", lines)


class RequirementsTests(SimpleTestCase):
    def pins(self) -> dict[str, str]:
        pins = {}
        for line in (APP_DIR / "requirements.txt").read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                name, _, version = line.partition("==")
                pins[name.split("[", 1)[0].lower()] = version
        return pins

    def test_every_requirement_is_pinned_exactly(self) -> None:
        pins = self.pins()
        self.assertTrue({"django", "gunicorn", "celery", "redis", "psycopg"} <= set(pins))
        for name, version in pins.items():
            self.assertRegex(version, r"^\d+(\.\d+)+$", name)

    def test_app_pins_match_the_projects_app_dependency_group(self) -> None:
        pyproject = APP_DIR.parent / "pyproject.toml"
        if not pyproject.exists():
            self.skipTest("app/ outside its repository: no pyproject.toml to compare with")
        group = tomllib.loads(pyproject.read_text())["dependency-groups"]["app"]
        pins = self.pins()
        for requirement in group:
            name, _, version = requirement.partition("==")
            self.assertEqual(pins.get(name.lower()), version, name)
