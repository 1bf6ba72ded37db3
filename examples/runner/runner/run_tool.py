"""Skriptoteket example runner — runner contract v2.

The app starts one container of this image per tool run. Before the start it
fills a fresh per-run volume mounted at /work:

    /work/script.py             the tool script (defines run_tool)
    /work/input/                uploaded files
    /work/input/manifest.json   {"files": [{"name", "path", "bytes"}, ...]}
    /work/memory.json           {"settings": {...}}   (may be missing)
    /work/output/               artifacts the tool writes
    /work/result.json           written here, by this runner, at the end

Every path can be overridden with a SKRIPTOTEKET_* environment variable (see
DEFAULTS). The runner imports the script, calls
``run_tool(input_dir, output_dir)``, lists the artifacts and writes
result.json with all seven keys of contract v2: contract_version, status
(succeeded, failed or timed_out), error_summary, outputs, next_actions, state
and artifacts. Settings and the manifest are *not* passed as arguments: a
script reads SKRIPTOTEKET_MEMORY_PATH / SKRIPTOTEKET_INPUT_MANIFEST itself.

run_tool may return a dict with "outputs" and "next_actions" (lists of JSON
objects) and "state" (a JSON object, or None). When
SKRIPTOTEKET_TIME_LIMIT_SECONDS is set, a tool still running after that many
seconds is stopped and the run reported as timed_out.

Exit status: 0 whenever result.json was written (success or failure is in the
file), 2 only when result.json could not be written.

stdout belongs to the tool; the runner only writes human log lines to stderr.
Standard library only; works on Python 3.11+.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import stat
import sys
import traceback
from pathlib import PurePosixPath
from typing import Any

CONTRACT_VERSION = 2

DEFAULTS = {
    "SKRIPTOTEKET_SCRIPT_PATH": "/work/script.py",
    "SKRIPTOTEKET_INPUT_DIR": "/work/input",
    "SKRIPTOTEKET_INPUT_MANIFEST": "/work/input/manifest.json",
    "SKRIPTOTEKET_MEMORY_PATH": "/work/memory.json",
    "SKRIPTOTEKET_OUTPUT_DIR": "/work/output",
    "SKRIPTOTEKET_RESULT_PATH": "/work/result.json",
}

# Artifact paths in result.json are relative to /work, so they always start
# with this prefix whatever SKRIPTOTEKET_OUTPUT_DIR is called.
ARTIFACT_PREFIX = "output"

EXIT_NO_RESULT = 2
SUMMARY_MAX_CHARS = 500


class ToolError(Exception):
    """A problem the runner reports as a failed run (not a crash)."""


class ToolTimedOut(BaseException):
    """The tool ran past SKRIPTOTEKET_TIME_LIMIT_SECONDS (a BaseException, so a tool's `except Exception` cannot swallow it)."""


def time_limit_seconds() -> int | None:
    value = os.environ.get("SKRIPTOTEKET_TIME_LIMIT_SECONDS", "")
    if not value:
        return None
    try:
        seconds = int(value)
    except ValueError:
        raise ToolError(f"SKRIPTOTEKET_TIME_LIMIT_SECONDS must be a whole number of seconds, got {value!r}") from None
    return seconds if seconds > 0 else None


def setting(name: str) -> str:
    value = os.environ.get(name, "")
    return value if value else DEFAULTS[name]


def log(message: str) -> None:
    print(f"runner: {message}", file=sys.stderr, flush=True)


def one_line(exc: BaseException) -> str:
    """`ExceptionType: message` squeezed onto one bounded line."""
    message = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    if len(text) > SUMMARY_MAX_CHARS:
        text = text[: SUMMARY_MAX_CHARS - 3] + "..."
    return text


# --------------------------------------------------------------------------
# running the script
# --------------------------------------------------------------------------


def load_script(script_path: str) -> Any:
    if not os.path.isfile(script_path):
        raise ToolError(f"script not found: {script_path}")
    # Behave like `python3 script.py`: the script's own directory (not the
    # runner's) is first on sys.path, so sibling helper modules import.
    sys.path[0] = os.path.dirname(os.path.abspath(script_path))
    spec = importlib.util.spec_from_file_location("skriptoteket_tool", script_path)
    if spec is None or spec.loader is None:
        raise ToolError(f"cannot load script: {script_path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def plain_json(value: Any, what: str) -> Any:
    try:
        # Round-trip: the result file must hold plain JSON only.
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ToolError(f"{what} are not JSON-serializable: {exc}") from None


def object_list(returned: dict[str, Any], key: str) -> list[Any]:
    items = returned.get(key, [])
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(o, dict) for o in items):
        raise ToolError(f"run_tool()['{key}'] must be a list of JSON objects")
    return plain_json(items, key)


def call_tool(module: Any, input_dir: str, output_dir: str) -> dict[str, Any]:
    """The tool's outputs, next_actions and state, checked to be what contract v2 allows."""
    run_tool = getattr(module, "run_tool", None)
    if not callable(run_tool):
        raise ToolError("script does not define run_tool(input_dir, output_dir)")
    returned = run_tool(input_dir, output_dir)
    if returned is None:
        returned = {}
    if not isinstance(returned, dict):
        raise ToolError(
            f"run_tool must return a dict or None, got {type(returned).__name__}"
        )
    state = returned.get("state")
    if state is not None and not isinstance(state, dict):
        raise ToolError(f"run_tool()['state'] must be a JSON object or None, got {type(state).__name__}")
    return {
        "outputs": object_list(returned, "outputs"),
        "next_actions": object_list(returned, "next_actions"),
        "state": None if state is None else plain_json(state, "state"),
    }


# --------------------------------------------------------------------------
# artifacts
# --------------------------------------------------------------------------


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def list_artifacts(output_dir: str) -> list[dict[str, Any]]:
    """Every regular file under output_dir as {"path": "output/...", "bytes": n}.

    Symlinks are followed only if they stay inside the output dir; one that
    points outside makes the run fail. Other special files (FIFOs, sockets,
    devices) are ignored with a note on stderr.
    """
    if not os.path.lexists(output_dir):
        return []
    if os.path.islink(output_dir) or not os.path.isdir(output_dir):
        raise ToolError("output directory was replaced by a symlink or a file")
    root = os.path.realpath(output_dir)
    artifacts: list[dict[str, Any]] = []

    for dirpath, dirnames, filenames in os.walk(output_dir, followlinks=False):
        for name in sorted(dirnames) + sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, output_dir)
            shown = f"{ARTIFACT_PREFIX}/{rel}"
            try:
                shown.encode("utf-8")
            except UnicodeEncodeError:
                raise ToolError(
                    f"artifact name is not valid UTF-8: {shown.encode('utf-8', 'replace').decode()}"
                ) from None
            parts = PurePosixPath(rel).parts
            if rel.startswith("/") or ".." in parts or "\n" in rel:
                raise ToolError(f"artifact path not allowed: {shown!r}")

            info = os.lstat(full)
            if stat.S_ISLNK(info.st_mode):
                target = os.path.realpath(full)
                if not _inside(target, root):
                    raise ToolError(
                        f"artifact symlink points outside the output dir: {shown}"
                    )
                if name in dirnames or not os.path.isfile(target):
                    continue  # links to dirs inside output: files are listed anyway
                artifacts.append({"path": shown, "bytes": os.stat(target).st_size})
            elif stat.S_ISREG(info.st_mode):
                artifacts.append({"path": shown, "bytes": info.st_size})
            elif not stat.S_ISDIR(info.st_mode):
                log(f"ignoring non-regular file in output: {shown}")

    artifacts.sort(key=lambda a: a["path"])
    return artifacts


# --------------------------------------------------------------------------
# result.json
# --------------------------------------------------------------------------


def write_result(result_path: str, result: dict[str, Any]) -> None:
    """Write atomically (temp file + rename) so the app never reads half a file."""
    tmp = f"{result_path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    os.replace(tmp, result_path)


def main() -> int:
    script_path = setting("SKRIPTOTEKET_SCRIPT_PATH")
    input_dir = setting("SKRIPTOTEKET_INPUT_DIR")
    output_dir = setting("SKRIPTOTEKET_OUTPUT_DIR")
    result_path = setting("SKRIPTOTEKET_RESULT_PATH")

    log(f"contract v{CONTRACT_VERSION}, uid={os.getuid()}, script={script_path}")

    # A result left over from an earlier run must never be mistaken for ours.
    if os.path.lexists(result_path):
        try:
            os.remove(result_path)
        except OSError as exc:
            log(f"cannot remove stale result file: {one_line(exc)}")

    status = "succeeded"
    error_summary: str | None = None
    returned: dict[str, Any] = {"outputs": [], "next_actions": [], "state": None}

    def out_of_time(_signum: int, _frame: Any) -> None:
        raise ToolTimedOut()

    limit: int | None = None
    try:
        try:
            os.makedirs(output_dir, exist_ok=True)
        except OSError as exc:
            raise ToolError(f"cannot create output dir {output_dir}: {exc.strerror}") from None
        limit = time_limit_seconds()
        module = load_script(script_path)
        if limit is not None:
            signal.signal(signal.SIGALRM, out_of_time)
            signal.alarm(limit)
        try:
            returned = call_tool(module, input_dir, output_dir)
        finally:
            signal.alarm(0)
    except ToolTimedOut:
        status, error_summary = "timed_out", f"the tool ran longer than {limit} s and was stopped"
    except ToolError as exc:
        status, error_summary = "failed", " ".join(str(exc).split())
    except SystemExit as exc:
        # sys.exit() / sys.exit(0) inside a tool counts as a normal finish.
        if exc.code not in (None, 0):
            status, error_summary = "failed", f"SystemExit: {exc.code}"
    except BaseException as exc:  # noqa: BLE001 - report everything, incl. KeyboardInterrupt
        traceback.print_exc(file=sys.stderr)
        status, error_summary = "failed", one_line(exc)
    finally:
        sys.stdout.flush()

    artifacts: list[dict[str, Any]] = []
    try:
        artifacts = list_artifacts(output_dir)
    except ToolError as exc:
        status, error_summary = "failed", str(exc)
        artifacts = []
    except OSError as exc:
        status, error_summary = "failed", f"cannot list artifacts: {one_line(exc)}"
        artifacts = []

    succeeded = status == "succeeded"
    result = {
        "contract_version": CONTRACT_VERSION,
        "status": status,
        "error_summary": error_summary,
        "outputs": returned["outputs"] if succeeded else [],
        "next_actions": returned["next_actions"] if succeeded else [],
        "state": returned["state"] if succeeded else None,
        "artifacts": artifacts,
    }
    try:
        write_result(result_path, result)
    except OSError as exc:
        log(f"could not write {result_path}: {exc.strerror or one_line(exc)}")
        if error_summary:
            log(f"run status was {status}: {error_summary}")
        log("no result written; the app must mount a writable per-run volume at /work")
        return EXIT_NO_RESULT

    summary = f"status={status}, outputs={len(result['outputs'])}, artifacts={len(artifacts)}"
    if error_summary:
        summary += f", error: {error_summary}"
    log(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
