#!/usr/bin/env bash
# Alternating A/B of whole commands on a noisy machine: runs each command in turn, N rounds, and
# prints the median, min and max of each one's wall time and CPU time (user + system, from
# /usr/bin/time, workers included; a non-zero exit, as analyze's when it finds errors, is fine).
# Both sides see the same minutes of the host; on a shared machine, decide on the CPU time (other
# tenants take wall time, far less CPU time).
#
#   bench/ab.sh 9 "node old/dist/cli/bin.js analyze big.log -o /dev/null" "node dist/cli/bin.js analyze big.log -o /dev/null"
set -euo pipefail
n=$1
shift
declare -a walls cpus
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for _ in $(seq 1 "$n"); do
  k=0
  for c in "$@"; do
    s=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$tmp" bash -c "$c" >/dev/null 2>&1 || true
    e=$(date +%s.%N)
    walls[k]="${walls[k]:-} $(echo "$e - $s" | bc)"
    cpus[k]="${cpus[k]:-} $(tail -n 1 "$tmp" | awk '{print $1 + $2}')"
    k=$((k + 1))
  done
done
stats() {
  echo "$1" | tr ' ' '\n' | grep . | sort -n |
    awk '{a[NR]=$1} END {printf "median %.3f s (min %.3f, max %.3f)", a[int((NR+1)/2)], a[1], a[NR]}'
}
k=0
for c in "$@"; do
  echo "CPU $(stats "${cpus[k]}")  wall $(stats "${walls[k]}")  :: $c"
  k=$((k + 1))
done
