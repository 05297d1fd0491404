"""`golive country`, `golive taxid` and `golive cert inspect`, run as a user runs them."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from conftest import RunGolive
from golive.session import evidence, store
from golive.session.model import ItemStatus
from session_factory import make_session
from test_certs import Made, make, write_pem
from test_taxid import ViesStub

SAT = Path(__file__).parent / "data" / "sat-mx"
CSD = str(SAT / "CSD01_AAA010101AAA.cer.pem")
FIEL = str(SAT / "FIEL_AAA010101AAA.cer.pem")


@pytest.fixture
def run_golive(golive_in_process: RunGolive) -> RunGolive:
    """Every call here needs only golive's answer, not a process of its own."""
    return golive_in_process


def generated(tmp_path: Path, days_left: int = 200) -> Made:
    now = datetime.now(UTC)
    return make(not_before=now - timedelta(days=10), not_after=now + timedelta(days=days_left))


def new_session(name: str = "acme", countries: tuple[str, ...] = ("DE", "MX")) -> Path:
    handle = store.SessionFile.create(name, make_session(countries))
    return handle.path


# --- country list / show ----------------------------------------------------------------------


def test_country_list_shows_the_catalog(run_golive: RunGolive) -> None:
    result = run_golive("country", "list")
    assert result.returncode == 0, result.stderr
    assert "golive's country catalog (51 countries)" in result.stdout
    assert "Mexico" in result.stdout and "Slovakia" in result.stdout


def test_country_list_json_has_every_row_with_source_and_zones(run_golive: RunGolive) -> None:
    result = run_golive("country", "list", "--json")
    rows = json.loads(result.stdout)
    assert len(rows) == 51
    mexico = next(row for row in rows if row["code"] == "MX")
    certificate = next(o for o in mexico["obligations"] if o["id"] == "certificate")
    assert certificate["what"] == "CSD (Certificado de Sello Digital) from SAT"
    assert mexico["reviewed"] == "2026-11-28" and mexico["currency"] == "MXN"
    assert "America/Mexico_City" in mexico["time_zones"]
    assert all(row["source"] for row in rows)
    poland = next(row for row in rows if row["code"] == "PL")
    token = next(o for o in poland["obligations"] if o["id"] == "certificate-token")
    assert token["until"] == "2026-12-31" and token["confidence"] == "secondary"


def test_country_show_prints_what_each_item_means_and_the_source(run_golive: RunGolive) -> None:
    result = run_golive("country", "show", "mx", "--on", "2026-12-01")
    assert result.returncode == 0
    out = result.stdout
    assert out.startswith("MX  Mexico")
    assert "route           clearance; no test mode" in out
    assert "proof           CFDI UUID" in out
    assert "required: CSD (Certificado de Sello Digital) from SAT" in out
    assert "a contract with a PAC" in out
    assert "soporte.facturama.mx" in out and "2026-11-28" in out
    assert "America/Tijuana" in out


def test_country_show_of_a_country_that_needs_nothing_says_why(run_golive: RunGolive) -> None:
    out = run_golive("country", "show", "DE", "--on", "2026-06-01").stdout
    assert "certificate  not required: No certificate or seal" in out
    assert "Leitweg-ID" in out


def test_country_show_on_a_date_splits_in_force_from_upcoming(run_golive: RunGolive) -> None:
    before = run_golive("country", "show", "PT", "--on", "2026-12-31").stdout
    in_force, _, soon = before.partition("upcoming within 90 days:")
    assert "not required: No signature on PDF invoices" in in_force
    assert "Qualified electronic signature" in soon and "from 2027-01-01" in soon
    after = run_golive("country", "show", "PT", "--on", "2027-01-01").stdout
    in_force, _, soon = after.partition("upcoming within 90 days:")
    assert "required: Qualified electronic signature" in in_force
    assert "No signature on PDF invoices" not in after
    document = json.loads(
        run_golive("country", "show", "PL", "--on", "2027-01-01", "--json").stdout
    )
    assert "certificate" in document["in_force"] and "certificate-token" not in document["in_force"]
    document = json.loads(
        run_golive("country", "show", "PL", "--on", "2026-12-31", "--json").stdout
    )
    assert "certificate-token" in document["in_force"] and "certificate" in document["upcoming"]


def test_country_show_with_a_bad_date_is_bad_input(run_golive: RunGolive) -> None:
    result = run_golive("country", "show", "PT", "--on", "31/12/2026")
    assert result.returncode == 2
    assert "'31/12/2026' is not a date" in result.stderr and "YYYY-MM-DD" in result.stderr


def test_country_show_outside_the_catalog_is_allowed(run_golive: RunGolive) -> None:
    result = run_golive("country", "show", "US")
    assert result.returncode == 0
    assert "United States: not in golive's country catalog" in result.stdout
    document = json.loads(run_golive("country", "show", "US", "--json").stdout)
    assert document["in_catalog"] is False and "America/Chicago" in document["time_zones"]


def test_country_show_of_an_unknown_code_is_bad_input(run_golive: RunGolive) -> None:
    result = run_golive("country", "show", "XX")
    assert result.returncode == 2
    assert "'XX' is not an ISO 3166-1 alpha-2 country code" in result.stderr
    assert "what to do:" in result.stderr
    assert "Traceback" not in result.stderr


# --- taxid ------------------------------------------------------------------------------------


def test_taxid_valid_exits_0(run_golive: RunGolive) -> None:
    result = run_golive("taxid", "MX", "mab930714 8t4")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("MAB9307148T4: valid (Mexico, RFC)")
    assert "python-stdnum mx.rfc, check digits enforced" in result.stdout


def test_taxid_invalid_exits_1_and_says_what_is_wrong(run_golive: RunGolive) -> None:
    result = run_golive("taxid", "IT", "00743110158")
    assert result.returncode == 1
    assert "INVALID (Italy, Partita IVA)" in result.stdout
    assert "the check digit is wrong" in result.stdout


def test_taxid_format_only_exits_0_but_says_only_the_format_was_checked(
    run_golive: RunGolive,
) -> None:
    result = run_golive("taxid", "SA", "300000000000003")
    assert result.returncode == 0
    assert "format right (nothing more can be checked)" in result.stdout
    assert "no validator: regex for the format" in result.stdout


def test_taxid_unverifiable_exits_1(run_golive: RunGolive) -> None:
    result = run_golive("taxid", "AQ", "12345")
    assert result.returncode == 1
    assert "NOT VERIFIED" in result.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("taxid", "MX", ""), "the tax ID is empty"),
        (("taxid", "XX", "123"), "not an ISO 3166-1 alpha-2"),
        (("taxid", "IT", "00743110157", "--vies", "--timeout", "0"), "--timeout 0 is out of range"),
        (("taxid", "MX"), "the following arguments are required: NUMBER"),
    ],
)
def test_taxid_bad_input_exits_2(run_golive: RunGolive, args: tuple[str, ...], said: str) -> None:
    result = run_golive(*args)
    assert result.returncode == 2
    assert said in result.stderr
    assert "what to do" in result.stderr


def test_taxid_json(run_golive: RunGolive) -> None:
    result = run_golive("taxid", "GR", "EL 094259216", "--json")
    document = json.loads(result.stdout)
    assert document["country"] == "GR"
    assert document["outcome"] == "valid" and document["number"] == "094259216"
    assert document["vies"] == ""
    assert datetime.fromisoformat(document["checked_at"]).tzinfo is not None


def test_taxid_with_vies_asks_the_configured_service(run_golive: RunGolive) -> None:
    with ViesStub() as stub:
        result = run_golive("taxid", "IT", "00743110157", "--vies", "--vies-url", stub.url)
        assert stub.requests == [{"countryCode": "IT", "vatNumber": "00743110157"}]
    assert result.returncode == 0
    assert "VIES          valid" in result.stdout


def test_taxid_vies_url_from_the_environment(run_golive: RunGolive) -> None:
    with ViesStub() as stub:
        result = run_golive(
            "taxid", "IT", "00595000217", "--vies", env={"GOLIVE_VIES_URL": stub.url}
        )
    assert result.returncode == 1  # right check digits, but VIES does not know it
    assert "VIES          invalid" in result.stdout


def test_taxid_vies_unreachable_is_not_checked(run_golive: RunGolive) -> None:
    result = run_golive(
        "taxid",
        "IT",
        "00743110157",
        "--vies",
        "--vies-url",
        "http://127.0.0.1:9/",
        "--timeout",
        "2",
    )
    assert result.returncode == 0
    assert "VIES          not checked: could not reach VIES" in result.stdout


def test_taxid_recorded_in_a_session(run_golive: RunGolive) -> None:
    path = new_session()
    result = run_golive("taxid", "MX", "MAB9307148T4", "--session", "acme")
    assert result.returncode == 0, result.stderr
    assert "compliance.MX.tax_id is done" in result.stdout
    session = store.load(path)
    verification = session.countries["MX"].tax_id_verification
    assert verification is not None and verification.outcome == "valid"
    assert session.countries["MX"].tax_id == "MAB9307148T4"
    item = session.items["compliance.MX.tax_id"]
    assert item.status is ItemStatus.DONE and item.evidence
    log = evidence.read(store.evidence_path(path))
    record = log.by_id()[item.evidence[0]]
    assert record.kind == "tax_id" and record.outcome == "passed"
    assert record.figures["method"] == "python-stdnum mx.rfc, check digits enforced"


def test_an_invalid_tax_id_fails_the_item(run_golive: RunGolive) -> None:
    path = new_session()
    # AAA010101AAA fails only its check digit: since issue 13 a warning, so an RFC whose layout
    # is wrong stands in for the invalid number here
    result = run_golive("taxid", "MX", "ABCD 123456", "--session", "acme", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["evidence"]
    session = store.load(path)
    assert session.items["compliance.MX.tax_id"].status is ItemStatus.FAILED
    assert session.countries["MX"].tax_id == ""  # an invalid number is not kept as the tax ID


def test_a_format_only_verdict_leaves_the_item_in_progress_naming_the_lookup(
    run_golive: RunGolive,
) -> None:
    path = new_session(countries=("KR", "MX"))
    result = run_golive("taxid", "KR", "116-82-00276", "--session", "acme")
    assert result.returncode == 0, result.stderr
    assert (
        "compliance.KR.tax_id stays in progress: confirm the number with the NTS" in result.stdout
    )
    assert "--attest REASON" in result.stdout
    item = store.load(path).items["compliance.KR.tax_id"]
    assert item.status is ItemStatus.IN_PROGRESS and item.evidence
    assert "Hometax" in item.note
    # a failed RFC check digit: a warning, accepted but not confirmed
    warned = run_golive("taxid", "MX", "AAA010101AAA", "--session", "acme")
    assert warned.returncode == 0
    assert warned.stdout.startswith("AAA010101AAA: WARNING (accepted, not confirmed) (Mexico, RFC)")
    assert store.load(path).items["compliance.MX.tax_id"].status is ItemStatus.IN_PROGRESS


def test_a_country_not_in_the_session_is_bad_input(run_golive: RunGolive) -> None:
    new_session()
    result = run_golive("taxid", "IT", "00743110157", "--session", "acme")
    assert result.returncode == 2
    assert "IT is not a country of the session acme" in result.stderr
    assert "golive countries acme add IT" in result.stderr


# --- cert inspect -----------------------------------------------------------------------------


def test_cert_inspect_sat_csd_is_a_csd_but_not_usable(run_golive: RunGolive) -> None:
    result = run_golive("cert", "inspect", CSD, "--country", "MX", "--tax-id", "AAA010101AAA")
    assert result.returncode == 1
    assert f"{CSD} (PEM): NOT USABLE" in result.stdout
    assert "CSD (Certificado de Sello Digital)" in result.stdout
    assert "✗ expired on 2021-05-18" in result.stdout
    assert "· the RFC in the certificate (AAA010101AAA) matches the tax ID" in result.stdout


def test_cert_inspect_sat_fiel_is_not_a_csd(run_golive: RunGolive) -> None:
    result = run_golive("cert", "inspect", FIEL, "--country", "MX", "--json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["kind"] == "e.firma (FIEL) — not for sealing invoices"
    assert document["verdict"] == "not_usable"
    assert document["details"]["RFC"] == "AAA010101AAA"


def test_cert_inspect_usable_exits_0(run_golive: RunGolive, tmp_path: Path) -> None:
    path = write_pem(tmp_path / "c.pem", generated(tmp_path))
    result = run_golive("cert", "inspect", str(path))
    assert result.returncode == 0, result.stderr
    assert ": USABLE" in result.stdout


def test_cert_inspect_expiring_soon_exits_0_with_a_warning(
    run_golive: RunGolive, tmp_path: Path
) -> None:
    path = write_pem(tmp_path / "c.pem", generated(tmp_path, days_left=10))
    result = run_golive("cert", "inspect", str(path))
    assert result.returncode == 0
    assert "USABLE, WITH A WARNING" in result.stdout
    assert re.search(r"! expires \d+ day\(s\) after the inspection", result.stdout), result.stdout


def p12(tmp_path: Path, password: bytes, made: Made | None = None) -> Path:
    made = made or generated(tmp_path)
    path = tmp_path / "company.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"acme", made.key, made.cert, None, serialization.BestAvailableEncryption(password)
        )
    )
    return path


def run_in_terminal(args: list[str], answer: bytes, home: Path) -> tuple[int, bytes]:
    """Run golive on a pseudo-terminal, type `answer` at the prompt, return (exit code, screen)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: golive, with the pty as its controlling terminal
        env = {**os.environ, "GOLIVE_HOME": str(home)}
        os.execve(sys.executable, [sys.executable, "-m", "golive", *args], env)
    screen = b""
    typed = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
        if not typed and b"password for" in screen:
            os.write(fd, answer)
            typed = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), screen


def test_pkcs12_password_from_stdin(run_golive: RunGolive, tmp_path: Path) -> None:
    path = p12(tmp_path, b"open sesame")
    result = run_golive("cert", "inspect", str(path), "--password-stdin", input="open sesame\n")
    assert result.returncode == 0, result.stderr
    assert "private key" in result.stdout and "matches (the PKCS#12 file)" in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_pkcs12_password_is_asked_on_the_terminal_without_echo(
    tmp_path: Path, golive_home: Path
) -> None:
    path = p12(tmp_path, b"open sesame")
    code, screen = run_in_terminal(["cert", "inspect", str(path)], b"open sesame\n", golive_home)
    assert code == 0, screen
    assert b"password for company.p12:" in screen
    assert b"open sesame" not in screen  # not echoed
    assert b"USABLE" in screen


def test_pkcs12_password_from_the_sessions_secret(run_golive: RunGolive, tmp_path: Path) -> None:
    new_session()
    path = p12(tmp_path, b"open sesame")
    args = ("cert", "inspect", str(path), "--country", "MX", "--session", "acme")
    result = run_golive(
        *args,
        "--password-secret",
        "mx.csd_password",
        env={"GOLIVE_SECRET_MX_CSD_PASSWORD": "open sesame"},  # pragma: allowlist secret
    )
    assert "matches (the PKCS#12 file)" in result.stdout, result.stderr
    assert "used GOLIVE_SECRET_MX_CSD_PASSWORD from the environment" in result.stderr
    missing = run_golive(*args, "--password-secret", "nothing_here")
    assert missing.returncode == 1  # the secrets layer: golive cannot find it (GoliveError)
    assert "nothing_here" in missing.stderr and "GOLIVE_SECRET_NOTHING_HERE" in missing.stderr


def test_password_secret_needs_a_session(run_golive: RunGolive, tmp_path: Path) -> None:
    path = p12(tmp_path, b"open sesame")
    result = run_golive("cert", "inspect", str(path), "--password-secret", "pw")
    assert result.returncode == 2
    assert "--password-secret needs --session" in result.stderr


def test_pkcs12_wrong_password_exits_2(run_golive: RunGolive, tmp_path: Path) -> None:
    path = p12(tmp_path, b"open sesame")
    result = run_golive("cert", "inspect", str(path), "--password-stdin", input="nope\n")
    assert result.returncode == 2
    assert "wrong password for the PKCS#12 file company.p12" in result.stderr
    assert "nope" not in result.stderr + result.stdout


def test_pkcs12_without_a_terminal_or_stdin_password_says_how(
    run_golive: RunGolive, tmp_path: Path
) -> None:
    result = run_golive("cert", "inspect", str(p12(tmp_path, b"open sesame")))
    assert result.returncode == 2
    assert "company.p12 is a PKCS#12 file protected by a password" in result.stderr
    assert "--password-stdin" in result.stderr


def test_a_password_is_never_a_command_line_argument(run_golive: RunGolive, tmp_path: Path) -> None:
    result = run_golive("cert", "inspect", str(p12(tmp_path, b"x")), "--password", "x")
    assert result.returncode == 2


def test_key_mismatch_exits_1(run_golive: RunGolive, tmp_path: Path) -> None:
    cert = write_pem(tmp_path / "c.pem", generated(tmp_path))
    other = generated(tmp_path).key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (tmp_path / "other.key").write_bytes(other)
    result = run_golive("cert", "inspect", str(cert), "--key", str(tmp_path / "other.key"))
    assert result.returncode == 1
    assert "DOES NOT MATCH" in result.stdout


def test_cert_inspect_of_a_missing_file_exits_2(run_golive: RunGolive, tmp_path: Path) -> None:
    result = run_golive("cert", "inspect", str(tmp_path / "missing.cer"))
    assert result.returncode == 2
    assert "no certificate file at" in result.stderr


def test_cert_session_needs_a_country(run_golive: RunGolive) -> None:
    new_session()
    result = run_golive("cert", "inspect", CSD, "--session", "acme")
    assert result.returncode == 2
    assert "--session needs --country" in result.stderr


def test_cert_recorded_in_a_session_checks_the_sessions_tax_id(run_golive: RunGolive) -> None:
    path = new_session()
    session_file = store.SessionFile.open(path)
    session_file.session.countries["MX"].tax_id = "MAB9307148T4"
    session_file.save()
    result = run_golive("cert", "inspect", CSD, "--country", "MX", "--session", "acme")
    assert result.returncode == 1
    assert "belongs to RFC AAA010101AAA, not MAB9307148T4" in result.stdout
    assert "compliance.MX.certificate is failed" in result.stdout
    session = store.load(path)
    record = session.countries["MX"].certificate
    assert record is not None and record.verdict == "not_usable"
    assert record.kind == "CSD (Certificado de Sello Digital)"
    assert record.fingerprint_sha256.startswith("0C:F4:9C:05")
    item = session.items["compliance.MX.certificate"]
    assert item.status is ItemStatus.FAILED
    log = evidence.read(store.evidence_path(path))
    assert log.by_id()[item.evidence[0]].kind == "certificate"


def test_a_usable_pkcs12_recorded_in_a_session_keeps_no_secret(
    run_golive: RunGolive, tmp_path: Path
) -> None:
    path = new_session()
    made = generated(tmp_path)
    p12_path = p12(tmp_path, b"open sesame", made)
    result = run_golive(
        "cert",
        "inspect",
        str(p12_path),
        "--country",
        "DE",
        "--session",
        "acme",
        "--password-stdin",
        input="open sesame\n",
    )
    assert result.returncode == 0, result.stderr
    session = store.load(path)
    assert session.items["compliance.DE.certificate"].status is ItemStatus.DONE
    for written in (path, store.evidence_path(path)):
        text = written.read_text()
        assert "open sesame" not in text and "PRIVATE KEY" not in text
    record = session.countries["DE"].certificate
    assert record is not None
    assert record.not_after == made.cert.not_valid_after_utc
    assert any(
        m.startswith("golive's catalog: Germany needs no certificate") for m in record.messages
    )
