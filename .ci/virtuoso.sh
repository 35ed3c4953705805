#!/usr/bin/env bash
# Install Debian's Virtuoso Open Source, bind it to 127.0.0.1, start it, allow SPARQL
# Update for the anonymous "SPARQL" user, and print the endpoint variables.
#
# Use:   eval "$(bash .ci/virtuoso.sh)"     # exports KG_TEST_SPARQL_ENDPOINT, _UPDATE, _GRAPH_STORE, _AUTH_*
# Env:   VIRTUOSO_DBA_PASSWORD (default: dba), VIRTUOSO_HTTP_PORT (8890), VIRTUOSO_SQL_PORT (1111)
# Logs go to stderr; only `export …` lines go to stdout. Idempotent: a running server is reused.
set -euo pipefail

HTTP_PORT="${VIRTUOSO_HTTP_PORT:-8890}"
SQL_PORT="${VIRTUOSO_SQL_PORT:-1111}"
DBA_PW="${VIRTUOSO_DBA_PASSWORD:-dba}"
ENDPOINT="http://127.0.0.1:${HTTP_PORT}/sparql"
log() { echo "virtuoso.sh: $*" >&2; }

answers() {
  curl -fsS -m 5 -o /dev/null -H 'Accept: application/sparql-results+json' \
    --data-urlencode 'query=ASK {}' "$ENDPOINT" 2>/dev/null
}

if ! command -v virtuoso-t >/dev/null 2>&1; then
  log "installing virtuoso-opensource (Debian)"
  export DEBIAN_FRONTEND=noninteractive
  # the package asks for a DBA password through debconf
  echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password ${DBA_PW}" | debconf-set-selections
  echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password ${DBA_PW}" | debconf-set-selections
  echo "virtuoso-opensource-7 virtuoso-opensource-7/enable-at-startup boolean false" | debconf-set-selections
  if ! apt-get -o DPkg::Lock::Timeout=600 install -y -qq virtuoso-opensource curl >/dev/null 2>&1; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq virtuoso-opensource curl >&2
  fi
fi
command -v curl >/dev/null 2>&1 || { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq curl >&2; }

INI=/etc/virtuoso-opensource-7/virtuoso.ini
DB_DIR=/var/lib/virtuoso-opensource-7/db
[ -f "$INI" ] || { log "no $INI after install"; exit 1; }

if ! answers; then
  log "configuring $INI (127.0.0.1 only)"
  python3 - "$INI" "$SQL_PORT" "$HTTP_PORT" <<'PY'
import re, sys
path, sql_port, http_port = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path, encoding="utf-8", errors="surrogateescape").read()
out, section = [], None
want = {
    "Parameters": {"ServerPort": f"127.0.0.1:{sql_port}"},
    "HTTPServer": {"ServerPort": f"127.0.0.1:{http_port}"},
    "SPARQL": {"ResultSetMaxRows": "1000000", "MaxQueryExecutionTime": "600",
               "MaxQueryCostEstimationTime": "0", "MaxSortedTopRows": "1000000"},
}
seen: dict[str, set[str]] = {}
for line in text.splitlines():
    m = re.match(r"\s*\[([^\]]+)\]", line)
    if m:
        if section in want:
            for k, v in want[section].items():
                if k not in seen.get(section, set()):
                    out.append(f"{k} = {v}")
        section = m.group(1).strip()
        out.append(line)
        continue
    key = re.match(r"\s*;?\s*([A-Za-z]+)\s*=", line)
    if section in want and key and key.group(1) in want[section]:
        k = key.group(1)
        if k in seen.setdefault(section, set()):
            continue
        seen[section].add(k)
        out.append(f"{k} = {want[section][k]}")
        continue
    out.append(line)
if section in want:
    for k, v in want[section].items():
        if k not in seen.get(section, set()):
            out.append(f"{k} = {v}")
open(path, "w", encoding="utf-8", errors="surrogateescape").write("\n".join(out) + "\n")
PY
  mkdir -p "$DB_DIR"
  log "starting virtuoso-t"
  (cd "$DB_DIR" && virtuoso-t +configfile "$INI" +wait >&2) || true
  for _ in $(seq 1 120); do
    answers && break
    sleep 1
  done
  answers || { log "the SPARQL endpoint $ENDPOINT does not answer"; tail -n 30 "$DB_DIR"/virtuoso.log >&2 || true; exit 1; }
fi

log "granting SPARQL_UPDATE to SPARQL"
# (a second run says the role is already assigned: harmless)
isql-vt "127.0.0.1:${SQL_PORT}" dba "$DBA_PW" exec='GRANT SPARQL_UPDATE TO "SPARQL";' >&2 || true
# Graph Store protocol (/sparql-graph-crud) needs the same right on DB.DBA.SPARQL_INSERT_DICT_CONTENT etc.
isql-vt "127.0.0.1:${SQL_PORT}" dba "$DBA_PW" \
  exec="GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO \"SPARQL\"; GRANT EXECUTE ON DB.DBA.SPARQL_DELETE_DICT_CONTENT TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);" >&2 || true

log "ready: $ENDPOINT"
echo "export KG_TEST_SPARQL_ENDPOINT=${ENDPOINT}"
echo "export KG_TEST_SPARQL_UPDATE=${ENDPOINT}"
echo "export KG_TEST_SPARQL_GRAPH_STORE=http://127.0.0.1:${HTTP_PORT}/sparql-graph-crud"
# Digest-authenticated endpoints, for the auth tests (local test server only)
echo "export KG_TEST_SPARQL_AUTH_UPDATE=http://127.0.0.1:${HTTP_PORT}/sparql-auth"
echo "export KG_TEST_SPARQL_AUTH_USER=dba"
echo "export KG_TEST_SPARQL_AUTH_PASSWORD=${DBA_PW}"
