"""What address a host name really is: every spelling of an IP address, and what a name resolves to.

`127.1`, `0x7f.1`, `2130706433`, `[::ffff:127.0.0.1]` and `localhost.` are all this machine; a
name can resolve to it (or to a private network) whatever it is called. The rehearsal rule
(`golive.api.endpoints.is_rehearsal`) is decided on these addresses, not on the spelling.
"""

from __future__ import annotations

import ipaddress
import socket
import threading

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
RESOLVE_TIMEOUT_S = 3.0  # the most a rehearsal decision waits for DNS


def numeric_address(host: str) -> IPAddress | None:
    """The address `host` spells, in any form the resolver accepts as a number; else None.

    The C library (and so httpx and curl) takes `127.1`, `0x7f.1`, `017700000001` and
    `2130706433` as 127.0.0.1: inet_aton reads them the same way here.
    """
    text = host.strip().strip("[]").rstrip(".")
    text = text.split("%", 1)[0]  # an IPv6 zone (fe80::1%eth0)
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if ":" in text or not text:
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except (OSError, ValueError):
        return None


def is_local_address(address: IPAddress | str) -> bool:
    """This machine, a private network, link-local or unspecified (IPv4-mapped forms included)."""
    ip = numeric_address(address) if isinstance(address, str) else address
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified


def is_local_name(host: str) -> bool:
    """`localhost` and the names below it (RFC 6761: always this machine), with or without a final dot."""
    name = host.strip().strip("[]").rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def resolve(host: str, *, within: float = RESOLVE_TIMEOUT_S) -> list[str]:
    """The addresses `host` resolves to, or [] when it does not resolve within `within` seconds.

    getaddrinfo has no timeout of its own, so it runs in a daemon thread that is left behind if
    the resolver hangs (it ends when the resolver gives up).
    """
    found: list[str] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host.strip("[]"), None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError, ValueError):
            return
        found.extend(dict.fromkeys(str(info[4][0]) for info in infos))

    worker = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(within)
    return list(found) if not worker.is_alive() else []


def is_local_host(host: str, *, addresses: list[str] | None = None) -> bool:
    """Whether `host` is this machine or a private network: by its spelling as a number, by name
    (`localhost`), or by what it resolves to (`addresses` when already known, else a lookup)."""
    if not host:
        return False
    if is_local_name(host):
        return True
    number = numeric_address(host)
    if number is not None:
        return is_local_address(number)
    found = resolve(host) if addresses is None else addresses
    return any(is_local_address(address) for address in found)
