"""The GitHub Action's run step (action.yml): run `interopcheck check` with the action's inputs, then
print the annotations, set the `verdict`, `score`, `exit-code` and `report-dir` outputs, and exit with
interopcheck's own exit code (1 fails the job, 3 fails it as incomplete).

Inputs come as environment variables (`INPUT_SPEC`, `INPUT_BASE_URL`, ... mapped by action.yml), so a
value is never pasted into shell code. Secrets travel only in environment variables: the action is
given the *name* of the variable holding the client secret or token, never the value. Standard
library only, and runs with the Python interopcheck was installed into, so it can be run and tested
outside GitHub with the same environment GitHub provides.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path


def _input(name: str, default: str = "") -> str:
    """An action input, as action.yml maps it to INPUT_<NAME> (dashes as underscores)."""
    return os.environ.get("INPUT_" + name.upper().replace("-", "_"), "").strip() or default


def _items(value: str) -> list[str]:
    """A list input: one item per line or comma-separated."""
    return [item.strip() for item in re.split(r"[\n,]", value) if item.strip()]


def _on(name: str, default: bool) -> bool:
    value = _input(name).lower()
    return default if not value else value in ("true", "yes", "1", "on")


def build_args(output_dir: str) -> list[str]:
    """The `interopcheck check` command line the inputs describe."""
    spec = _input("spec")
    if not spec:
        raise ValueError("the `spec` input is required (a path in the repository or a URL)")
    formats = list(dict.fromkeys(["json", *_items(_input("formats", "json,md,html,sarif")), "github"]))
    args = ["check", "--spec", spec, "--profile", _input("profile", "housing"),
            "--output-dir", output_dir, "--format", ",".join(formats)]
    for overlay in _items(_input("overlays")):
        args += ["--overlay", overlay]
    optional = {"declaration": "--declaration", "base-url": "--base-url", "token-url": "--token-url",
                "client-id": "--client-id", "token-env": "--token-env", "scope": "--scope",
                "standards-year": "--standards-year"}
    for name, flag in optional.items():
        if _input(name):
            args += [flag, _input(name)]
    if _items(_input("modules")):
        args += ["--require-modules", ",".join(_items(_input("modules")))]
    if _input("client-id"):
        args += ["--client-secret-env", _input("client-secret-env", "INTEROPCHECK_CLIENT_SECRET")]
    summary = _on("step-summary", True) and bool(os.environ.get("GITHUB_STEP_SUMMARY"))
    args.append("--step-summary" if summary else "--no-step-summary")
    return args + shlex.split(_input("args"))


def _set_outputs(values: dict[str, str]) -> None:
    """Append `name=value` lines to $GITHUB_OUTPUT (values are single-line by construction)."""
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        handle.write("".join(f"{k}={v}\n" for k, v in values.items()))


def main() -> int:
    """Run the check, publish what it found, and return its exit code."""
    output_dir = _input("output-dir", "interopcheck-reports")
    try:
        args = build_args(output_dir)
    except ValueError as exc:  # a bad input, like interopcheck's own exit 2
        print(f"::error title=interopcheck::{exc}")
        _set_outputs({"exit-code": "2", "report-dir": output_dir})
        return 2
    print("interopcheck " + shlex.join(args), file=sys.stderr)
    code = subprocess.run([sys.executable, "-m", "interopcheck", *args], check=False).returncode
    folder = Path(output_dir)
    outputs = {"exit-code": str(code), "report-dir": output_dir}
    report_file = folder / "report.json"
    # First, since GitHub shows only the first 10 error annotations of a step.
    if code == 3:
        print("::error title=interopcheck::The verdict is incomplete: at least one MUST could not be decided "
              "(no sandbox given, sandbox unreachable, or a check errored); see the report.")
    elif code in (2, 4):
        print(f"::error title=interopcheck::interopcheck stopped with exit code {code} (see the log above).")
    if code in (0, 1, 3) and report_file.exists():  # 2 and 4 write no report: an older one must not speak for this run
        report = json.loads(report_file.read_text(encoding="utf-8"))
        outputs.update(verdict=report["verdict"], score=str(report["score"]["value"]))
        if _on("annotations", True):
            sys.stdout.write((folder / "report.github.txt").read_text(encoding="utf-8"))
    _set_outputs(outputs)
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
