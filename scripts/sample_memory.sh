#!/usr/bin/env bash
# Sample the memory of running benchmark children (scripts/benchmark.py --child ...) every
# N seconds (default 30), for runs too long to wait for their own peak-RSS figure:
#   scripts/sample_memory.sh [SECONDS] > sampler.log &
# Each line: time, pid, kind:corpus, VmRSS and VmHWM (kB), CPU seconds of all its threads,
# and the size of its store directory (MB). The documents a stopped run had loaded can be
# counted afterwards in its store (one named graph per document).
interval=${1:-30}
tick=$(getconf CLK_TCK)
while true; do
  for pid in $(pgrep -f -- "benchmark.py --child"); do
    cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || continue
    kind=$(echo "$cmd" | awk '{for(i=1;i<=NF;i++) if($i=="--child") print $(i+1)":"$(i+2)}')
    store=$(echo "$cmd" | awk '{print $NF}')
    rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null)
    hwm=$(awk '/VmHWM/{print $2}' "/proc/$pid/status" 2>/dev/null)
    cpu=$(awk -v t="$tick" '{printf "%.0f", ($14+$15)/t}' "/proc/$pid/stat" 2>/dev/null)
    size=$(du -sm "$store" 2>/dev/null | cut -f1)
    echo "$(date +%H:%M:%S) $pid $kind rss=$rss hwm=$hwm cpu=$cpu store_mb=${size:-0}"
  done
  sleep "$interval"
done
