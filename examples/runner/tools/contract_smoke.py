"""Contract smoke tool: proves that settings and inputs reached the tool.

The contract smoke check copies this script in as /work/script.py, together
with saved settings and a couple of input files, and then reads back one
artifact, output/report.txt. Each line of the report is a fact the check can
compare against what it copied in:

    greeting=hej                      one `key=value` line per saved setting,
    language=sv                       sorted by key; `settings=none` if none
    input grades.csv 42 bytes ok      one line per manifest entry, in manifest
    input notes.txt 17 bytes ok       order; the verdict is `ok`, `missing` or
                                      `size-mismatch <actual size>`

Like every contract v2 tool it reads the settings and the manifest itself,
from the files named by SKRIPTOTEKET_MEMORY_PATH and
SKRIPTOTEKET_INPUT_MANIFEST (falling back to the default /work paths).

The tool never fails because something is missing: no memory file, a broken
memory file or a missing input only change what the report says. That is on
purpose: a runner that loses the settings must still produce a succeeded run
whose report simply lacks the `greeting=` line, so the check can tell *which*
part of the contract broke.

Standard library only; works on Python 3.11+.
"""

from __future__ import annotations

import json
import os
from typing import Any

DEFAULT_MEMORY_PATH = "/work/memory.json"
DEFAULT_MANIFEST_PATH = "/work/input/manifest.json"
REPORT_NAME = "report.txt"


def read_json(path: str) -> Any:
    """The parsed JSON at `path`, or None when the file is absent or unreadable."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        # OSError: missing file, a directory, no permission.
        # ValueError: not JSON / not UTF-8 (JSONDecodeError and
        # UnicodeDecodeError are both ValueErrors).
        return None


def load_settings() -> dict[str, Any]:
    """Saved settings from {"settings": {...}}; anything else means no settings."""
    path = os.environ.get("SKRIPTOTEKET_MEMORY_PATH") or DEFAULT_MEMORY_PATH
    memory = read_json(path)
    settings = memory.get("settings") if isinstance(memory, dict) else None
    return settings if isinstance(settings, dict) else {}


def load_manifest() -> list[dict[str, Any]]:
    """The manifest's file entries; entries that are not objects are skipped."""
    path = os.environ.get("SKRIPTOTEKET_INPUT_MANIFEST") or DEFAULT_MANIFEST_PATH
    manifest = read_json(path)
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list):
        return []
    return [entry for entry in files if isinstance(entry, dict)]


def format_value(value: Any) -> str:
    """Plain strings as they are (`greeting=hej`), everything else as compact JSON.

    A string that would break the one-line-per-setting layout is JSON-quoted too.
    """
    if isinstance(value, str) and value.isprintable():
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def candidate_paths(entry: dict[str, Any], input_dir: str) -> list[str]:
    """Where the file of one manifest entry may be, most specific first.

    `path` is normally absolute (/work/input/grades.csv). A relative `path`
    is tried against the work dir (the parent of the input dir) and against
    the input dir itself; the input dir plus `name` is the last resort.
    """
    candidates = []
    path = entry.get("path")
    if isinstance(path, str) and path:
        if os.path.isabs(path):
            candidates.append(path)
        else:
            candidates.append(os.path.join(os.path.dirname(input_dir.rstrip("/")), path))
            candidates.append(os.path.join(input_dir, path))
    name = entry.get("name")
    if isinstance(name, str) and name:
        candidates.append(os.path.join(input_dir, name))
    return candidates


def check_input(entry: dict[str, Any], input_dir: str) -> tuple[str, bool]:
    """The report line for one manifest entry, and whether it was `ok`."""
    name = entry.get("name") or os.path.basename(str(entry.get("path", ""))) or "?"
    listed = entry.get("bytes")
    prefix = f"input {format_value(name)} {format_value(listed)} bytes"

    found = next((p for p in candidate_paths(entry, input_dir) if os.path.isfile(p)), None)
    if found is None:
        return f"{prefix} missing", False
    actual = os.path.getsize(found)
    # bool is an int subclass; `true` in the manifest is not a byte count.
    if isinstance(listed, bool) or not isinstance(listed, int) or actual != listed:
        return f"{prefix} size-mismatch {actual}", False
    return f"{prefix} ok", True


def run_tool(input_dir: str, output_dir: str) -> dict[str, Any]:
    settings = load_settings()
    entries = load_manifest()

    lines = [f"{key}={format_value(settings[key])}" for key in sorted(settings)]
    if not settings:
        lines.append("settings=none")

    ok_count = 0
    for entry in entries:
        line, ok = check_input(entry, input_dir)
        lines.append(line)
        ok_count += ok
    if not entries:
        lines.append("inputs=none")

    # The runner creates output_dir before calling us; makedirs is a cheap
    # guard for running the tool by hand.
    os.makedirs(output_dir, exist_ok=True)
    with open(os.path.join(output_dir, REPORT_NAME), "w", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))

    summary = (
        f"Contract smoke: {len(settings)} setting(s), "
        f"{ok_count}/{len(entries)} input(s) ok. See `output/{REPORT_NAME}`."
    )
    print(summary)  # stdout is the tool's log, streamed by the app
    return {"outputs": [{"kind": "markdown", "markdown": summary}]}
