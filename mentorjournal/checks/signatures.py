"""What a signature covers, and whose signatures still match the agreement."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from mentorjournal.model import Document


@dataclass(frozen=True)
class SignatureState:
    valid: tuple[str, ...]
    stale: tuple[str, ...]
    missing: tuple[str, ...]


def agreement_digest(agreement: Document) -> str:
    """sha256 over the front matter without ``signatures`` (canonical JSON) and the body.

    Key order and YAML formatting do not matter; any value or body change does.
    """
    meta = {key: value for key, value in agreement.meta.items() if key != "signatures"}
    canonical = json.dumps(meta, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    body = "\n".join(line.rstrip() for line in agreement.body.strip().split("\n"))
    return "sha256:" + hashlib.sha256(f"{canonical}\n{body}".encode()).hexdigest()


def signature_state(agreement: Document) -> SignatureState:
    """Mentor and mentee must sign; anyone who signed is valid or stale by digest."""
    digest = agreement_digest(agreement)
    latest: dict[str, str] = {}
    entries = agreement.meta.get("signatures")
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("by"), str):
                latest[entry["by"]] = str(entry.get("digest", ""))
    valid = [handle for handle, signed in latest.items() if signed == digest]
    stale = [handle for handle, signed in latest.items() if signed != digest]
    missing = []
    for role in ("mentor", "mentee"):
        person = agreement.meta.get(role)
        handle = person.get("handle") if isinstance(person, dict) else None
        if isinstance(handle, str) and handle not in latest:
            missing.append(handle)
    return SignatureState(tuple(valid), tuple(stale), tuple(missing))
