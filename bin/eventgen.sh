#!/bin/sh
# The `eventgen` modular input, as splunkd runs it (docs/SPLUNK.md):
#   eventgen.sh --scheme | --validate-arguments | (no argument: stream events)
#
# Finds a Node.js >= 20 and execs it on the bundled input (bin/eventgen-input.js in the packaged
# app, build/lib/splunk/input.js in a built source tree), so that splunkd's SIGTERM reaches Node.
# Where Node is looked for, in order:
#   1. $EVENTGEN_NODE (e.g. set in $SPLUNK_HOME/etc/splunk-launch.conf);
#   2. the first line of <app>/local/node_path;
#   3. `node` on PATH, then /usr/local/bin/node, /usr/bin/node, /opt/homebrew/bin/node;
#   4. $SPLUNK_HOME/bin/node, Splunk's internal copy, only if it is version 20 or later.
# splunkd puts $SPLUNK_HOME/lib first on LD_LIBRARY_PATH, which can break a system Node (OpenSSL
# mismatch), so it is cleared for every Node but Splunk's own.
# Without a usable Node it writes one ERROR line, which splunkd logs, and exits 1.

BIN_DIR=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd -P) || exit 1
APP_DIR=$(dirname -- "$BIN_DIR")

if [ -f "$BIN_DIR/eventgen-input.js" ]; then
  ENTRY="$BIN_DIR/eventgen-input.js"
elif [ -f "$APP_DIR/build/lib/splunk/input.js" ]; then
  ENTRY="$APP_DIR/build/lib/splunk/input.js"
else
  echo "ERROR eventgen: the modular input is missing: neither $BIN_DIR/eventgen-input.js nor $APP_DIR/build/lib/splunk/input.js exists. Reinstall the app." >&2
  exit 1
fi

SPLUNK_LD_LIBRARY_PATH=${LD_LIBRARY_PATH-}
unset LD_LIBRARY_PATH
TRIED=""

# Succeeds when $1 runs and is Node.js 20 or later (with the library path given in $2).
node_ok() {
  [ -n "$1" ] && [ -x "$1" ] || return 1
  if [ -n "${2-}" ]; then
    LD_LIBRARY_PATH="$2" "$1" -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' >/dev/null 2>&1
  else
    "$1" -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' >/dev/null 2>&1
  fi
}

for candidate in \
  "${EVENTGEN_NODE-}" \
  "$(if [ -f "$APP_DIR/local/node_path" ]; then head -n 1 "$APP_DIR/local/node_path" | tr -d '\r' | sed 's/^[[:space:]]*//;s/[[:space:]]*$//'; fi)" \
  "$(command -v node 2>/dev/null)" \
  /usr/local/bin/node /usr/bin/node /opt/homebrew/bin/node
do
  [ -n "$candidate" ] || continue
  TRIED="$TRIED $candidate"
  if node_ok "$candidate"; then
    exec "$candidate" "$ENTRY" "$@"
  fi
done

if [ -n "${SPLUNK_HOME-}" ] && [ -x "$SPLUNK_HOME/bin/node" ]; then
  TRIED="$TRIED $SPLUNK_HOME/bin/node"
  LIBS="$SPLUNK_HOME/lib${SPLUNK_LD_LIBRARY_PATH:+:$SPLUNK_LD_LIBRARY_PATH}"
  if node_ok "$SPLUNK_HOME/bin/node" "$LIBS"; then
    LD_LIBRARY_PATH="$LIBS"
    export LD_LIBRARY_PATH
    exec "$SPLUNK_HOME/bin/node" "$ENTRY" "$@"
  fi
fi

echo "ERROR eventgen: no Node.js 20 or later found (tried:${TRIED:- nothing}). Install Node.js >= 20, then set EVENTGEN_NODE in \$SPLUNK_HOME/etc/splunk-launch.conf or write its path into $APP_DIR/local/node_path, and restart the input." >&2
exit 1
