#!/bin/sh
# Run the whole suite. With gnome-keyring installed, inside a private D-Bus session with an
# unlocked Secret Service (tests/with-keyring.sh), so the keyring tests talk to a real keyring.
#
# JOBS=N (or JOBS=auto) spreads the tests over N pytest-xdist workers; tests that share something
# machine-wide (the keyring, the snapshot folder: tests/conftest.py) stay together in one worker.
# The default spreads it over every core (JOBS=0: one process, e.g. to debug a test).
# `--snapshot-update` always runs in one process (syrupy cannot merge the workers' snapshots).
set -eu
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
JOBS=${JOBS:-auto}
# NO_COLOR changes how the snapshot tests render (see stack-facts); the suite sets its own.
unset NO_COLOR || true
case " $* " in
  *" --snapshot-update "*) JOBS=0 ;;
esac
if [ "$JOBS" != 0 ]; then
  set -- -n "$JOBS" --dist loadgroup "$@"
fi
if command -v gnome-keyring-daemon >/dev/null 2>&1 && command -v dbus-run-session >/dev/null 2>&1; then
  exec tests/with-keyring.sh "$PY" -m pytest -q "$@"
fi
echo "note: gnome-keyring is not installed; the keyring tests will skip (see README: 'A keyring on a headless server')" >&2
exec "$PY" -m pytest -q "$@"
