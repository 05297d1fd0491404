"""Tax-ID verification with the public test vectors of python-stdnum 2.2 (domain-facts.md §3).

Some valid vectors belong to real companies: they are fixtures only.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from golive.countries.taxid import verify_tax_id
from golive.session.errors import BadInputError

# (country, number) that must validate with format and check digits.
VALID = [
    ("IT", "00743110157"),
    ("IT", "IT 00595000217"),
    ("MX", "MAB9307148T4"),
    ("MX", "GODE561231GR8"),
    ("MX", "HEGT7610034S2"),
    ("BR", "16.727.230/0001-97"),
    ("BR", "07.195.358/0001-66"),
    ("BR", "12ABC34501DE35"),
    ("IN", "27AAPFU0939F1ZV"),
    ("PL", "8567346215"),
    ("PL", "PL 5211355116"),
    ("HU", "12892312"),
    ("HU", "HU 10672101"),
    ("ES", "B64717838"),
    ("ES", "B58378431"),
    ("ES", "54362315K"),
    ("TR", "4540536920"),
    ("TR", "0010213576"),
    ("CL", "76086428-5"),
    ("CL", "12531909-2"),
    ("CO", "213.123.432-1"),
    ("CO", "1118534248-0"),
    ("PE", "20512333797"),
    ("PE", "10000655959"),
    ("EC", "1792060346-001"),
    ("EC", "0190115798001"),
    ("AR", "20-05536168-2"),
    ("AR", "20267565393"),
    ("FR", "40303265045"),
    ("FR", "23334175221"),
    ("FR", "K7399859412"),
    ("BE", "0403019261"),
    ("BE", "BE 428759497"),
    ("DE", "DE136695976"),
    ("DE", "113866163"),
    ("GR", "EL 094259216"),
    ("GR", "EL 039868210"),
    ("PT", "PT 501 964 843"),
    ("PT", "500019720"),
    ("RO", "RO18547290"),
    ("RO", "11358544"),
    ("RS", "101134702"),
    ("RS", "100000303"),
    ("IL", "516179157"),
    ("IL", "500107420"),
    ("VN", "0100233488"),
    ("VN", "0314409058-002"),
    ("ID", "01.312.166.0-091.000"),
    ("ID", "016090524017000"),
    ("TW", "00501503"),
    ("TW", "00508203"),
    ("SG", "00192200M"),
    ("SG", "197401143C"),
    ("AU", "83 914 571 673"),
    ("AU", "51 824 753 556"),
    ("NZ", "4909185-0"),
    ("NZ", "49098576"),
    # eu.vat vectors, given to the member state they belong to
    ("IT", "IT00743110157"),
    ("GR", "EL094259216"),
]

# (country, number, what the message must say)
INVALID = [
    ("IT", "00743110158", "check digit"),
    ("IT", "IT00743110158", "check digit"),
    ("MX", "ABCD 123456", "component"),
    ("BR", "16.727.230/0001-98", "check digit"),
    ("IN", "27AAPFU0939F1ZO", "check digit"),
    ("PL", "8567346216", "check digit"),
    ("HU", "12892313", "check digit"),
    ("ES", "B64717839", "check digit"),
    ("TR", "4540536921", "check digit"),
    ("CL", "12531909-3", "check digit"),
    ("CO", "2131234325", "check digit"),
    ("PE", "20512333798", "check digit"),
    ("EC", "1763154690001", "check digit"),
    ("AR", "20267565392", "check digit"),
    ("EG", "12345", "wrong length"),
    ("FR", "84323140391", "check digit"),
    ("BE", "BE431150351", "check digit"),
    ("DE", "136695978", "check digit"),
    ("GR", "EL 123456781", "check digit"),
    ("PT", "501964842", "check digit"),
    ("RO", "18547291", "check digit"),
    ("RS", "101134703", "check digit"),
    ("IL", "516179150", "check digit"),
    ("KE", "V1234567890", "wrong characters or layout"),
    ("VN", "0100233480", "check digit"),
    ("ID", "01.451.869.7-054.000", "check digit"),
    ("KR", "100-86-08983", "component"),
    ("TW", "00501502", "check digit"),
    ("SG", "00192200C", "check digit"),
    ("AU", "99 999 999 999", "check digit"),
    ("NZ", "136410133", "check digit"),
]

# Modules that check the format only (python-stdnum kr.brn, eg.tn, ke.pin).
FORMAT_ONLY = [
    ("KR", "116-82-00276"),
    ("KR", "101-82-13065"),
    ("EG", "100-531-385"),
    ("EG", "039-528-313"),
    ("KE", "P051365947M"),
    ("KE", "A004416331M"),
]

MOMENT = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(("cc", "number"), VALID)
def test_valid_vectors_pass_with_check_digits(cc: str, number: str) -> None:
    result = verify_tax_id(cc, number, now=MOMENT)
    assert result.outcome == "valid", result.message
    assert "check digits" in result.method
    assert "check digits are right" in result.message
    assert result.checked_at == MOMENT
    assert result.vies == ""


@pytest.mark.parametrize(("cc", "number", "what"), INVALID)
def test_invalid_vectors_say_what_is_wrong(cc: str, number: str, what: str) -> None:
    result = verify_tax_id(cc, number, now=MOMENT)
    assert result.outcome == "invalid"
    assert what in result.message


@pytest.mark.parametrize(("cc", "number"), FORMAT_ONLY)
def test_format_only_modules_say_that_only_the_format_was_checked(cc: str, number: str) -> None:
    result = verify_tax_id(cc, number)
    assert result.outcome == "format_only"
    assert result.method.startswith("format only (python-stdnum")
    assert "checks the format only" in result.message
    assert "typo" in result.message


def test_a_one_digit_typo_passes_a_format_only_check_and_the_verdict_says_so() -> None:
    result = verify_tax_id("KR", "116-82-00277")
    assert result.outcome == "format_only"  # not "valid": nothing could catch the typo


@pytest.mark.parametrize(
    ("cc", "number", "shown"),
    [
        ("BR", "16727230000197", "16.727.230/0001-97"),
        ("CL", "760864285", "76.086.428-5"),
        ("PL", "8567346215", "856-734-62-15"),
        ("MX", "mab 930714 8t4", "MAB9307148T4"),  # RFCs are written without spaces
        ("DE", "136695976", "DE136695976"),
        ("AT", "ATU13585627", "ATU13585627"),
        ("FR", "FR 40 303 265 045", "FR40303265045"),
        ("IT", "IT 00743110157", "00743110157"),
        ("AU", "83914571673", "83 914 571 673"),
    ],
)
def test_the_number_is_normalised_to_the_countrys_usual_format(
    cc: str, number: str, shown: str
) -> None:
    assert verify_tax_id(cc, number).number == shown


def test_a_failed_mexican_rfc_check_digit_is_a_warning_not_a_rejection() -> None:
    # Issue 13: SAT issues RFCs whose check digit fails. (Was a rejection before.) SAT's public
    # test RFC passes python-stdnum's default (format only) but not the check digit.
    result = verify_tax_id("MX", "AAA010101AAA")
    assert result.outcome == "format_only"
    assert result.method == "python-stdnum mx.rfc, check digits enforced"
    assert result.message.startswith("warning: the layout is that of an RFC, but the check digit")
    assert (
        "SAT has issued RFCs whose check digit fails, so this is not a rejection" in result.message
    )
    assert "SAT's public test RFC" in result.message
    assert "SAT's RFC validation" in result.message  # the lookup that confirms it
    wrong_layout = verify_tax_id("MX", "ABCD 123456")  # python-stdnum rejects it by default too
    assert wrong_layout.outcome == "invalid"


@pytest.mark.parametrize(
    ("number", "named"),
    [
        ("XAXX010101000", "SAT's generic RFC for the public in general"),
        ("XEXX-010101-000", "SAT's generic RFC for foreign residents"),
    ],
)
def test_the_generic_rfcs_are_named_and_are_no_companys(number: str, named: str) -> None:
    result = verify_tax_id("MX", number)
    assert result.outcome == "invalid"
    assert named in result.message and "no company's RFC" in result.message


def test_malaysias_general_tin_is_named() -> None:
    result = verify_tax_id("MY", "EI00000000010")
    assert result.outcome == "invalid"
    assert "LHDN's general TIN for the general public" in result.message


@pytest.mark.parametrize(
    ("number", "shown", "said"),
    [
        ("12892312-2-41", "12892312-2-41", "its EU VAT number is HU12892312"),
        ("10672101 2 44", "10672101-2-44", "VAT code 2, county code 44"),
    ],
)
def test_the_hungarian_11_digit_adoszam_is_accepted(number: str, shown: str, said: str) -> None:
    result = verify_tax_id("HU", number)
    assert (result.outcome, result.number) == ("valid", shown)
    assert said in result.message


@pytest.mark.parametrize(
    ("number", "said"),
    [
        ("12892313-2-41", "check digit of the törzsszám 12892313"),
        ("12892312-2-99", "99 is not a NAV county code"),
        ("12892312-7-41", "wrong length"),  # VAT code 1-5 only: not an adószám
    ],
)
def test_a_wrong_adoszam_is_rejected(number: str, said: str) -> None:
    result = verify_tax_id("HU", number)
    assert result.outcome == "invalid"
    assert said in result.message


@pytest.mark.parametrize(
    ("number", "shown"),
    [("123-456-789-00000", "123-456-789-00000"), ("123456789001", "123-456-789-001")],
)
def test_a_philippine_tin_with_a_5_digit_branch_code_is_accepted(number: str, shown: str) -> None:
    result = verify_tax_id("PH", number)
    assert (result.outcome, result.number) == ("format_only", shown)
    assert "BIR's TIN verification" in result.message


def test_a_vietnamese_12_digit_personal_id_is_a_tax_code() -> None:
    result = verify_tax_id("VN", "001085012345")
    assert result.outcome == "format_only"
    assert "since 1 July 2025 it is the tax code of individuals" in result.message
    assert "tracuunnt.gdt.gov.vn" in result.message
    assert verify_tax_id("VN", "099085012345").outcome == "invalid"  # no province 099


def test_taiwans_2023_check_digit_rule_is_accepted() -> None:
    # weighted sum 45: divisible by 5 (the 2023 rule), not by 10 (python-stdnum 2.2's rule)
    result = verify_tax_id("TW", "04595252")
    assert result.outcome == "valid"
    assert "2023 rule" in result.message
    assert verify_tax_id("TW", "00501502").outcome == "invalid"  # fails both rules


@pytest.mark.parametrize(
    ("number", "outcome", "said"),
    [
        ("C25845632020", "format_only", "prefix C"),
        ("CS 1234567890", "format_only", "prefix CS"),
        ("LE12345670", "format_only", "prefix LE"),
        ("IG11500200010", "format_only", "prefix IG"),
        ("C2584563202", "invalid", "did you mean C25845632020?"),
        ("ZZ12345670", "invalid", "not a MyInvois TIN"),
    ],
)
def test_malaysian_tins_follow_the_myinvois_rules(number: str, outcome: str, said: str) -> None:
    result = verify_tax_id("MY", number)
    assert result.outcome == outcome
    assert said in result.message


@pytest.mark.parametrize(
    ("cc", "number", "checked_as"),
    [
        ("MX", "MX MAB9307148T4", "MAB9307148T4"),
        ("BR", "BR16727230000197", "16727230000197"),
        ("VN", "VN0100233488", "0100233488"),
        ("SA", "SA300000000000003", "300000000000003"),
    ],
)
def test_a_number_given_with_its_country_prefix_is_checked_without_it(
    cc: str, number: str, checked_as: str
) -> None:
    result = verify_tax_id(cc, number)
    assert result.outcome in ("valid", "format_only")
    assert result.message.startswith(f"given with the country prefix {cc}")
    assert f"checked as {checked_as}" in result.message


def test_an_eu_vat_number_with_its_prefix_says_it_was_taken_off() -> None:
    result = verify_tax_id("IT", "IT 00743110157")
    assert (result.outcome, result.number) == ("valid", "00743110157")
    assert result.message.startswith("given with the VAT prefix IT: checked as 00743110157")
    shown_with_it = verify_tax_id("DE", "DE136695976")  # the USt-IdNr is written with DE
    assert not shown_with_it.message.startswith("given with")


def test_an_eu_vat_number_with_its_prefix_twice_is_still_invalid() -> None:
    assert verify_tax_id("DE", "DE DE 246595415").outcome == "invalid"  # eu.vat vector


def test_a_format_only_verdict_names_the_authoritys_lookup() -> None:
    assert "Hometax" in verify_tax_id("KR", "116-82-00276").message
    assert "KRA's PIN Checker" in verify_tax_id("KE", "P051365947M").message
    assert "ZATCA" in verify_tax_id("SA", "300000000000003").message


def test_a_wrong_length_names_the_length_and_the_expected_format() -> None:
    result = verify_tax_id("IN", "AAPPV8261")  # in_.pan's InvalidLength vector, as a GSTIN
    assert result.outcome == "invalid"
    assert "wrong length: 9 characters" in result.message
    assert "15 characters" in result.message
    assert "PAN" not in result.message.split("expected")[0]


@pytest.mark.parametrize(
    ("cc", "number", "identified_as"),
    [
        ("IN", "AAPPV8261K", "valid PAN"),  # in_.pan valid vector
        ("FR", "303265045", "valid SIREN"),  # fr.siren valid vector
        ("DE", "991-03730-19", "valid Leitweg-ID"),  # de.leitweg valid vectors
        ("DE", "16066069-0001-38", "valid Leitweg-ID"),
        ("MY", "770305-02-1234", "valid NRIC"),  # my.nric valid vector (persons)
    ],
)
def test_another_identifier_given_for_the_tax_id_is_named(
    cc: str, number: str, identified_as: str
) -> None:
    result = verify_tax_id(cc, number)
    assert result.outcome == "invalid"
    assert identified_as in result.message
    assert "enter the" in result.message


@pytest.mark.parametrize(
    ("cc", "number", "not_said"),
    [
        ("FR", "303265046", "SIREN"),  # fr.siren invalid vector
        ("DE", "992-90009-97", "Leitweg-ID"),  # de.leitweg invalid vector
        ("MY", "771305-02-1234", "NRIC"),  # my.nric invalid vector
    ],
)
def test_an_invalid_other_identifier_is_not_offered_as_an_excuse(
    cc: str, number: str, not_said: str
) -> None:
    result = verify_tax_id(cc, number)
    assert result.outcome == "invalid"
    assert f"valid {not_said}" not in result.message


def test_another_member_states_vat_number_is_recognised() -> None:
    result = verify_tax_id("IT", "EL094259216")
    assert result.outcome == "invalid"
    assert "EL, the VAT prefix of Greece" in result.message
    assert "golive taxid GR EL094259216" in result.message


@pytest.mark.parametrize(
    ("cc", "number"),
    [
        # synthetic: no public test data exists for these (regex only)
        ("SA", "300000000000003"),
        ("AE", "100000000000003"),
        ("PH", "123-456-789"),
        ("PH", "123-456-789-000"),
    ],
)
def test_without_a_validator_the_format_is_all_that_is_checked(cc: str, number: str) -> None:
    result = verify_tax_id(cc, number)
    assert result.outcome == "format_only"
    assert result.method == "no validator: regex for the format"
    assert "no public validator" in result.message


@pytest.mark.parametrize(
    ("cc", "number"),
    [
        ("SA", "400000000000003"),
        ("SA", "30000000000003"),
        ("AE", "1000000000000"),
        ("PH", "12345678"),
    ],
)
def test_without_a_validator_a_wrong_format_is_invalid(cc: str, number: str) -> None:
    result = verify_tax_id(cc, number)
    assert result.outcome == "invalid"
    assert "not the usual format" in result.message


def test_a_country_outside_the_catalog_uses_python_stdnum_when_it_can() -> None:
    result = verify_tax_id("GB", "XI432525179")  # eu.vat vector (Northern Ireland)
    assert result.outcome == "valid"
    assert "gb.vat" in result.method and "not in golive's country catalog" in result.method


def test_a_country_without_any_rule_is_unverifiable_and_says_so() -> None:
    result = verify_tax_id("AQ", "123 456")
    assert result.outcome == "unverifiable"
    assert "nothing was checked" in result.message


@pytest.mark.parametrize(
    ("cc", "number", "where"),
    [
        ("MX", "", "NUMBER"),
        ("MX", "   ", "NUMBER"),
        ("XX", "MAB9307148T4", "country code"),
        ("", "MAB9307148T4", "country code"),
        ("MX", "A" * 100, "NUMBER"),
    ],
)
def test_input_that_is_not_a_tax_id_at_all_is_bad_input(cc: str, number: str, where: str) -> None:
    with pytest.raises(BadInputError) as caught:
        verify_tax_id(cc, number)
    assert caught.value.where == where
    assert caught.value.advice


def test_the_time_of_the_check_comes_from_golives_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_NOW", "2026-01-02T03:04:05+00:00")
    result = verify_tax_id("IT", "00743110157")
    assert result.checked_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


# --- VIES, against a local stub ---------------------------------------------------------------


class ViesStub:
    """A loopback VIES REST stub: registered numbers answer valid, others invalid."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.registered = {("IT", "00743110157"), ("EL", "094259216")}
        self.mode = "normal"  # or "error500", "slow", "no-verdict"
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                stub.requests.append(body)
                if stub.mode == "slow":
                    time.sleep(1.0)
                if stub.mode == "error500":
                    self.send_response(500)
                    self.end_headers()
                    return
                if stub.mode == "no-verdict":
                    answer: dict[str, Any] = {
                        "actionSucceed": False,
                        "errorWrappers": [{"error": "MS_UNAVAILABLE"}],
                    }
                else:
                    key = (body["countryCode"], body["vatNumber"])
                    answer = {"valid": key in stub.registered, "countryCode": key[0]}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/check-vat-number"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ViesStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def vies() -> Iterator[ViesStub]:
    with ViesStub() as stub:
        yield stub


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/check-vat-number"


def test_vies_is_off_by_default(vies: ViesStub) -> None:
    result = verify_tax_id("IT", "00743110157", vies_url=vies.url)
    assert result.vies == "" and vies.requests == []


def test_vies_confirms_a_registered_number(vies: ViesStub) -> None:
    result = verify_tax_id("IT", "IT 00743110157", vies=True, vies_url=vies.url, timeout=5)
    assert result.outcome == "valid"
    assert result.vies == "valid"
    assert result.method.endswith("+ EU VIES")
    assert "VIES confirms" in result.message
    assert vies.requests == [{"countryCode": "IT", "vatNumber": "00743110157"}]


def test_vies_uses_el_for_greece(vies: ViesStub) -> None:
    result = verify_tax_id("GR", "EL 094259216", vies=True, vies_url=vies.url, timeout=5)
    assert result.vies == "valid"
    assert vies.requests == [{"countryCode": "EL", "vatNumber": "094259216"}]


def test_a_number_vies_does_not_know_is_invalid_even_with_right_check_digits(
    vies: ViesStub,
) -> None:
    result = verify_tax_id("IT", "00595000217", vies=True, vies_url=vies.url, timeout=5)
    assert result.outcome == "invalid"
    assert result.vies == "invalid"
    assert (
        "check digits are right, but VIES says IT00595000217 is not a valid VAT registration"
        in (result.message)
    )


def test_vies_unreachable_means_not_checked_and_the_local_verdict_stands() -> None:
    url = closed_port_url()
    result = verify_tax_id("IT", "00743110157", vies=True, vies_url=url, timeout=2)
    assert result.outcome == "valid"
    assert result.vies.startswith(f"not checked: could not reach VIES at {url}")


def test_vies_too_slow_means_not_checked(vies: ViesStub) -> None:
    vies.mode = "slow"
    result = verify_tax_id("IT", "00743110157", vies=True, vies_url=vies.url, timeout=0.2)
    assert result.outcome == "valid"
    assert result.vies == f"not checked: VIES did not answer within 0.2 s ({vies.url})"


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("error500", "VIES answered HTTP 500"),
        ("no-verdict", "VIES gave no verdict (MS_UNAVAILABLE)"),
    ],
)
def test_vies_trouble_is_reported_as_not_checked(vies: ViesStub, mode: str, said: str) -> None:
    vies.mode = mode
    result = verify_tax_id("IT", "00743110157", vies=True, vies_url=vies.url, timeout=5)
    assert result.outcome == "valid"
    assert result.vies.startswith("not checked:") and said in result.vies


def test_vies_is_not_asked_about_numbers_outside_the_eu_or_already_invalid(vies: ViesStub) -> None:
    mexico = verify_tax_id("MX", "MAB9307148T4", vies=True, vies_url=vies.url)
    assert mexico.vies == "not checked: VIES covers the VAT numbers of EU member states only"
    wrong = verify_tax_id("IT", "00743110158", vies=True, vies_url=vies.url)
    assert wrong.vies == "not checked: the number failed the local check"
    assert vies.requests == []


# --- the evidence in a session ----------------------------------------------------------------


def test_a_verification_is_kept_as_the_evidence_of_the_tax_id_item(tmp_path: Path) -> None:
    from golive.countries.taxid import record_tax_id
    from golive.session import evidence
    from golive.session.model import ItemStatus
    from session_factory import make_session

    session = make_session(("MX", "DE"))
    log = tmp_path / "s.evidence.jsonl"
    result = verify_tax_id("MX", "MAB9307148T4", now=MOMENT)
    record = record_tax_id(session, log, "MX", result, by="Ada")
    assert session.countries["MX"].tax_id_verification == result
    assert session.countries["MX"].tax_id == "MAB9307148T4"
    item = session.items["compliance.MX.tax_id"]
    assert item.status is ItemStatus.DONE and item.evidence == [record.id]
    stored = evidence.read(log).by_id()[record.id]
    assert stored.outcome == "passed" and stored.by == "Ada" and stored.ended == MOMENT

    # a format-only verdict leaves the item in progress, naming the lookup that confirms it
    warned = record_tax_id(session, log, "MX", verify_tax_id("MX", "AAA010101AAA"))
    mexico = session.items["compliance.MX.tax_id"]
    assert mexico.status is ItemStatus.IN_PROGRESS and warned.outcome == "warning"
    assert "SAT's RFC validation" in mexico.note and "--attest" in mexico.note

    wrong = record_tax_id(session, log, "DE", verify_tax_id("DE", "136695978"))
    assert session.items["compliance.DE.tax_id"].status is ItemStatus.FAILED
    assert wrong.outcome == "failed" and session.countries["DE"].tax_id == ""


def test_an_unverifiable_number_leaves_the_item_to_the_user(tmp_path: Path) -> None:
    from golive.countries.taxid import record_tax_id
    from golive.session.model import CountrySetup
    from session_factory import make_session

    session = make_session(("MX",))
    session.countries = {**session.countries, "AQ": CountrySetup()}
    record = record_tax_id(session, tmp_path / "log.jsonl", "AQ", verify_tax_id("AQ", "1"))
    assert record.outcome == "info"
    assert "compliance.AQ.tax_id" not in session.items


def test_recording_for_a_country_outside_the_session_is_bad_input(tmp_path: Path) -> None:
    from golive.countries.taxid import record_tax_id
    from session_factory import make_session

    session = make_session(("MX",))
    with pytest.raises(BadInputError, match="IT is not a country of this session"):
        record_tax_id(session, tmp_path / "log.jsonl", "IT", verify_tax_id("IT", "00743110157"))
