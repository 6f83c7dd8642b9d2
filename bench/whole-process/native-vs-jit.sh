#!/usr/bin/env bash
# Whole-process timings of the JIT build against the native binary, alternately, N runs each (default 5), with
# /usr/bin/time: start-up, 100M tokens of (20,300,10,5), and the Chinchilla grid fit with its 1000-resample bootstrap.
# Prints the median wall and CPU seconds and the peak RSS of each. Not part of CI.
#
#   dotnet publish src/PcfgLab.Cli -c Release -o /tmp/jit
#   dotnet publish src/PcfgLab.Cli -c Release -r linux-x64 -p:PublishAot=true -o /tmp/aot
#   bench/whole-process/native-vs-jit.sh /tmp/jit/PcfgLab.Cli /tmp/aot/pcfglab [N]
set -euo pipefail
jit="$1"; aot="$2"; runs="${3:-5}"
csv="$(cd "$(dirname "$0")/../../.." && pwd)/shared/validation/chinchilla_epoch_svg_extracted_data.csv"
log="$(mktemp)"; out="$(mktemp -d)"
trap 'rm -rf "$log" "$out"' EXIT
for _ in $(seq "$runs"); do
  for b in jit aot; do
    bin="$jit"; [ "$b" = aot ] && bin="$aot"
    /usr/bin/time -o "$log.t" -f "$b version %e %U %S %M" "$bin" version > /dev/null; cat "$log.t" >> "$log"
    rm -rf "$out/g"
    /usr/bin/time -o "$log.t" -f "$b generate-100M %e %U %S %M" "$bin" generate --nonterminals 20 --terminals 300 \
      --max-options 10 --max-length 5 --seed 1 --tokens 100M --doc-len 256 --threads 2 --out "$out/g" > /dev/null 2>&1
    cat "$log.t" >> "$log"
    if [ -f "$csv" ]; then
      /usr/bin/time -o "$log.t" -f "$b fit-bootstrap %e %U %S %M" "$bin" fit "$csv" --n "Model Size" --flops "Training FLOP" \
        --loss loss --drop-worst 5 --json > /dev/null 2>&1
      cat "$log.t" >> "$log"
    fi
  done
done
lscpu | grep 'Model name'; uptime
awk '{ key = $2 " " $1; wall[key] = wall[key] " " $3; cpu[key] = cpu[key] " " ($4 + $5); if ($6 > rss[key]) rss[key] = $6 }
  END { for (k in wall) print k, wall[k], "|", cpu[k], "|", rss[k] }' "$log" | sort | while read -r what build rest; do
  walls="${rest%%|*}"; rest="${rest#*|}"; cpus="${rest%%|*}"; peak="${rest#*| }"
  med() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
  printf '%-14s %-4s wall %6s s  cpu %6s s  peak %5d MB\n' "$what" "$build" "$(echo "$walls" | med)" "$(echo "$cpus" | med)" "$((peak / 1024))"
done
