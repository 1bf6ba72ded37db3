"""Example tool: show the settings the app saved for this tool.

Settings are not passed as arguments. Like every tool under runner contract
v2, this script reads them itself from the file named by
SKRIPTOTEKET_MEMORY_PATH (default /work/memory.json): {"settings": {...}}.
"""

import json
import os


def load_settings() -> dict:
    path = os.environ.get("SKRIPTOTEKET_MEMORY_PATH", "/work/memory.json")
    try:
        with open(path, encoding="utf-8") as fh:
            memory = json.load(fh)
    except FileNotFoundError:
        return {}
    settings = memory.get("settings") if isinstance(memory, dict) else None
    return settings if isinstance(settings, dict) else {}


def run_tool(input_dir: str, output_dir: str) -> dict:
    settings = load_settings()

    lines = [f"{key}={json.dumps(settings[key], ensure_ascii=False)}" for key in sorted(settings)]
    with open(os.path.join(output_dir, "settings.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + ("\n" if lines else ""))

    print(f"echo_settings: {len(settings)} setting(s)")

    if settings:
        rows = "\n".join(f"| `{key}` | `{json.dumps(settings[key], ensure_ascii=False)}` |" for key in sorted(settings))
        markdown = "| setting | value |\n| --- | --- |\n" + rows
    else:
        markdown = "_No settings saved._"
    return {
        "outputs": [
            {"kind": "markdown", "markdown": markdown},
            {"kind": "json", "title": "settings", "value": settings},
        ]
    }
