#!/usr/bin/env bash
# The wheel job: build kg's wheel, check its contents against the source tree, install it
# into a brand-new venv and use it from a temporary folder outside the checkout: build the
# examples and one .docx/.xlsx/.pdf/.html plan, validate, query, write the report, and
# serve SPARQL on 127.0.0.1. Then the README's build command, as written, in a copy of the
# checkout. Every step must succeed; the first failure stops the job.
#
#   bash .ci/wheel_smoke.sh [DIST]    # the wheel is left in DIST (default: a temp folder)
#
# Needs python3 with venv, curl, and the package index. .ci/run calls it before the
# README's test command and hands the wheel to tests/test_packaging.py (KG_WHEEL).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/kg-wheel.XXXXXX)"
DIST="${1:-$WORK/dist}"
mkdir -p "$DIST"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "wheel job FAILED: $*" >&2; exit 1; }

echo "== wheel: tools venv (pip, check-wheel-contents, pytest, fixture writers)"
python3 -m venv "$WORK/tools"
TOOLS="$WORK/tools/bin"
"$TOOLS/pip" install -q --upgrade pip
"$TOOLS/pip" install -q check-wheel-contents pytest pytest-xdist python-docx openpyxl reportlab

echo "== wheel: build from a copy of the sources (no build/ or *.egg-info left in the checkout)"
mkdir "$WORK/src"
(cd "$REPO" && tar -cf - --exclude=__pycache__ --exclude='*.pyc' pyproject.toml README.md kg ontology queries visualize) \
    | tar -xf - -C "$WORK/src"
rm -f "$DIST"/kg-*.whl
"$TOOLS/pip" wheel -q --no-deps "$WORK/src" -w "$DIST"
WHEEL="$(ls "$DIST"/kg-*.whl)"
echo "built $WHEEL"

echo "== wheel: contents"
"$TOOLS/check-wheel-contents" "$WHEEL"
(cd "$REPO" && KG_WHEEL="$WHEEL" "$TOOLS/python" -m pytest -q -p no:cacheprovider tests/test_packaging.py)

echo "== wheel: a brand-new venv with the wheel"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --upgrade pip
"$WORK/venv/bin/pip" install -q "$WHEEL"
KG="$WORK/venv/bin/kg"

RUN="$WORK/run"   # outside the checkout: nothing of the source tree can be imported from here
mkdir "$RUN"
cd "$RUN"
[ "$("$WORK/venv/bin/python" -c 'import kg, os; print(os.path.dirname(kg.__file__))')" = "$("$WORK/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/kg" ] \
    || fail "kg is not imported from the venv's site-packages"

echo "== wheel: kg build $REPO/examples -o out"
"$KG" build "$REPO/examples" -o out | tee build.log
grep -q " 72 tasks," build.log || fail "the examples did not give 72 tasks"
[ -s out/index.html ] || fail "no out/index.html"

echo "== wheel: a .docx, .xlsx, .pdf and .html plan (tests/readers_fixtures.py)"
"$TOOLS/python" - "$REPO/tests" "$RUN/fixtures" <<'PY'
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
import readers_fixtures as fx

out = Path(sys.argv[2])
out.mkdir()
fx.write_docx_prose(out / "plan.docx")
fx.write_xlsx_table(out / "plan.xlsx")
fx.write_pdf_prose(out / "plan.pdf", fx.pdf_font())
fx.write_html_table(out / "plan.html")
PY
for suffix in docx xlsx pdf html; do
    "$KG" build "fixtures/plan.$suffix" -o "out_$suffix" -q --strict 2>&1 | tee "build_$suffix.log"
    grep -q " 6 tasks," "build_$suffix.log" || fail "plan.$suffix did not give its 6 tasks"
done

echo "== wheel: kg validate, kg query, kg report"
"$KG" validate out
"$KG" query lead_counts --graph out | tee query.log
grep -q "区发改委" query.log || fail "lead_counts does not list 区发改委"
rm out/index.html
"$KG" report out
[ -s out/index.html ] || fail "kg report wrote no index.html"

echo "== wheel: kg serve on 127.0.0.1"
PORT="$("$TOOLS/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$KG" serve out --port "$PORT" > serve.log 2>&1 &
SERVER_PID=$!
QUERY='SELECT (COUNT(*) AS ?n) WHERE { ?t <https://w3id.org/govkg/ns#lead> ?u }'
ANSWER=""
for _ in $(seq 1 60); do
    if ANSWER="$(curl -sf -G -H 'Accept: application/sparql-results+json' \
            --data-urlencode "query=$QUERY" "http://127.0.0.1:$PORT/sparql")"; then
        break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat serve.log; fail "kg serve exited"; }
    sleep 1
done
echo "$ANSWER"
echo "$ANSWER" | "$TOOLS/python" -c 'import json, sys; n = int(json.load(sys.stdin)["results"]["bindings"][0]["n"]["value"]); sys.exit(0 if n > 0 else 1)' \
    || { cat serve.log; fail "no SPARQL answer from kg serve"; }
kill "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=""

echo "== the README's build command, in a copy of the checkout (a non-editable install)"
mkdir "$WORK/clone"
(cd "$REPO" && git ls-files -z | xargs -0 tar -cf -) | tar -xf - -C "$WORK/clone"
cd "$WORK/clone"
if ! (python3 -m venv .venv && . .venv/bin/activate && pip install . && python build_graph.py) > readme_build.log 2>&1; then
    tail -30 readme_build.log
    fail "the README's build command"
fi
grep -v "^WARNING: Location" readme_build.log | tail -3
grep -q "^Built out: .* 72 tasks," readme_build.log || fail "the README's build command did not give 72 tasks"
[ -s out/index.html ] || fail "the README's build command wrote no out/index.html"

echo "== wheel: OK"
