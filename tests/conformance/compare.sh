#!/usr/bin/env bash
# Runs the conformance suite against srinit, tini, dumb-init and catatonit, one after the
# other, and prints a markdown table with one row per test and one column per init,
# followed by each init's FAIL lines. Needs root, like run.sh.
#
#   tests/conformance/compare.sh [--differences]
#
# --differences prints only the rows where the inits disagree. Environment: BUILD (default
# "build") for srinit and the helpers.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export BUILD=${BUILD:-build}
only_differences=no
[[ "${1:-}" == --differences ]] && only_differences=yes

catatonit=/usr/bin/catatonit
[[ -x "$catatonit" ]] || catatonit=/usr/libexec/podman/catatonit

# Column title, then the init and the arguments that go before the command.
INITS=(
    "srinit|$ROOT/${BUILD#"$ROOT"/}/srinit --no-routing --"
    "tini-static|/usr/bin/tini-static --"
    "dumb-init|/usr/bin/dumb-init --"
    "catatonit|$catatonit --"
)

results=$(mktemp -d "${TMPDIR:-/tmp}/srinit-compare.XXXXXX")
trap 'rm -rf "$results"' EXIT

titles=()
for entry in "${INITS[@]}"; do
    title=${entry%%|*}
    read -r -a command <<<"${entry#*|}"
    titles+=("$title")
    if [[ ! -x "${command[0]}" ]]; then
        echo "$title: ${command[0]} is missing; its column shows 'missing'" >&2
        : >"$results/$title"
        continue
    fi
    echo "running the suite against $title: ${command[*]}" >&2
    bash "$ROOT/tests/conformance/run.sh" "${command[@]}" >"$results/$title" 2>&1
done

# One row per test name, in the order of the first output that has it.
print_table() {
    awk -v only_differences="$only_differences" -v titles="${titles[*]}" '
        BEGIN {
            columns = split(titles, title, " ")
            for (c = 1; c <= columns; c++) column[title[c]] = c
        }
        /^(PASS|FAIL|SKIP): / {
            file = column[FILENAME]
            verdict = substr($0, 1, 4)
            name = substr($0, 7)
            if (verdict != "PASS") sub(/ \(.*$/, "", name) # test names have no " ("
            if (!(name in seen)) { seen[name] = 1; order[++rows] = name }
            cell[name, file] = verdict
            total[file, verdict]++
        }
        END {
            header = "| test |"; rule = "| --- |"
            for (c = 1; c <= columns; c++) { header = header " " title[c] " |"; rule = rule " --- |" }
            print header; print rule
            for (r = 1; r <= rows; r++) {
                name = order[r]; line = "| " name " |"; differs = 0
                for (c = 1; c <= columns; c++) {
                    value = ((name, c) in cell) ? cell[name, c] : "missing"
                    if (value != cell[name, 1]) differs = 1
                    line = line " " value " |"
                }
                if (only_differences == "no" || differs) print line
            }
            line = "| **passed / failed / skipped** |"
            for (c = 1; c <= columns; c++)
                line = line " " total[c, "PASS"] + 0 " / " total[c, "FAIL"] + 0 " / " total[c, "SKIP"] + 0 " |"
            print line
        }' "${titles[@]}"
}

cd "$results" || exit 1
print_table
for title in "${titles[@]}"; do
    echo
    echo "$title failures:"
    grep '^FAIL: ' "$title" | sed 's/^FAIL: /- /'
done
