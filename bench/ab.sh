#!/usr/bin/env bash
# Alternating A/B of whole commands on a noisy machine: runs each command in turn, N rounds, and
# prints the median, min and max wall time of each. Both sides see the same minutes of the host.
#
#   bench/ab.sh 9 "node old/dist/cli/bin.js analyze big.log -o /dev/null" "node dist/cli/bin.js analyze big.log -o /dev/null"
set -euo pipefail
n=$1
shift
declare -a times
for _ in $(seq 1 "$n"); do
  k=0
  for c in "$@"; do
    s=$(date +%s.%N)
    bash -c "$c" >/dev/null 2>&1 || true
    e=$(date +%s.%N)
    times[k]="${times[k]:-} $(echo "$e - $s" | bc)"
    k=$((k + 1))
  done
done
k=0
for c in "$@"; do
  stats=$(echo "${times[k]}" | tr ' ' '\n' | grep . | sort -n |
    awk '{a[NR]=$1} END {printf "median %.3f s  min %.3f  max %.3f", a[int((NR+1)/2)], a[1], a[NR]}')
  echo "$stats  :: $c"
  k=$((k + 1))
done
