#!/usr/bin/env bash
# Mutation testing of the generated projects: a development measurement of
# how many deliberate bugs (mutants) the generated tests catch. It is too slow
# for make e2e; run it with `make mutation` after changing templates or tests.
#
#   internal/mutation/run.sh [VARIANT...]     default: every variant
#
# Environment:
#   FWGEN             fwgen binary to generate with (default: build ./cmd/fwgen)
#   MUTATION_TIMEOUT  bound on one variant's mutmut run (default: 20m)
#   MUTATION_JOBS     mutants run in parallel (default: 2)
#   PYTHON            interpreter for the virtualenvs (default: python3)
#   MUTATION_OUT      where the projects go (default: build/mutation)
#
# Per variant it generates the project under build/mutation/<variant>,
# installs it with its dev extra and mutmut, runs mutmut over the application
# packages (not tests or migrations), and prints one line with the score;
# `mutmut results` and `mutmut show NAME` in the project list the survivors.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=${MUTATION_OUT:-$root/build/mutation}
timeout=${MUTATION_TIMEOUT:-20m}
jobs=${MUTATION_JOBS:-2}
python=${PYTHON:-python3}
mkdir -p "$out"
# The virtualenvs hold packages that ship Go files; a go.mod keeps fwgen's
# `go test ./...` out of them when the output is inside the repository.
[[ -f $out/go.mod ]] || echo "module fwgen.invalid/mutation-output" >"$out/go.mod"

if [[ -z "${FWGEN:-}" ]]; then
	FWGEN="$out/fwgen"
	(cd "$root" && go build -o "$FWGEN" ./cmd/fwgen)
fi

# "name framework project" for every variant the built-in templates declare
# in their manifests (fwgen template test --json lists them).
variants() {
	for fw in flask django; do
		"$FWGEN" template test "$fw" --json 2>/dev/null |
			"$python" -c 'import json, sys; [print(v["name"], sys.argv[1], v["project"]) for v in json.load(sys.stdin)["variants"]]' "$fw"
	done
}

run_variant() {
	local name=$1 framework=$2 project=$3
	local dir="$out/$name"
	rm -rf "$dir"
	mkdir -p "$dir"
	"$FWGEN" template render "$framework" --variant "$name" --output "$dir/$project" >/dev/null
	local proj="$dir/$project"
	"$python" -m venv "$dir/venv"
	"$dir/venv/bin/pip" install -q -e "$proj[dev]" mutmut >"$dir/install.log" 2>&1

	# What mutmut mutates and copies; appended here so that the generated
	# projects do not carry a tool they do not use.
	# Files beside the packages that the tests need in mutmut's copy.
	local copy=()
	for f in wsgi.py manage.py typings/ migrations/ templates/ static/; do
		[[ -e $proj/$f ]] && copy+=("\"$f\"")
	done
	local also_copy
	also_copy=$(IFS=,; echo "${copy[*]}")
	if [[ $framework == flask ]]; then
		cat >>"$proj/pyproject.toml" <<TOML

[tool.mutmut]
paths_to_mutate = ["$project/"]
do_not_mutate = ["$project/migrations/*"]
also_copy = [$also_copy]
TOML
	else
		cat >>"$proj/pyproject.toml" <<TOML

[tool.mutmut]
paths_to_mutate = ["config/", "users/", "api/"]
do_not_mutate = ["*/migrations/*"]
also_copy = [$also_copy]
TOML
	fi

	local start=$SECONDS status=0
	(cd "$proj" && PATH="$dir/venv/bin:$PATH" timeout "$timeout" \
		mutmut run --max-children "$jobs" >"$dir/mutmut.log" 2>&1) || status=$?
	(cd "$proj" && PATH="$dir/venv/bin:$PATH" mutmut export-cicd-stats >/dev/null 2>&1) || true
	local stats="$proj/mutants/mutmut-cicd-stats.json"
	if [[ ! -f $stats ]]; then
		echo "mutation $name: no result (mutmut exit $status; see $dir/mutmut.log)"
		return 1
	fi
	"$python" - "$name" "$stats" "$((SECONDS - start))" "$status" <<'PY'
import json, sys
name, path, secs, status = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
s = json.load(open(path))
total = s["total"]
killed = s["killed"]
note = "" if status == "0" else f" (mutmut exit {status}: bounded or failed, partial)"
print(f"mutation {name}: {killed}/{total} killed ({100 * killed / max(total, 1):.1f}%), "
      f"{s['survived']} survived, {s.get('timeout', 0)} timed out, "
      f"{s.get('no_tests', 0)} without tests, {secs}s{note}")
PY
}

wanted=("$@")
while read -r line; do
	set -- $line
	if [[ ${#wanted[@]} -eq 0 || " ${wanted[*]} " == *" $1 "* ]]; then
		run_variant "$@"
	fi
done < <(variants)
