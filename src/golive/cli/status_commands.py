"""`golive status`, `golive item` and `golive gate`: where a session stands, and setting an
item or overriding a gate by hand. `status_document` is the --json shape (tests use it too)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from golive.cli.common import _open
from golive.session.errors import BadInputError
from golive.session.text import echo as print  # every line shown is sanitized


def _gate_document(status: Any) -> dict[str, Any]:
    override = status.override
    return {
        "open": status.open,
        "passable": status.passable,
        "text": status.sentence,
        "missing": list(status.missing_ids),
        "holds": list(status.holds),
        "attested": list(status.attested_ids),
        "override": (
            {"by": override.by, "at": override.at.isoformat(), "reason": override.reason}
            if override is not None
            else None
        ),
    }


def status_document(session: Any, chain_problems: Sequence[str] = ()) -> dict[str, Any]:
    """What `golive status --json` prints: the public shape of a session's progress. Readiness
    is the gate engine's (`golive.session.checklist.gate_status`): ready means the gate is open."""
    from golive.countries.changes import country_changes
    from golive.session.checklist import build_checklist, definition

    checklist = build_checklist(session)
    gates = {name: checklist.gate(name, chain_problems) for name in ("production", "golive")}
    sections = {}
    for section in definition().sections:
        progress = checklist.progress(checklist.in_section(section.id))
        sections[section.id] = {
            "title": section.title,
            "ready": progress.ready,
            "total": progress.total,
            "failed": progress.failed,
        }
    countries = {
        code: {"ready": p.ready, "total": p.total, "failed": p.failed}
        for code, p in checklist.country_progress().items()
    }
    blocking = {
        name: [i.id for i in checklist.items if i.id in {*g.missing_ids, *g.attested_ids}]
        for name, g in gates.items()
    }
    return {
        "session": session.meta.title,
        "customer": session.meta.customer,
        "demo": session.meta.demo,
        "ready_for_production": gates["production"].open,
        "ready_for_golive": gates["golive"].open,
        "blocking_production": blocking["production"],
        "blocking_golive": blocking["golive"],
        "gates": {name: _gate_document(g) for name, g in gates.items()},
        "sections": sections,
        "countries": countries,
        "country_changes": [c.as_json() for c in country_changes(session)],
        "items": [
            {
                "id": i.id,
                "status": i.status.value,
                "reason": i.reason,
                "derived": i.derived,
                "evidence_bound": i.evidence_bound,
                "basis": i.basis.as_dict(),
                "changed_by": i.state.changed_by,
                "changed_at": i.state.changed_at.isoformat() if i.state.changed_at else None,
            }
            for i in checklist.items
        ],
    }


def cmd_status(args: argparse.Namespace) -> int:
    from golive.session.evidence import verify

    handle = _open(args.session)
    verdict = verify(handle.session, handle.evidence_path)
    # an evidence log that does not verify holds both gates (the gate engine lists why)
    document = status_document(handle.session, verdict.problems)
    document["evidence_chain"] = verdict.as_json()
    ready = {
        "production": document["ready_for_production"],
        "golive": document["ready_for_golive"],
    }
    if args.json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        _print_status(document, handle.path.name)
    if args.require and not ready[args.require]:
        if not args.json:
            print(f"\nnot ready for {args.require}: {document['gates'][args.require]['text']}")
        return 1
    return 0


def _print_status(document: dict[str, Any], name: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from golive.session.text import printable

    console = Console(highlight=False)
    title = document["session"] or name
    if document["demo"]:
        title = f"DEMO SESSION: {title}"
    customer = f" for {document['customer']}" if document["customer"] else ""
    console.print(f"[bold]{escape(printable(title))}[/bold]{escape(printable(customer))}")
    table = Table("section", "progress", "failed", box=None, pad_edge=False)
    for section in document["sections"].values():
        table.add_row(
            escape(section["title"]),
            f"{section['ready']}/{section['total']}",
            str(section["failed"] or ""),
        )
    console.print(table)
    if document["countries"]:
        ctable = Table("country", "progress", "failed", box=None, pad_edge=False)
        for code, progress in document["countries"].items():
            ctable.add_row(
                code, f"{progress['ready']}/{progress['total']}", str(progress["failed"] or "")
            )
        console.print(ctable)
    for change in document.get("country_changes", []):
        console.print(
            f"{change['country']} rules changed: "
            + "; ".join(change["changes"])
            + " (`golive countries SESSION refresh` takes them)",
            soft_wrap=True,
        )
    chain = document.get("evidence_chain")
    if chain is not None and (chain["present"] or not chain["ok"]):
        from rich.text import Text

        console.print(Text(chain["statement"], style="" if chain["ok"] else "bold"), soft_wrap=True)
        for problem in chain["problems"]:
            console.print(f"  {problem}", soft_wrap=True, markup=False)
    for key, label in (("production", "production"), ("golive", "go-live")):
        ready = document[f"ready_for_{key}"]
        gate = document["gates"][key]
        console.print(f"ready for {label}: {'yes' if ready else 'no'}")
        if not ready:
            console.print("  open: " + ", ".join(document[f"blocking_{key}"]), soft_wrap=True)
            for hold in gate["holds"]:
                console.print(f"  held: {hold}", soft_wrap=True, markup=False)
    shown = [i for i in document["items"] if _not_proven(i)]
    if shown:
        console.print("not proven by evidence (a person's word, or passed by override):")
        for i in shown:
            console.print(
                f"  {i['id']} {i['status']}: {i['basis']['text']}", soft_wrap=True, markup=False
            )


def _not_proven(item: dict[str, Any]) -> bool:
    """An item whose state a person vouches for where golive could prove it, or passed by a
    gate override: `golive status` names each with its basis."""
    basis = item["basis"]
    if basis["kind"] == "overridden" or basis["contradicts_evidence"]:
        return True
    return bool(item["evidence_bound"]) and basis["kind"] in ("attested", "not_applicable_reason")


def cmd_item(args: argparse.Namespace) -> int:
    from golive.session.checklist import build_checklist, set_item_status

    handle = _open(args.session)
    set_item_status(
        handle.session,
        args.item_id,
        args.status,
        by=args.by,
        note=args.note,
        reason=args.reason,
        attestation=args.attest,
    )
    handle.save()
    item = build_checklist(handle.session).by_id.get(args.item_id)
    shown = f"{item.status.value} ({item.basis.text})" if item else args.status
    print(f"{args.item_id}: {shown}")
    return 0


def cmd_gate(args: argparse.Namespace) -> int:
    """Exit 0 when the gate(s) may be passed (open, or overridden), 1 when one is held."""
    from golive.session.checklist import gate_status, override_gate

    handle = _open(args.session)
    if args.override is not None:
        if not args.gate:
            raise BadInputError(
                "--override needs the gate it overrides",
                where="gate",
                advice="e.g. `golive gate SESSION golive --override 'reason'`",
            )
        override_gate(handle.session, args.gate, args.override, by=args.by)
        handle.save()
    from golive.session.evidence import verify

    problems = verify(handle.session, handle.evidence_path).problems
    held = False
    for name in [args.gate] if args.gate else ["production", "golive"]:
        status = gate_status(handle.session, name, chain_problems=problems)
        state = "open" if status.open else "passable by override" if status.passable else "held"
        print(f"{name}: {state}")
        print(f"  {status.sentence}")
        for missing in status.missing:
            print(f"  still open: {missing}")
        for hold in status.holds:
            print(f"  held: {hold}")
        for passed in status.overrides:
            print(f"  override: {passed}")
        held = held or not status.passable
    return 1 if held else 0
