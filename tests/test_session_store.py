"""The session file: round trip, bad files, atomic saves, backups, determinism, conflicts."""

from __future__ import annotations

import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from golive.session import store
from golive.session.checklist import set_item_status
from golive.session.errors import BadInputError, SessionConflictError, SessionLoadError
from golive.session.model import CountrySetup, ItemStatus, Session
from session_factory import make_session

# --- round trip --------------------------------------------------------------------------------

texts = st.text(max_size=40)
statuses = st.sampled_from([s.value for s in ItemStatus])


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    session = make_session(
        tuple(draw(st.sets(st.sampled_from(["DE", "FR", "IT", "MX", "BR", "JP"]), max_size=4)))
    )
    session.meta.title = draw(texts)
    session.meta.customer = draw(texts)
    session.meta.engineer = draw(texts)
    session.environments.staging.timeouts.read = draw(st.floats(min_value=0.1, max_value=300))
    session.environments.staging.retry.max_attempts = draw(st.integers(min_value=1, max_value=10))
    session.targets.error_rate_pct = draw(st.floats(min_value=0, max_value=100))
    session.drafts = draw(
        st.dictionaries(st.sampled_from(["environments.staging.base_url", "meta.title"]), texts)
    )
    ids = ["credentials.vault", "environment.retry", "support.first_line", "staging.deploy"]
    for item_id in draw(st.lists(st.sampled_from(ids), max_size=6)):
        status = draw(statuses)
        set_item_status(
            session,
            item_id,
            status,
            by=draw(texts) or "x",
            note=draw(texts),
            reason=draw(texts) + "r",
            # issue 12: staging.deploy done by hand is an attestation; a run sets evidence
            evidence=draw(st.lists(st.sampled_from(["ev1", "ev2"]), max_size=1)),
            attestation=draw(texts.filter(str.isprintable)) + "a",
        )
    return session


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(sessions())
def test_round_trip_model_toml_model(session: Session) -> None:
    raw = store.dumps(session)
    again = store.parse(raw, Path("x.toml"))
    assert again == session
    assert store.dumps(again) == raw  # same content, same bytes


# --- files on disk -----------------------------------------------------------------------------


def test_save_is_0600_deterministic_and_a_noop_when_unchanged(golive_home: Path) -> None:
    handle = store.SessionFile.create("acme", make_session())
    path = handle.path
    assert path == golive_home / "sessions" / "acme.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    time.sleep(0.01)
    assert handle.save() is False
    assert path.stat().st_mtime_ns == mtime and path.read_bytes() == before
    reopened = store.SessionFile.open("acme")
    assert store.dumps(reopened.session) == before


def test_backup_is_the_file_as_this_run_opened_it() -> None:
    handle = store.SessionFile.create("acme", make_session())
    original = handle.path.read_bytes()
    run = store.SessionFile.open("acme")
    run.session.meta.title = "first change"
    run.save()
    run.session.meta.title = "second change"
    run.save()
    assert store.backup_path(run.path).read_bytes() == original
    assert stat.S_IMODE(store.backup_path(run.path).stat().st_mode) == 0o600


def test_orphaned_temp_files_are_cleaned(golive_home: Path) -> None:
    handle = store.SessionFile.create("acme", make_session())
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    orphan = handle.path.parent / f".acme.toml.{int(dead.stdout)}.abcd1234.tmp"
    orphan.write_text("half a session")
    store.SessionFile.open("acme")
    assert not orphan.exists()


def test_save_never_overwrites_content_it_did_not_load() -> None:
    store.SessionFile.create("acme", make_session())
    first = store.SessionFile.open("acme")
    second = store.SessionFile.open("acme")
    second.session.meta.title = "saved elsewhere"
    second.save()
    first.session.meta.title = "mine"
    with pytest.raises(SessionConflictError, match="changed by someone else"):
        first.save()
    assert store.load("acme").meta.title == "saved elsewhere"
    assert first.session.meta.title == "mine"  # nothing in memory lost


def test_full_disk_fails_clearly_keeps_memory_and_file_and_a_later_save_works(
    tmp_path: Path,
) -> None:
    import resource

    handle = store.SessionFile.create(tmp_path / "s.toml", make_session())
    on_disk = handle.path.read_bytes()
    handle.session.meta.title = "unsaved work " + "y" * 5000
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, hard))  # the disk is "full" past 2 KB
    try:
        with pytest.raises(store.SaveError) as caught:
            handle.save()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert "s.toml" in str(caught.value) and "what to do" in str(caught.value)
    assert handle.path.read_bytes() == on_disk  # the old file is intact
    assert not list(tmp_path.glob(".s.toml.*.tmp"))  # no half-written temp file left behind
    assert handle.session.meta.title.startswith("unsaved work")  # nothing in memory lost
    assert handle.save() is True
    assert store.load(handle.path).meta.title.startswith("unsaved work")


def test_session_names_are_checked() -> None:
    for bad in ["../etc/passwd", "a/../b", "x" * 500, "bad\x07name", "", "..", "-x"]:
        with pytest.raises(BadInputError):
            store.resolve(bad)
    assert store.resolve("acme-eu.v2").name == "acme-eu.v2.toml"
    assert store.resolve("/tmp/some where/ünï.toml") == Path("/tmp/some where/ünï.toml")


# --- bad files ---------------------------------------------------------------------------------


def _problems(tmp_path: Path, content: str | bytes) -> list[str]:
    path = tmp_path / "bad.toml"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    before = path.read_bytes()
    with pytest.raises(SessionLoadError) as caught:
        store.SessionFile.open(path)
    assert path.read_bytes() == before  # never changed
    assert caught.value.problems
    return [str(p) for p in caught.value.problems]


def _good() -> str:
    return store.dumps(make_session()).decode()


def test_not_toml(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, "this is = = not toml\n")
    assert "bad.toml:1" in problem and "not valid TOML" in problem


def test_not_utf8(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, b"schema_version = 2\n\xff\xfe")
    assert "not UTF-8" in problem and ":2" in problem


def test_truncated(tmp_path: Path) -> None:
    text = _good()
    cut = text[: text.index("[targets]")]
    problems = _problems(tmp_path, cut)
    assert any("cut short" in p for p in problems)


def test_truncated_in_the_middle_of_a_value(tmp_path: Path) -> None:
    text = _good()
    problems = _problems(tmp_path, text[: text.index("api.onesourcetax.com") + 5])
    assert any("not valid TOML" in p for p in problems)


def test_wrong_types_and_unknown_keys_each_named_with_line(tmp_path: Path) -> None:
    text = _good()
    text = text.replace("pilot_max = 3", 'pilot_max = "three"')
    text = text.replace("[targets]\n", "[targets]\nerror_budget = 5\n")
    problems = _problems(tmp_path, text)
    lines = text.splitlines()
    pilot_line = next(i for i, ln in enumerate(lines, 1) if ln.startswith("pilot_max"))
    unknown_line = next(i for i, ln in enumerate(lines, 1) if ln.startswith("error_budget"))
    assert any(f"bad.toml:{pilot_line}: targets.pilot_max" in p for p in problems)
    assert any(f"bad.toml:{unknown_line}: targets.error_budget: unknown key" in p for p in problems)
    assert len(problems) == 2


def test_not_a_country(tmp_path: Path) -> None:
    text = (
        _good()
        .replace("[countries.MX]", "[countries.XX]")
        .replace("[countries.MX.requirements]", "[countries.XX.requirements]")
    )
    problems = _problems(tmp_path, text)
    assert any("countries.XX" in p and "not an ISO 3166-1 alpha-2" in p for p in problems)


def test_newer_schema_version(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, _good().replace("schema_version = 2", "schema_version = 9"))
    assert "newer golive" in problem


def test_production_http_refused(tmp_path: Path) -> None:
    text = _good().replace(
        'base_url = "https://api.onesourcetax.com"', 'base_url = "http://api.onesourcetax.com"'
    )
    problems = _problems(tmp_path, text)
    assert any("https" in p and "environments" in p for p in problems)


def test_url_with_credentials_refused(tmp_path: Path) -> None:
    text = _good().replace(
        "https://api-uat.onesourcetax.com", "https://user:pw@api-uat.onesourcetax.com"
    )
    problems = _problems(tmp_path, text)
    assert any("keyring" in p for p in problems)
    assert not any("pw@" in p for p in problems if "keyring" in p and "user:pw" in p)


def test_unknown_item_id(tmp_path: Path) -> None:
    text = (
        _good()
        .replace('[items."credentials.obtained"]', '[items."credentials.obtainedd"]')
        .replace(
            '[[items."credentials.obtained".history]]', '[[items."credentials.obtainedd".history]]'
        )
    )
    problems = _problems(tmp_path, text)
    assert any("credentials.obtainedd" in p and "not a checklist item" in p for p in problems)


def test_older_schema_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    path.write_text(
        'schema_version = 1\n[meta]\ntitle = "old"\nsession_id = "0123456789abcdef"\n'
        '[checklist]\n"credentials.obtained" = "done"\n'
    )
    session = store.load(path)
    assert session.schema_version == 2
    assert session.items["credentials.obtained"].status is ItemStatus.DONE


# --- killed mid-save ---------------------------------------------------------------------------

SAVER = """
import sys, itertools
from golive.session import store
handle = store.SessionFile.open(sys.argv[1])
print("ready", flush=True)
for n in itertools.count():
    handle.session.meta.title = f"save {n} " + "x" * (n % 4000)
    handle.save()
"""


def test_process_killed_mid_save_always_leaves_a_loadable_file(tmp_path: Path) -> None:
    session = make_session()
    session.countries.update({c: CountrySetup() for c in ("FR", "IT", "ES", "PL", "BR", "CO")})
    path = tmp_path / "kill.toml"
    store.SessionFile.create(path, session)
    for round_ in range(25):
        proc = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(0.005 * (round_ % 7))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        loaded = store.load(path)  # never half a file
        assert loaded.meta.title.startswith(("save", "ACME"))
    leftovers = list(tmp_path.glob(".kill.toml.*.tmp"))
    store.SessionFile.open(path)
    assert not [p for p in leftovers if p.exists()]


def test_a_save_keeps_both_when_another_golive_changed_other_keys() -> None:
    store.SessionFile.create("acme", make_session())
    wizard = store.SessionFile.open("acme")
    elsewhere = store.SessionFile.open("acme")
    elsewhere.session.meta.partner = "saved elsewhere"
    set_item_status(elsewhere.session, "credentials.vault", "done", by="Bo")
    elsewhere.save()
    session_object = wizard.session
    wizard.session.credentials.vault.product = "HashiCorp Vault"
    assert wizard.save() is True
    assert wizard.session is session_object  # merged in place: screens holding it see it
    assert "meta.partner" in wizard.merged_keys
    on_disk = store.load("acme")
    assert on_disk.meta.partner == "saved elsewhere"
    assert on_disk.items["credentials.vault"].status is ItemStatus.DONE
    assert on_disk.credentials.vault.product == "HashiCorp Vault"
    wizard.session.meta.customer = "later change"
    assert wizard.save() is True  # the merged content is the new base: no conflict


def test_a_key_changed_differently_on_both_sides_is_a_conflict_naming_it() -> None:
    store.SessionFile.create("acme", make_session())
    first, second = store.SessionFile.open("acme"), store.SessionFile.open("acme")
    second.session.credentials.vault.path = "kv/theirs"
    second.save()
    first.session.credentials.vault.path = "kv/mine"
    with pytest.raises(SessionConflictError, match=r"both changed credentials\.vault\.path"):
        first.save()
    assert store.load("acme").credentials.vault.path == "kv/theirs"
    assert first.session.credentials.vault.path == "kv/mine"
