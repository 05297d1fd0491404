"""`golive secret scan`: are the integration's credentials in its code or config?

Two searches over every file under the given paths:

- the session's actual secrets, byte for byte (those golive can resolve without asking: the
  environment variables and the keyring), also in their URL-encoded form;
- the usual credential shapes, by detect-secrets' maintained default plugin set (AWS keys,
  private keys, tokens, high-entropy strings, `password = ...`). A line marked
  `# pragma: allowlist secret` is accepted, as detect-secrets documents.

A finding names the file, the line and what it looks like; never the value, never a part of it.
A clean scan is the evidence for `credentials.vault`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from golive.session.errors import BadInputError, GoliveError

if TYPE_CHECKING:
    from golive.session.evidence import EvidenceRecord
    from golive.session.model import Session

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)
DETECTOR_LIMIT = (
    5 * 1024 * 1024
)  # detect-secrets reads a file whole; bigger files: exact search only
EXACT_LIMIT = 200 * 1024 * 1024  # even the exact search reads a file whole


@dataclass(frozen=True)
class Finding:
    """One place a credential seems to be. Never holds the value."""

    file: str
    line: int | None
    kind: Literal["session_secret", "detector"]
    what: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else f"{self.file}"
        if self.kind == "session_secret":
            return f"{where}: matches {self.what}"
        return f"{where}: looks like {_article(self.what)} {self.what}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "kind": self.kind, "what": self.what}


@dataclass
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    files_scanned: int = 0
    files_binary: int = 0
    files_too_large: list[str] = field(default_factory=list)
    files_unreadable: list[str] = field(default_factory=list)
    directories_skipped: int = 0
    links_skipped: int = 0
    secrets_compared: list[str] = field(default_factory=list)
    secrets_not_compared: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings

    def files_with_findings(self) -> list[str]:
        return list(dict.fromkeys(f.file for f in self.findings))

    def figures(self) -> dict[str, Any]:
        return {
            "files_scanned": self.files_scanned,
            "files_binary": self.files_binary,
            "files_too_large": len(self.files_too_large),
            "files_unreadable": len(self.files_unreadable),
            "directories_skipped": self.directories_skipped,
            "links_skipped": self.links_skipped,
            "findings": len(self.findings),
            "session_secret_matches": sum(1 for f in self.findings if f.kind == "session_secret"),
            "detector_findings": sum(1 for f in self.findings if f.kind == "detector"),
            "secrets_compared": len(self.secrets_compared),
        }


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


@dataclass(frozen=True)
class _Needle:
    """A session secret to look for, as bytes (kept only for the scan, never shown)."""

    name: str
    words: str
    forms: tuple[bytes, ...]


def session_needles(session: Session) -> tuple[list[_Needle], list[str]]:
    """The session's secrets golive can get without asking, and the names it could not get."""
    from golive.secrets import ENVIRONMENTS, describe, resolve_secret

    names = [f"{env}.client_secret" for env in ENVIRONMENTS]
    names += [n for n in session.credentials.secrets if n not in names]
    needles: list[_Needle] = []
    missing: list[str] = []
    for name in names:
        try:
            resolved = resolve_secret(session, name)
        except GoliveError:
            missing.append(name)
            continue
        value = resolved.value.get_secret_value()
        forms = {value.encode("utf-8"), quote(value, safe="").encode("utf-8")}
        needles.append(_Needle(name, describe(session, name).removeprefix("the "), tuple(forms)))
    return needles, missing


def _walk(
    roots: Sequence[Path], excluded: set[Path], result: ScanResult
) -> Iterable[tuple[Path, str]]:
    """Every regular file under the roots (not following links), with the name to show."""
    for root in roots:
        if root.is_symlink():
            result.links_skipped += 1
            continue
        if root.is_file():
            if root.resolve() not in excluded:
                yield root, str(root)
            continue
        for folder, dirnames, filenames in os.walk(root):
            base = Path(folder)
            kept = []
            for dirname in sorted(dirnames):
                if dirname in SKIPPED_DIRECTORIES:
                    result.directories_skipped += 1
                elif (base / dirname).is_symlink():
                    result.links_skipped += 1
                else:
                    kept.append(dirname)
            dirnames[:] = kept
            for filename in sorted(filenames):
                path = base / filename
                if path.is_symlink():
                    result.links_skipped += 1
                    continue
                if not path.is_file() or path.resolve() in excluded:
                    continue
                yield path, str(path)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# Long because walking, skipping and reading each file with its limits are one pass.
def scan_paths(
    paths: Sequence[str | Path],
    *,
    needles: Sequence[_Needle] = (),
    exclude: Iterable[Path] = (),
) -> ScanResult:
    """Search the files under `paths` for the given secrets and for credential shapes."""
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings

    roots = [Path(p) for p in paths]
    for root in roots:
        if not root.exists() and not root.is_symlink():
            raise BadInputError(
                f"{root} does not exist", where="PATH", advice="give a folder or file to scan"
            )
    excluded = {p.resolve() for p in exclude}
    result = ScanResult()
    with default_settings():
        for path, shown in _walk(roots, excluded, result):
            try:
                size = path.stat().st_size
                if size > EXACT_LIMIT:
                    result.files_too_large.append(shown)
                    continue
                data = path.read_bytes()
            except OSError:
                result.files_unreadable.append(shown)
                continue
            result.files_scanned += 1
            binary = b"\0" in data[:8192]
            lines_hit: set[int | None] = set()
            for needle in needles:
                for form in needle.forms:
                    start = data.find(form)
                    while start != -1:
                        line = None if binary else _line_of(data, start)
                        if line not in lines_hit:
                            lines_hit.add(line)
                            result.findings.append(
                                Finding(
                                    shown, line, "session_secret", f"the session's {needle.words}"
                                )
                            )
                        start = data.find(form, start + 1)
            if binary:
                result.files_binary += 1
                continue
            if size > DETECTOR_LIMIT:
                result.files_too_large.append(shown)
                continue
            collection = SecretsCollection()
            try:
                collection.scan_file(str(path))
            except Exception:  # detect-secrets on a file it cannot parse: say so, go on
                result.files_unreadable.append(shown)
                continue
            hits = sorted(
                {(s.line_number, s.type) for found in collection.data.values() for s in found}
            )
            for line_number, kind in hits:
                if line_number in lines_hit:
                    continue  # already named as the session's own secret
                result.findings.append(Finding(shown, line_number, "detector", kind))
    result.findings.sort(key=lambda f: (f.file, f.line or 0, f.kind))
    return result


def scan_session(
    session: Session, paths: Sequence[str | Path], *, exclude: Iterable[Path] = ()
) -> ScanResult:
    """scan_paths with the session's own secrets as needles (see session_needles)."""
    needles, missing = session_needles(session)
    result = scan_paths(paths, needles=needles, exclude=exclude)
    result.secrets_compared = [n.name for n in needles]
    result.secrets_not_compared = missing
    return result


def vault_recorded(session: Session) -> bool:
    """Whether the integration's own vault is recorded (its product and the path or entry)."""
    vault = session.credentials.vault
    return bool(vault.product.strip() and vault.path.strip())


# Long because the findings, the evidence record and the item states are written together.
def record_scan(
    session: Session,
    log_path: Path,
    result: ScanResult,
    paths: Sequence[str | Path],
    *,
    by: str | None = None,
) -> EvidenceRecord:
    """Append the scan's evidence and set `credentials.vault` (in memory; the caller saves).

    Clean and the vault recorded: done. Clean but no vault recorded: left as it is (in progress
    if it was to do or failed), with a note saying the vault entry is missing. Findings: failed,
    with a note naming the files (never the secret).
    """
    from golive.session.checklist import build_checklist
    from golive.session.evidence import EvidenceRecord, record
    from golive.session.item_changes import default_actor
    from golive.session.model import ItemStatus

    item = "credentials.vault"
    shown = ", ".join(str(p) for p in paths)
    updates: dict[str, ItemStatus] = {}
    if result.clean:
        summary = (
            f"secret scan of {shown}: clean ({result.files_scanned} file(s); "
            f"{len(result.secrets_compared)} of the session's secrets compared byte for byte)"
        )
        if vault_recorded(session):
            updates[item] = ItemStatus.DONE
            note = summary
        else:
            current = build_checklist(session)[item].status
            keep = (
                ItemStatus.IN_PROGRESS
                if current in (ItemStatus.TODO, ItemStatus.FAILED)
                else current
            )
            updates[item] = keep
            note = (
                f"{summary}. The vault entry is still missing: record the vault the integration "
                "uses (product and path) to complete this item"
            )
    else:
        files = result.files_with_findings()
        listed = ", ".join(files[:10]) + (f" and {len(files) - 10} more" if len(files) > 10 else "")
        summary = f"secret scan of {shown}: {len(result.findings)} finding(s) in {listed}"
        updates[item] = ItemStatus.FAILED
        note = (
            f"{summary}. Move these credentials into the vault, rotate any real one that was "
            "committed, and scan again"
        )
    evidence = EvidenceRecord(
        kind="secret_scan",
        outcome="passed" if result.clean else "failed",
        summary=summary,
        figures=result.figures(),
        diagnosis={
            "paths": [str(p) for p in paths],
            "findings": [f.as_dict() for f in result.findings],
            "secrets_compared": result.secrets_compared,
            "secrets_not_compared": result.secrets_not_compared,
            "files_too_large": result.files_too_large,
            "files_unreadable": result.files_unreadable,
        },
        items=[item],
        by=by or default_actor(session),  # who ran it: the record stands alone
    )
    record(session, log_path, evidence, updates, note=note, by=by)
    return evidence
