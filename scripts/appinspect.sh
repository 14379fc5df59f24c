#!/usr/bin/env bash
# Packages the Splunk app and runs Splunk AppInspect on it (precert mode: every check, every tag).
# Fails on any AppInspect failure or error, and on any warning not explained in docs/SPLUNK.md
# ("AppInspect"); EXPLAINED below lists those. Takes about 30 s (install ~10-20 s, inspect ~7 s).
#   bash scripts/appinspect.sh [path/to/app.spl]   (without a path it runs `npm run package`)
set -euo pipefail
cd "$(dirname "$0")/.."

APPINSPECT_VERSION=4.3.1
EXPLAINED=(check_for_indexer_synced_configs check_for_modular_inputs)

if [[ $# -ge 1 ]]; then
  spl=$1
else
  spl=$(npm run --silent package | tail -n 1)
fi
echo "package: $spl"

# A virtualenv keeps AppInspect's many pinned dependencies away from the system's Python.
venv=${APPINSPECT_VENV:-${TMPDIR:-/tmp}/eventgen-appinspect-$APPINSPECT_VERSION}
if [[ ! -x "$venv/bin/splunk-appinspect" ]]; then
  if python3 -m venv "$venv" >/dev/null 2>&1; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "splunk-appinspect==$APPINSPECT_VERSION"
  else
    echo "python3 -m venv is not available; installing into the user site instead"
    python3 -m pip install --quiet --user --disable-pip-version-check "splunk-appinspect==$APPINSPECT_VERSION"
    venv=$(python3 -c 'import site; print(site.USER_BASE)')
  fi
fi
appinspect="$venv/bin/splunk-appinspect"

report=$(mktemp)
trap 'rm -f "$report"' EXIT
"$appinspect" inspect "$spl" --mode precert --data-format json --output-file "$report" >/dev/null

python3 - "$report" "${EXPLAINED[@]}" <<'PY'
import json, sys
report, explained = sys.argv[1], set(sys.argv[2:])
data = json.load(open(report))
bad, unexplained, counts = [], [], {}
for app in data["reports"]:
    for group in app["groups"]:
        for check in group["checks"]:
            result = check["result"]
            counts[result] = counts.get(result, 0) + 1
            msgs = [m.get("message", "") for m in check.get("messages", [])]
            if result in ("failure", "error", "future_failure"):
                bad.append((result, check["name"], msgs))
            elif result == "warning":
                tag = "explained in docs/SPLUNK.md" if check["name"] in explained else "NOT EXPLAINED"
                print(f"warning  {check['name']} ({tag})")
                for m in msgs:
                    print(f"           {m}")
                if check["name"] not in explained:
                    unexplained.append(check["name"])
for result, name, msgs in bad:
    print(f"{result.upper():8} {name}")
    for m in msgs:
        print(f"           {m}")
print("AppInspect: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
if bad or unexplained:
    if unexplained:
        print("Explain each new warning in docs/SPLUNK.md (AppInspect) and list it in scripts/appinspect.sh, or fix it.")
    sys.exit(1)
PY
