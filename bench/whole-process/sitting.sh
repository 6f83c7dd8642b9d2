#!/usr/bin/env bash
# Every whole-process figure of the README's performance table, measured in one sitting on one machine, so that the
# ratios (to the reference code, to the JIT build, between thread counts) compare like with like. Not part of CI.
#
#   dotnet publish src/PcfgLab.Cli -c Release -o /tmp/jit
#   dotnet publish src/PcfgLab.Cli -c Release -r linux-x64 -p:PublishAot=true -o /tmp/aot
#   bench/whole-process/sitting.sh /tmp/jit/PcfgLab.Cli /tmp/aot/pcfglab [RUNS] [--no-corpus] [--no-torch]
#
# RUNS (default 5) repeats of each short job, alternating the builds; the corpus jobs and the adapter run 3 times, node's tiktoken and
# the 1B-token run once. Prints one line per job (median wall, median CPU, peak RSS, and the rate), then the machine.
# Raw /usr/bin/time lines are kept in $SITTING_LOG (default: a temporary file, printed at the end).
set -euo pipefail
jit="$1"; aot="$2"; runs="${3:-5}"; shift 2; [ $# -gt 0 ] && shift
corpus=1; torch=1
for a in "$@"; do
  case "$a" in
    --no-corpus) corpus=0 ;;
    --no-torch) torch=0 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
root="$(cd "$(dirname "$0")/../.." && pwd)"
reference="$root/../shared/reference/reference_generator.py"
log="${SITTING_LOG:-$(mktemp)}"; : > "$log"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
spec=(--nonterminals 20 --terminals 300 --max-options 10 --max-length 5 --seed 1 --doc-len 256 --threads 2)

# time LABEL TOKENS CMD...: one /usr/bin/time line "LABEL TOKENS wall user sys maxrss" into the log.
time_it() {
  local label="$1" tokens="$2"; shift 2
  /usr/bin/time -o "$work/t" -f "$label $tokens %e %U %S %M" "$@" > /dev/null 2> "$work/err" || {
    echo "failed: $label" >&2; cat "$work/err" >&2; exit 1; }
  cat "$work/t" >> "$log"
}

echo "sitting starts $(date -u +%H:%M:%S) UTC, $(uptime | sed 's/.*load/load/')" >&2
for _ in $(seq "$runs"); do
  time_it "version/native" 0 "$aot" version
  time_it "version/jit" 0 "$jit" version
  for build in native jit; do
    bin="$aot"; [ "$build" = jit ] && bin="$jit"
    rm -rf "$work/g"
    time_it "generate-100M-snappy/$build" 100000000 "$bin" generate "${spec[@]}" --tokens 100M --out "$work/g"
  done
  rm -rf "$work/g"
  time_it "generate-100M-none/native" 100000000 "$aot" generate "${spec[@]}" --tokens 100M --codec none --out "$work/g"
  # The reference prints its documents; 10M tokens keeps its start-up (about 0.03 s) out of the rate.
  time_it "reference-10M" 10000000 /usr/bin/python3 "$reference" 20 300 10 5 10000000 1
done
rm -rf "$work/g"
time_it "generate-1B-snappy/native" 1000000000 "$aot" generate "${spec[@]}" --tokens 1B --out "$work/g"
rm -rf "$work/g"

if [ "$corpus" = 1 ]; then
  for _ in 1 2 3; do
    for threads in 1 2; do
      time_it "corpus-cl100k/threads-$threads" 37460914 "$aot" gzip /usr/include --include '*.h' --tokenizer cl100k --threads "$threads" --json
    done
  done
  if command -v node > /dev/null && [ -d "$root/bench/tiktoken/node_modules/tiktoken" ]; then
    time_it "corpus-cl100k/node-tiktoken" 37460914 node "$root/bench/tiktoken/tiktoken-rate.mjs" /usr/include .h
  fi
fi

if [ "$torch" = 1 ]; then
  # The adapter against a bare PyTorch loop: cells of sweeps/cpu.json on gzipscale-0.35 at D = 300K.
  "$aot" generate --preset gzipscale-0.35 --seed 1 --tokens 4M --npy --out "$work/d35" > /dev/null 2>&1
  "$aot" sweep plan --spec "$root/sweeps/cpu.json" --dataset "$work/d35" --tokens 300k -o "$work/plan.jsonl" > /dev/null
  cell=0
  while read -r line; do
    hidden=$(echo "$line" | sed -n 's/.*"hidden": *\([0-9]*\).*/\1/p')
    if [ "$hidden" = 8 ] || [ "$hidden" = 64 ]; then
      /usr/bin/python3 "$root/bench/torch/adapter_overhead.py" --plan "$work/plan.jsonl" --cell "$cell" --repeats 3 \
        | sed "s/^/adapter-overhead h$hidden /" >> "$log"
    fi
    cell=$((cell + 1))
  done < "$work/plan.jsonl"
fi
echo "sitting ends $(date -u +%H:%M:%S) UTC, $(uptime | sed 's/.*load/load/')" >&2

# Medians per label (wall, CPU = user + sys), the largest peak RSS, and tokens/s from the median wall.
grep -v '^adapter-overhead' "$log" | awk '{ key = $1; n[key]++; w[key, n[key]] = $3; c[key, n[key]] = $4 + $5; tok[key] = $2
    if ($6 > rss[key]) rss[key] = $6 }
  function median(arr, key, count,   i, j, t, v) {
    for (i = 1; i <= count; i++) v[i] = arr[key, i]
    for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return count % 2 ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2 }
  END { for (k in n) { mw = median(w, k, n[k]); mc = median(c, k, n[k])
      rate = (tok[k] > 0 && mw > 0) ? sprintf("%.2fM tokens/s", tok[k] / mw / 1e6) : "-"
      printf "%-32s n=%d  wall %7.2f s (%s..%s)  cpu %7.2f s  peak %5d MB  %s\n", k, n[k], mw, minv(w, k, n[k]), maxv(w, k, n[k]), mc, rss[k] / 1024, rate } }
  function minv(arr, key, count,   i, m) { m = arr[key, 1]; for (i = 2; i <= count; i++) if (arr[key, i] < m) m = arr[key, i]; return m }
  function maxv(arr, key, count,   i, m) { m = arr[key, 1]; for (i = 2; i <= count; i++) if (arr[key, i] > m) m = arr[key, i]; return m }' | sort
grep '^adapter-overhead' "$log" || true
lscpu | grep 'Model name'; nproc
echo "raw timings: $log"
