#!/bin/sh
# with-keyring.sh CMD...: private D-Bus session + unlocked gnome-keyring
if [ -z "$WITH_KEYRING_INNER" ]; then
  tmp=$(mktemp -d /tmp/kr.XXXXXX); mkdir -m700 "$tmp/run"
  HOME="$tmp" XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" WITH_KEYRING_INNER=1 \
    dbus-run-session -- "$0" "$@"
  rc=$?; rm -rf "$tmp"; exit $rc
fi
printf %s testpw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null &
kpid=$!; i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
   org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; do
  i=$((i+1)); [ $i -gt 500 ] && { kill $kpid; exit 97; }; sleep 0.01; done
"$@"; rc=$?; kill $kpid 2>/dev/null; wait $kpid 2>/dev/null; exit $rc
