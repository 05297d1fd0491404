"""`golive env` and `golive wire`: the API settings of an environment, per ONESOURCE product.

golive env SESSION --env staging [--product determination|einvoicing] [--preset us|emea|uat|
           sandbox|custom] [--base-url URL] [--token-url URL] [--client-id ID] [--scope S]
           [--token-format form|json|json-assertion] [--company-id ID] [--internal-company-id N]
           [--shares-credentials | --own-credentials] [--path calculate|submit|status=/PATH]
           [--calling-system-number N] [--host-system NAME] [--country CC] [--json]
golive wire [SESSION --env staging] [--json]

Without a change, `golive env` shows the environment's settings for both products, each value
marked with how sure golive is of it when it is one of golive's guessed wire shapes.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from golive.cli.common import SESSION_HELP, _open
from golive.cli.wire_commands import cmd_wire
from golive.session.errors import BadInputError

if TYPE_CHECKING:
    from golive.session.model import EnvironmentSettings, Session

PRESET_CHOICES = ("us", "emea", "uat", "sandbox", "custom")
# Settings whose value comes from a wire.toml entry: (setting, wire entry).
GUESSED_SETTINGS = dict(
    (
        ("scope", "idt_scope"),
        ("calculate_path", "calculate_path"),
        ("einvoice_submit_path", "einvoice_submit_path"),
        ("einvoice_status_path", "einvoice_status_path"),
        ("token_format", "token_request"),
    )
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # Long because one add_argument per flag, each with its help text.
    """Add `golive env` and `golive wire` to `golive`."""
    from golive.api.endpoints import NO_EMEA_UAT

    env = sub.add_parser(
        "env",
        help="show or set an environment's API settings, per product (Determination, E-Invoicing)",
        description="Show or set where golive calls ONESOURCE in one environment, for Indirect "
        "Tax Determination and for E-Invoicing (often another host, EMEA, with credentials and "
        "a scope of its own). Presets: us (api.onesourcetax.com), emea "
        "(api-emea.onesourcetax.com), uat (api-uat.onesourcetax.com, the US UAT), sandbox, or "
        f"custom with --base-url. Note: {NO_EMEA_UAT}.",
    )
    env.add_argument("session", metavar="SESSION", help=SESSION_HELP)
    env.add_argument("--env", required=True, choices=("staging", "production"))
    env.add_argument(
        "--product",
        choices=("determination", "einvoicing"),
        default="determination",
        help="which product the options set (default determination)",
    )
    env.add_argument("--preset", choices=PRESET_CHOICES, help="fill in a public host")
    env.add_argument(
        "--base-url", metavar="URL", help="the product's host (https:// for production)"
    )
    env.add_argument("--token-url", metavar="URL", help="empty: BASE/oauth2/v1/token")
    env.add_argument("--client-id", metavar="ID")
    env.add_argument("--scope", metavar="SCOPE")
    env.add_argument(
        "--token-format",
        choices=("form", "json", "json-assertion"),
        help="the token request: an OAuth2 form (default), JSON, or JSON with the credentials "
        "in an assertion header",
    )
    env.add_argument(
        "--company-id",
        metavar="ID",
        help="the externalCompanyId (with --country: that country's own, in this environment)",
    )
    env.add_argument("--internal-company-id", metavar="N", help="the internal Determination id")
    env.add_argument(
        "--path",
        action="append",
        default=[],
        metavar="NAME=/PATH",
        help="a call's path below the base URL: calculate=... (Determination), submit=... or "
        "status=.../{document_id}/... (E-Invoicing); repeat for more",
    )
    env.add_argument("--country", metavar="CC", help="with --company-id: a country's own company")
    shared = env.add_mutually_exclusive_group()
    shared.add_argument(
        "--shares-credentials",
        action="store_const",
        const=True,
        dest="shares",
        help="E-Invoicing uses the Determination client id and secret",
    )
    shared.add_argument(
        "--own-credentials",
        action="store_const",
        const=False,
        dest="shares",
        help="E-Invoicing has a client id and secret of its own (`golive secret set SESSION "
        "--env ENV --product einvoicing`)",
    )
    env.add_argument("--calling-system-number", metavar="N", help="audit key callingSystemNumber")
    env.add_argument("--host-system", metavar="NAME", help="audit key hostSystem")
    env.add_argument("--json", action="store_true", help="print the settings as JSON")
    env.set_defaults(handler=cmd_env)

    shapes = sub.add_parser(
        "wire",
        help="golive's assumptions about the ONESOURCE wire, each with its confidence and source",
        description="List every wire shape golive assumes (paths, headers, token request, "
        "error body, status names), whether it is confirmed by Thomson Reuters' public material, "
        "seen in one unofficial sample, or golive's guess, and where it comes from. With a "
        "session and --env, the values in force there (override any with "
        "[environments.ENV.wire] in the session file).",
    )
    shapes.add_argument("session", metavar="SESSION", nargs="?", help=SESSION_HELP)
    shapes.add_argument("--env", choices=("staging", "production"), default="staging")
    shapes.add_argument("--json", action="store_true")
    shapes.set_defaults(handler=cmd_wire)


# --- golive env ----------------------------------------------------------------------------------


def _changes(args: argparse.Namespace) -> bool:
    keys = (
        "preset", "base_url", "token_url", "client_id", "scope", "token_format", "company_id",
        "internal_company_id", "shares", "calling_system_number", "host_system",
    )  # fmt: skip
    return bool(args.path) or any(getattr(args, key) is not None for key in keys)


PATH_SETTINGS = {
    "calculate": ("determination", "calculate_path"),
    "submit": ("einvoicing", "einvoice_submit_path"),
    "status": ("einvoicing", "einvoice_status_path"),
}


def _paths(raw: list[str]) -> dict[str, str]:
    """--path NAME=/PATH options as {setting: path}."""
    found: dict[str, str] = {}
    for entry in raw:
        name, _, path = entry.partition("=")
        if name not in PATH_SETTINGS or not path:
            raise BadInputError(
                f"--path {entry!r} is not NAME=/PATH",
                where="--path",
                advice="use calculate=/..., submit=/... or status=/.../{document_id}/...",
            )
        found[PATH_SETTINGS[name][1]] = path
    return found


def _internal_id(raw: str) -> int | None:
    if raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadInputError(
            f"--internal-company-id {raw!r} is not a whole number",
            where="--internal-company-id",
            advice="give the internal Determination id (digits), or '' to clear it",
        ) from None


def apply_changes(settings: EnvironmentSettings, args: argparse.Namespace) -> EnvironmentSettings:
    # Long because one assignment per flag of `golive env`.
    """The environment's settings with the command's changes (validated by the model)."""
    from pydantic import ValidationError

    from golive.api.endpoints import PRESET_ALIASES, apply_einvoicing_preset, apply_preset
    from golive.session.model import EnvironmentSettings

    product = args.product
    if args.preset == "custom" and not args.base_url:
        raise BadInputError(
            "--preset custom needs --base-url",
            where="--base-url",
            advice="give the customer's own host, e.g. --base-url https://onesource.acme.example",
        )
    if args.shares is not None and product != "einvoicing":
        raise BadInputError(
            "--shares-credentials / --own-credentials are for --product einvoicing",
            where="--product",
            advice="add --product einvoicing",
        )
    if product == "einvoicing" and (args.calling_system_number or args.host_system):
        raise BadInputError(
            "the audit keys belong to the tax calculation (Determination)",
            where="--product",
            advice="set them without --product einvoicing",
        )
    if args.preset and args.preset != "custom":
        if product == "einvoicing":
            settings = apply_einvoicing_preset(settings, args.preset, base_url=args.base_url)
        else:
            settings = apply_preset(settings, PRESET_ALIASES[args.preset], base_url=args.base_url)
    data = settings.model_dump()
    target = data["einvoicing"] if product == "einvoicing" else data
    if args.preset == "custom":
        target["preset"] = "custom"
    simple = {
        "base_url": args.base_url,
        "token_url": args.token_url,
        "client_id": args.client_id,
        "scope": args.scope,
        "token_format": args.token_format,
    }
    if not args.country:
        simple["external_company_id"] = args.company_id
    for key, value in simple.items():
        if value is not None:
            target[key] = value
    if args.internal_company_id is not None:
        target["company_id"] = _internal_id(args.internal_company_id)
    if args.shares is not None:
        target["shares_credentials"] = args.shares
    data.update(_paths(args.path))  # the paths are settings of the environment (both products)
    if args.calling_system_number is not None:
        data["calling_system_number"] = args.calling_system_number
    if args.host_system is not None:
        data["host_system"] = args.host_system
    try:
        return EnvironmentSettings.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadInputError(
            f"{where}: {first['msg']}",
            where=f"environments.{args.env}.{where}",
            advice="correct the value and run again (nothing was saved)",
        ) from None


def cmd_env(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from golive.api.endpoints import NO_EMEA_UAT

    handle = _open(args.session, read_only=not _changes(args))
    session = handle.session
    if args.country and args.company_id is None:
        raise BadInputError(
            "--country goes with --company-id", where="--country", advice="add --company-id ID"
        )
    changed = _changes(args)
    if changed:
        handle.ensure_writable()
        from golive.api.endpoints import Endpoints

        current = getattr(session.environments, args.env)
        updated = apply_changes(current, args)
        if updated.base_url:
            Endpoints.of(updated, args.env)  # paths, https for production, wire overrides
        if args.country:
            code = args.country.strip().upper()
            if code not in session.active_countries():
                raise BadInputError(
                    f"{code} is not a country of this session",
                    where="--country",
                    advice=f"the session has: {', '.join(session.active_countries()) or 'none'}",
                )
            setattr(session.countries[code].company_ids, args.env, args.company_id)
        try:
            setattr(session.environments, args.env, updated)
        except ValidationError as error:
            raise BadInputError(
                str(error.errors()[0]["msg"]).removeprefix("Value error, "),
                where=f"environments.{args.env}",
                advice="production endpoints must be https://; nothing was saved",
            ) from None
        handle.save()
    settings = getattr(session.environments, args.env)
    document = settings_document(session, args.env)
    if args.json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    _print_settings(document)
    if changed:
        print(f"saved {args.env} settings to {handle.path}")
    presets = {args.preset, settings.preset, settings.einvoicing.preset}
    if presets & {"uat", "emea", "onesource-uat", "onesource-emea"}:
        print(f"note: {NO_EMEA_UAT}")
    return 0


def _mark(settings: EnvironmentSettings, setting: str, value: str) -> str:
    """ "golive's guess" or "one unofficial sample" when the value is wire.toml's unconfirmed one."""
    from golive.api import wire

    name = GUESSED_SETTINGS.get(setting)
    if name is None:
        return ""
    entry = wire.entries()[name]
    if entry.guessed and value == entry.value:
        return wire.CONFIDENCE_WORDS[entry.confidence]
    return ""


def settings_document(session: Session, environment: str) -> dict[str, Any]:
    """Both products' settings of one environment, with the guessed ones marked; no secret."""
    from golive.secrets import client_secret_name, env_var_name

    settings: EnvironmentSettings = getattr(session.environments, environment)
    einv = settings.einvoicing

    def row(label: str, value: Any, setting: str = "") -> dict[str, Any]:
        text = "" if value is None else str(value)
        return {"setting": label, "value": text, "guessed": _mark(settings, setting, text)}

    determination = [
        row("preset", settings.preset),
        row("base_url", settings.base_url),
        row("token_url", settings.resolved_token_url()),
        row("client_id", settings.client_id),
        row(
            "client secret",
            f"keyring {client_secret_name(environment)} or "
            f"{env_var_name(client_secret_name(environment))}",
        ),
        row("scope", settings.scope, "scope"),
        row("token_format", settings.token_format, "token_format"),
        row("calculate_path", settings.calculate_path, "calculate_path"),
        row("external_company_id", settings.external_company_id),
        row("company_id (internal)", settings.company_id),
        row("hostSystem", settings.host_system),
        row("callingSystemNumber", settings.calling_system_number),
    ]
    own = not einv.shares_credentials
    secret = client_secret_name(environment, "einvoicing" if own else "determination")
    einvoicing = [
        row("preset", einv.preset or "(as Determination)"),
        row("base_url", settings.einvoicing_base_url()),
        row("token_url", settings.einvoicing_token_url()),
        row("credentials", "its own" if own else "shared with Determination"),
        row("client_id", settings.einvoicing_client_id()),
        row("client secret", f"keyring {secret} or {env_var_name(secret)}"),
        row("scope", settings.einvoicing_scope(), "scope"),
        row("token_format", settings.einvoicing_token_format(), "token_format"),
        row("submit_path", settings.einvoice_submit_path, "einvoice_submit_path"),
        row("status_path", settings.einvoice_status_path, "einvoice_status_path"),
        row("external_company_id", settings.einvoicing_company()),
    ]
    countries = {
        code: session.countries[code].company_for(environment)
        for code in session.active_countries()
        if session.countries[code].company_for(environment)
    }
    return {
        "environment": environment,
        "determination": determination,
        "einvoicing": einvoicing,
        "country_company_ids": countries,
        "wire_overrides": dict(settings.wire),
    }


def _print_settings(document: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console(highlight=False, soft_wrap=False)
    for product, title in (("determination", "Determination"), ("einvoicing", "E-Invoicing")):
        table = Table(
            "setting", "value", "", title=f"{document['environment']}: {title}",
            title_justify="left", box=None, pad_edge=False,
        )  # fmt: skip
        for entry in document[product]:
            mark = f"guessed ({entry['guessed']})" if entry["guessed"] else ""
            table.add_row(entry["setting"], entry["value"], mark, style=None)
        out.print(table, markup=False)
    for code, company in document["country_company_ids"].items():
        print(f"  {code}: externalCompanyId {company}")
    for name, value in document["wire_overrides"].items():
        print(f"  wire override {name} = {value}")
