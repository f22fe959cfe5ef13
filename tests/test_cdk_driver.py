"""The CDK driver without the CLI: parsing recorded CLI output, and the driver's own logic
(synthesize once per input set, timings, errors) against a fake CLI and an in-process moto.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from moto import mock_aws

from harness.drivers import cdk, cdk_output
from harness.drivers.base import AppSettings
from harness.endpoint import Endpoint, Target
from harness.errors import CommandError
from harness.process import Completed
from harness.records import Strategy

FIXTURES = Path(__file__).parent / "fixtures" / "cdk"


def recorded(name: str) -> Completed:
    """A recorded CLI run: ``# argv``, ``# exit``, then ``# stdout:`` and ``# stderr:`` sections."""
    text = (FIXTURES / name).read_text()
    head, _, rest = text.partition("# stdout:\n")
    stdout, _, stderr = rest.partition("# stderr:\n")
    fields = dict(line[2:].split(": ", 1) for line in head.splitlines())
    return Completed(tuple(fields["argv"].split()), int(fields["exit"]), stdout, stderr, 1.5)


def output(name: str) -> str:
    done = recorded(name)
    return done.stdout + done.stderr


# -- parsing ---------------------------------------------------------------------------------
def test_diff_lists_the_replaced_task_definitions_by_logical_id() -> None:
    text = output("diff-image-changed.txt")
    assert cdk_output.stacks_with_differences(text) == 1
    assert cdk_output.diff_logical_ids(text) == (
        "WebTaskDefinitionD1709B1C",
        "WorkerTaskDefinitionC7EEADA6",
        "BeatTaskDefinition6A281E56",
        "BackendUpdateTaskDefinition603357A9",
    )


def test_diff_without_differences() -> None:
    text = output("diff-no-differences.txt")
    assert cdk_output.stacks_with_differences(text) == 0
    assert cdk_output.diff_logical_ids(text) == ()


def test_diff_line_forms_path_optional_impact_optional_colours_stripped() -> None:
    text = "\n".join(
        [
            "\x1b[33m[~]\x1b[39m \x1b[36mAWS::ECS::Service\x1b[39m Web/Service/Service WebServiceD04B5F3E",
            "[+] AWS::Logs::LogGroup NewLogs12AB",
            "[-] AWS::IAM::Role Old/Role OldRole99 destroy",
            "[~] AWS::ECS::TaskDefinition TaskDef1 may be replaced",
            " └─ [~] ContainerDefinitions (requires replacement)",
            "│ + │ ${Role.Arn} │ Allow │ sts:AssumeRole │",
        ]
    )
    assert cdk_output.diff_logical_ids(text) == (
        "WebServiceD04B5F3E",
        "NewLogs12AB",
        "OldRole99",
        "TaskDef1",
    )


def test_a_failed_command_has_no_difference_count() -> None:
    assert cdk_output.stacks_with_differences(output("destroy-base-failed.txt")) is None


@pytest.mark.parametrize(
    ("name", "seconds", "skipped"),
    [
        ("deploy-created.txt", 1.21, False),
        ("deploy-updated.txt", 0.39, False),
        ("deploy-no-changes.txt", 0.0, True),
    ],
)
def test_deploy_output(name: str, seconds: float, skipped: bool) -> None:
    text = output(name)
    assert cdk_output.deployment_time_s(text) == seconds
    assert cdk_output.deploy_skipped(text) is skipped


def test_outputs_file_of_one_stack() -> None:
    doc = {"alpha-app": {"ClusterName": "alpha-cluster", "Port": 8000}, "dev-base": {"X": "y"}}
    assert cdk_output.stack_outputs(doc, "alpha-app") == {
        "ClusterName": "alpha-cluster",
        "Port": "8000",
    }
    assert cdk_output.stack_outputs(doc, "beta-app") == {}


def test_app_context_passes_every_knob_and_the_tag_verbatim() -> None:
    settings = AppSettings(
        "alpha", "dev", Strategy.PINNED, "1.dkr.ecr/x", "v2-running", 14, 120, (("A", "1"),)
    )
    assert cdk.app_context(settings) == {
        "base": "dev",
        "env": "alpha",
        "strategy": "pinned",
        "image_repository": "1.dkr.ecr/x",
        "image_tag": "v2-running",
        "log_retention_days": "14",
        "web_health_check_grace_s": "120",
        "web_environment": '{"A": "1"}',
        "web_desired_count": "1",
        "task_cpu": "256",
        "task_memory": "512",
        "web_service_name": "",
    }
    assert cdk.context_args({"b": "2", "a": "1"}) == ["-c", "a=1", "-c", "b=2"]


def test_the_security_group_rule_is_a_base_context_value() -> None:
    # a base-layer change: the base stack has the rule, the app's context never names it
    assert cdk.base_context("dev") == {"base": "dev", "app_ingress_cidr": ""}
    with_rule = cdk.base_context("dev", app_ingress_cidr="100.64.1.2/32")
    assert with_rule == {"base": "dev", "app_ingress_cidr": "100.64.1.2/32"}


def test_error_headline_is_the_clis_own_reason() -> None:
    failed = recorded("destroy-base-failed.txt")
    error = CommandError(failed.argv, 1, failed.stderr)
    message = cdk_output.error_headline(error)
    assert message.startswith("cdk exited with 1: ❌  dev-base: destroy failed")
    assert "DependencyViolation" in message


# -- the driver against a fake CLI -----------------------------------------------------------
class FakeCli:
    """Answers like the CLI from recorded output; writes what the real one would write."""

    version = "2.1148.1"

    def __init__(self, diff: str = "diff-no-differences.txt", fail: str | None = None) -> None:
        self.calls: list[list[str]] = []
        self.cwds: list[object] = []
        self.diff, self.fail = diff, fail
        self._lock = threading.Lock()

    def run(
        self,
        args: Sequence[str],
        endpoint: Endpoint,
        *,
        cwd: object = None,
        timeout: float = 0.0,
        extra_env: Mapping[str, str] | None = None,
        ok_codes: Collection[int] = (0,),
    ) -> Completed:
        args = list(args)
        with self._lock:  # the base's synthesis and the bootstrap run side by side
            self.calls.append(args)
            self.cwds.append(cwd)
        if self.fail == args[0]:
            failed = recorded("destroy-base-failed.txt")
            raise CommandError(["cdk", *args], 1, failed.stderr)
        if args[0] == "synth":
            outdir = Path(args[args.index("-o") + 1])
            outdir.mkdir(parents=True)
            (outdir / "manifest.json").write_text("{}")
            return Completed(tuple(args), 0, "", "Successfully synthesized", 2.0)
        if args[0] == "deploy":
            stack = args[3]
            outputs = Path(args[args.index("--outputs-file") + 1])
            outputs.write_text(json.dumps({stack: {"ClusterName": "alpha-cluster"}}))
            return recorded("deploy-created.txt")
        if args[0] == "diff":
            return recorded(self.diff)
        return recorded("destroy-app.txt")

    def verbs(self) -> list[str]:
        return [c[0] for c in self.calls]


@pytest.fixture
def moto_endpoint() -> Iterator[Endpoint]:
    with mock_aws():
        yield Endpoint(Target.EMBEDDED, None, engine="moto in-process")


def driver(tmp_path: Path, endpoint: Endpoint, cli: FakeCli) -> cdk.CdkDriver:
    return cdk.CdkDriver(tmp_path, endpoint, cli=cli, synthesizer="legacy")  # type: ignore[arg-type]


SETTINGS = AppSettings("alpha", "dev", Strategy.UNPINNED, "123.dkr.ecr/x", "v1")


def test_one_synthesis_per_input_set(tmp_path: Path, moto_endpoint: Endpoint) -> None:
    cli = FakeCli()
    d = driver(tmp_path, moto_endpoint, cli)
    first = d.deploy_app(SETTINGS)
    again = d.deploy_app(SETTINGS)
    d.drift_app(SETTINGS)
    d.deploy_app(SETTINGS.with_tag("v2"))
    assert cli.verbs() == ["synth", "deploy", "deploy", "diff", "synth", "deploy"]
    assert first.timings["synth"] > 0
    assert again.timings["synth"] == 0.0
    assert first.timings["deploy"] == 1.5
    assert first.timings["cloudformation"] == 1.21
    assert first.outputs == {"ClusterName": "alpha-cluster"}
    assert first.changed is True
    deploy = cli.calls[1]
    assert deploy[:5] == ["deploy", "--app", deploy[2], "alpha-app", "--exclusively"]
    assert {"--require-approval", "never", "--method=change-set", "--no-notices"} <= set(deploy)


def test_another_driver_on_the_same_workdir_reuses_the_assembly(
    tmp_path: Path, moto_endpoint: Endpoint
) -> None:
    cli = FakeCli()
    driver(tmp_path, moto_endpoint, cli).deploy_app(SETTINGS)
    driver(tmp_path, moto_endpoint, cli).destroy_app(SETTINGS)
    assert cli.verbs() == ["synth", "deploy", "destroy"]


def test_a_failed_synthesis_is_not_reused(tmp_path: Path, moto_endpoint: Endpoint) -> None:
    cli = FakeCli(fail="synth")
    with pytest.raises(cdk.CdkError):
        driver(tmp_path, moto_endpoint, cli).deploy_app(SETTINGS)
    cli.fail = None
    driver(tmp_path, moto_endpoint, cli).deploy_app(SETTINGS)
    assert cli.verbs() == ["synth", "synth", "deploy"]


def test_drift_reports_the_diff(tmp_path: Path, moto_endpoint: Endpoint) -> None:
    report = driver(tmp_path, moto_endpoint, FakeCli("diff-image-changed.txt")).drift_app(SETTINGS)
    assert report.drifted is True
    assert report.items[0] == "WebTaskDefinitionD1709B1C"
    assert len(report.items) == 4
    assert report.live is None  # plain moto has no drift detection: not checked, not "in sync"


def test_a_diff_that_failed_is_an_error_not_drift(tmp_path: Path, moto_endpoint: Endpoint) -> None:
    with pytest.raises(cdk.CdkError, match="cdk diff failed"):
        driver(tmp_path, moto_endpoint, FakeCli("destroy-base-failed.txt")).drift_app(SETTINGS)


def test_errors_carry_the_clis_message(tmp_path: Path, moto_endpoint: Endpoint) -> None:
    with pytest.raises(cdk.CdkError, match="DependencyViolation") as caught:
        driver(tmp_path, moto_endpoint, FakeCli(fail="destroy")).destroy_base("dev")
    assert caught.value.returncode == 1


def test_version_and_engine_say_what_ran(tmp_path: Path, moto_endpoint: Endpoint) -> None:
    d = driver(tmp_path, moto_endpoint, FakeCli())
    assert d.tool_version().startswith("aws-cdk 2.1148.1 (aws-cdk-lib ")
    assert d.engine() == "CloudFormation on moto in-process; legacy synthesizer"
    aws = cdk.CdkDriver(tmp_path, Endpoint(Target.AWS, None), cli=FakeCli())  # type: ignore[arg-type]
    assert aws.engine() == "AWS CloudFormation; default synthesizer"


def test_bootstrap_once_per_target_outside_the_app_directory(
    tmp_path: Path, moto_endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cdk, "_bootstrapped", set())
    cli = FakeCli()
    first = cdk.CdkDriver(tmp_path, moto_endpoint, cli=cli)  # type: ignore[arg-type]
    result = first.deploy_base("dev")
    cdk.CdkDriver(tmp_path, moto_endpoint, cli=cli).deploy_app(SETTINGS)  # type: ignore[arg-type]
    # the base's synthesis runs beside the bootstrap (either may start first), the deploy after
    verbs = cli.verbs()
    assert sorted(verbs[:2]) == ["bootstrap", "synth"]
    assert verbs[2:] == ["deploy", "synth", "deploy"]
    boot, synth = verbs.index("bootstrap"), verbs.index("synth")
    assert cli.calls[boot][1] == "aws://123456789012/us-east-1"
    assert cli.cwds[boot] == tmp_path
    assert cli.cwds[synth] == cdk.APP_DIR
    assert "bootstrap" in result.timings
