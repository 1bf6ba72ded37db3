"""Example tool: list the uploaded files with their sizes.

Reads the manifest the app wrote (SKRIPTOTEKET_INPUT_MANIFEST, default
/work/input/manifest.json) and writes output/summary.txt with one
`name<TAB>bytes` line per file.
"""

import json
import os


def load_manifest() -> list:
    path = os.environ.get("SKRIPTOTEKET_INPUT_MANIFEST", "/work/input/manifest.json")
    try:
        with open(path, encoding="utf-8") as fh:
            manifest = json.load(fh)
    except FileNotFoundError:
        return []
    files = manifest.get("files") if isinstance(manifest, dict) else None
    return files if isinstance(files, list) else []


def run_tool(input_dir: str, output_dir: str) -> dict:
    files = load_manifest()
    total = 0
    lines = []
    for entry in files:
        name = entry.get("name", "?")
        size = entry.get("bytes")
        path = entry.get("path") or os.path.join(input_dir, name)
        if os.path.isfile(path):
            size = os.path.getsize(path)  # trust the file over the manifest
        size = int(size or 0)
        total += size
        lines.append(f"{name}\t{size}")

    with open(os.path.join(output_dir, "summary.txt"), "w", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))

    print(f"count_inputs: {len(files)} file(s), {total} bytes")
    return {
        "outputs": [
            {
                "kind": "markdown",
                "markdown": f"**{len(files)}** file(s), **{total}** bytes in total.",
            }
        ]
    }
