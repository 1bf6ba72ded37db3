"""Example tool: print one line per second, for testing log streaming.

The number of ticks comes from the saved settings (`ticks`, default 5),
read from SKRIPTOTEKET_MEMORY_PATH like any other tool would.
"""

import json
import os
import time


def ticks_setting(default: int = 5) -> int:
    path = os.environ.get("SKRIPTOTEKET_MEMORY_PATH", "/work/memory.json")
    try:
        with open(path, encoding="utf-8") as fh:
            value = json.load(fh).get("settings", {}).get("ticks", default)
        return max(0, int(value))
    except (FileNotFoundError, AttributeError, TypeError, ValueError):
        return default


def run_tool(input_dir: str, output_dir: str) -> dict:
    ticks = ticks_setting()
    for i in range(1, ticks + 1):
        print(f"tick {i}/{ticks}", flush=True)
        if i < ticks:
            time.sleep(1)
    return {"outputs": [{"kind": "markdown", "markdown": f"Ticked {ticks} time(s)."}]}
