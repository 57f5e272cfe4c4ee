"""The one JSON document the helper writes (schema version 1; src/checks/document.ts reads it)."""
import json
import os
import sys
import time

SCHEMA_VERSION = 1
START = time.monotonic()


def log(*parts):
    print("[tldr-migrate-check]", *parts, file=sys.stderr, flush=True)


def elapsed_ms(since):
    return int(round((time.monotonic() - since) * 1000))


class Fatal(Exception):
    """A problem that stops the checks: reported in ``error``, exit 3."""


def empty_document():
    return {
        "v": SCHEMA_VERSION,
        "django": None,
        "settings": None,
        "checked": [],
        "unapplied": [],
        "conflicts": [],
        "missing": [],
        "findings": [],
        "observations": [],
        "sweptScratch": [],
        "reversibility": {"ran": False, "reason": "not requested"},
        "durationMs": 0,
    }


def public_findings(findings):
    """Findings without the keys the helper keeps for itself (``_…``)."""
    return [{k: v for k, v in f.items() if not k.startswith("_")} for f in findings]


def write_document(path, doc):
    doc["durationMs"] = elapsed_ms(START)
    doc["findings"] = public_findings(doc["findings"])
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1, default=str)
        fh.write("\n")
    os.replace(tmp, path)
