#!/usr/bin/env bash
# Startup figures measured from outside: process start -> window painted, and -> first
# prediction on screen, median of N runs (default 5, after one untimed warm-up run, so
# the figures are for a warm file cache), for the source install and, if it was built,
# the packaged app (dist/mnistviz/mnistviz).
#
# The app's probe (MNISTVIZ_STARTUP_PROBE=1, see mnistviz/app.py) prints
# "window_visible <unix time>" after the first paint and "first_prediction <unix time>"
# when the first result of a sample digit is on screen, then quits. This script reads
# the clock ($EPOCHREALTIME, no fork) just before it starts the program and subtracts.
#
# Usage: scripts/bench_startup.sh [--runs N] [--json]
#   PYTHON=/path/to/venv/bin/python   the source install to time (default: python3);
#                                     its `mnistviz` entry point is used when present,
#                                     else `$PYTHON -m mnistviz`
#   MNISTVIZ_PACKAGED=path            the packaged executable (default dist/mnistviz/mnistviz)
# Runs offscreen unless QT_QPA_PLATFORM is set; settings and logs go to a temporary
# folder, so the user's saved layout is neither used nor changed.
set -euo pipefail

runs=5
json=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --json) json=1; shift ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

if [[ -z "${EPOCHREALTIME:-}" ]]; then
    echo "bash 5 or newer is needed (EPOCHREALTIME)" >&2
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"
python_dir="$(dirname "$(command -v "$python")")"
if [[ -x "$python_dir/mnistviz" ]]; then
    source_cmd=("$python_dir/mnistviz")
else
    source_cmd=("$python" -m mnistviz)
fi
packaged="${MNISTVIZ_PACKAGED:-$root/dist/mnistviz/mnistviz}"

scratch="$(mktemp -d -t mnistviz-startup-XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
export MNISTVIZ_STARTUP_PROBE=1
export XDG_CONFIG_HOME="$scratch/config" XDG_STATE_HOME="$scratch/state"

# One launch: prints "<ms to window> <ms to first prediction>".
launch() {
    local out="$scratch/out.txt" started status
    started=$EPOCHREALTIME
    set +e
    timeout 120 "$@" >"$out" 2>"$scratch/err.txt"
    status=$?
    set -e
    if [[ $status -ne 0 ]]; then
        echo "launch failed (exit $status): $*" >&2
        tail -5 "$scratch/err.txt" >&2
        return 1
    fi
    awk -v t0="$started" '
        $1 == "window_visible" && w == "" { w = ($2 - t0) * 1000 }
        $1 == "first_prediction" && p == "" { p = ($2 - t0) * 1000 }
        END {
            if (w == "" || p == "") { print "probe lines missing" > "/dev/stderr"; exit 1 }
            printf "%.0f %.0f\n", w, p
        }' "$out"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure <label> <command...>: prints "<label> <median window ms> <median prediction ms> <runs>"
measure() {
    local label="$1" window_ms=() prediction_ms=() line
    shift
    launch "$@" >/dev/null  # warm-up: file cache, Python bytecode, font cache
    for ((i = 0; i < runs; i++)); do
        line="$(launch "$@")"
        window_ms+=("${line% *}")
        prediction_ms+=("${line#* }")
        [[ $json -eq 1 ]] || echo "  $label run $((i + 1)): window ${line% *} ms, first prediction ${line#* } ms" >&2
    done
    echo "$label $(printf '%s\n' "${window_ms[@]}" | median) $(printf '%s\n' "${prediction_ms[@]}" | median) $runs"
}

results=()
results+=("$(measure source "${source_cmd[@]}")")
if [[ -x "$packaged" ]]; then
    results+=("$(measure packaged "$packaged")")
else
    [[ $json -eq 1 ]] || echo "  (no packaged build at $packaged: skipped)" >&2
fi

load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
if [[ $json -eq 1 ]]; then
    printf '{'
    first=1
    for r in "${results[@]}"; do
        read -r label w p n <<<"$r"
        [[ $first -eq 1 ]] || printf ', '
        first=0
        printf '"%s": {"window_visible_ms": %s, "first_prediction_ms": %s, "runs": %s}' "$label" "$w" "$p" "$n"
    done
    printf ', "load_average": "%s", "qt_platform": "%s"}\n' "$load" "$QT_QPA_PLATFORM"
else
    printf '%-10s %18s %22s %6s\n' build "window visible ms" "first prediction ms" runs
    for r in "${results[@]}"; do
        read -r label w p n <<<"$r"
        printf '%-10s %18s %22s %6s\n' "$label" "$w" "$p" "$n"
    done
    echo "median of each; warm file cache; QT_QPA_PLATFORM=$QT_QPA_PLATFORM; load average $load"
    echo "source: ${source_cmd[*]}"
fi
