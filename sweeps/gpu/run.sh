#!/usr/bin/env bash
# The one prepared GPU run (issue 21): everything a lent GPU does, in one call that ends before its deadline.
#
#   sweeps/gpu/run.sh [--deadline 570] [--margin 60] [--out out/gpu] [--data out/gpu-data] [--bin PATH] [--python PATH]
#                     [--device cuda] [--dtype bfloat16] [--jobs 8] [--threads N] [--seed 1]
#                     [--tokens 22M] [--budgets 100k,1M,5M,20M] [--shapes 4] [--vocabulary 32001]
#                     [--compare-tokens 4M] [--compare-budgets LIST] [--no-compare] [--floor-docs N]
#                     [--hashes sweeps/gpu/datasets.tsv] [--plan-only]
#
# 1. pcfglab: --bin (or $PCFGLAB_BIN); else published here when `dotnet` exists (Native AOT into .tools/pcfglab, the
#    JIT build where that fails); else the published .tools/pcfglab/pcfglab carried beside the repository.
# 2. Generates the six study presets at --seed with tokens.npy (--npy): --tokens each for the study plan and
#    --compare-tokens each (the CPU grid's 4M) for the comparison plan, all at once, and checks every dataset's
#    grammar and tokens.npy SHA-256 against the committed rows of --hashes (a mismatch stops the run: the data would
#    not be the study's). Datasets already there, whole and of the same size and seed, are not generated again.
# 3. Plans (a) the study's --shapes smallest shapes at the study's vocabulary and profile (sweeps/study.json) with
#    --budgets, and (b) the CPU grid's two largest shapes at its budgets, vocabulary and small-model profile
#    (sweeps/gpu/cpu-compare.json), whose cells are the committed CPU records' cells (results/cpu-grid.jsonl).
# 4. Trains both plans at once through `pcfglab sweep train --deadline` with src/trainers/torch/train_cell.py
#    --device --dtype, --jobs cells at a time (a quarter of them for the comparison), cheapest first, each record
#    appended to OUT/<device>.jsonl as its cell finishes (gpu-nvidia-h100-80gb-hbm3.jsonl, or cpu.jsonl). No cell
#    starts that is not expected to finish --margin seconds before --deadline (seconds from the script's start), and
#    cells still running then are stopped: not failures; a rerun with the same --out trains them and skips the rest.
# 5. Prints one line per finished cell as it finishes, then every record (with the CPU grid's loss beside a
#    comparison cell) and a summary: per plan, cells planned, with a record, left. Exit 0; 1 when a cell failed
#    (OUT/failures-*.jsonl); 2 bad input or a dataset hash mismatch; 3 no torch or no GPU.
#
# --plan-only stops after step 3 (no torch needed): for a cluster, where `pcfglab sweep slurm` takes the two plans.
# Relative paths are relative to the repository root. See docs/sweep.md ("The GPU run") for the call on a lent GPU.
set -euo pipefail
START="$(date +%s)"
cd "$(dirname "$0")/../.."

DEADLINE=570
MARGIN=60
OUT="out/gpu"
DATA="out/gpu-data"
PCFGLAB="${PCFGLAB_BIN:-}"
PYTHON="${PCFGLAB_PYTHON:-}"
DEVICE="cuda"
DTYPE="bfloat16"
JOBS=8
THREADS=""
SEED=1
TOKENS="22M"
BUDGETS="100k,1M,5M,20M"
SHAPES=4
VOCABULARY=32001
COMPARE=1
COMPARE_TOKENS="4M"
COMPARE_BUDGETS=""
FLOOR_DOCS=""
HASHES="sweeps/gpu/datasets.tsv"
PLAN_ONLY=0
PRESETS=()

fail() {
  echo "error: $2" >&2
  exit "$1"
}

usage() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
}

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --deadline) DEADLINE="$2"; shift 2 ;;
      --margin) MARGIN="$2"; shift 2 ;;
      --out) OUT="$2"; shift 2 ;;
      --data) DATA="$2"; shift 2 ;;
      --bin) PCFGLAB="$2"; shift 2 ;;
      --python) PYTHON="$2"; shift 2 ;;
      --device) DEVICE="$2"; shift 2 ;;
      --dtype) DTYPE="$2"; shift 2 ;;
      --jobs) JOBS="$2"; shift 2 ;;
      --threads) THREADS="$2"; shift 2 ;;
      --seed) SEED="$2"; shift 2 ;;
      --tokens) TOKENS="$2"; shift 2 ;;
      --budgets) BUDGETS="$2"; shift 2 ;;
      --shapes) SHAPES="$2"; shift 2 ;;
      --vocabulary) VOCABULARY="$2"; shift 2 ;;
      --compare-tokens) COMPARE_TOKENS="$2"; shift 2 ;;
      --compare-budgets) COMPARE_BUDGETS="$2"; shift 2 ;;
      --no-compare) COMPARE=0; shift ;;
      --floor-docs) FLOOR_DOCS="$2"; shift 2 ;;
      --hashes) HASHES="$2"; shift 2 ;;
      --plan-only) PLAN_ONLY=1; shift ;;
      -h|--help) usage; exit 0 ;;
      *) fail 2 "unknown option '$1' (see --help)" ;;
    esac
  done
  local n
  for n in "$DEADLINE" "$MARGIN" "$JOBS" "$SHAPES"; do
    [[ "$n" =~ ^[0-9]+$ ]] || fail 2 "--deadline, --margin, --jobs and --shapes take whole numbers, not '$n'"
  done
  [ "$DEADLINE" -gt "$MARGIN" ] || fail 2 "--deadline $DEADLINE leaves nothing after the --margin of $MARGIN seconds: give a longer deadline"
  [ "$JOBS" -ge 1 ] || fail 2 "--jobs must be at least 1"
  [ -f "$HASHES" ] || fail 2 "--hashes '$HASHES' does not exist: pass the committed sweeps/gpu/datasets.tsv"
  if [ -z "$THREADS" ]; then
    THREADS=$(( $(nproc 2>/dev/null || echo 1) / JOBS ))
    [ "$THREADS" -ge 1 ] || THREADS=1
  fi
  mkdir -p "$OUT" "$DATA"
}

# An interpreter that imports torch and numpy (and sees a GPU for --device cuda); sets RECORDS from the device name.
find_python() {
  local candidate
  if [ "$PLAN_ONLY" -eq 1 ]; then
    # Only the standard library is needed to check the datasets.
    for candidate in "$PYTHON" python3 /usr/bin/python3; do
      [ -n "$candidate" ] && command -v "$candidate" > /dev/null 2>&1 && { PYTHON="$(command -v "$candidate")"; return 0; }
    done
    fail 2 "no python3: install Python 3 or pass --python"
  fi
  for candidate in "$PYTHON" python3 /usr/bin/python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" > /dev/null 2>&1 && "$candidate" -c 'import torch, numpy' > /dev/null 2>&1; then
      PYTHON="$(command -v "$candidate")"
      break
    fi
    [ "$candidate" = "$PYTHON" ] && fail 3 "--python $PYTHON cannot import torch and numpy"
  done
  [ -n "$PYTHON" ] || fail 3 "no python3 imports torch and numpy: install them (Debian: apt-get install python3-torch python3-numpy) or pass --python"
  # One more interpreter start for the device, its records' name and torch's version (importing torch takes seconds).
  local name version
  IFS=$'\t' read -r name version < <("$PYTHON" sweeps/gpu/gpu_run.py device --device "$DEVICE") && [ -n "$name" ] || exit 3
  RECORDS="$OUT/$name.jsonl"
  echo "== python: $PYTHON (torch $version); device $DEVICE; records: $RECORDS" >&2
}

find_binary() {
  if [ -n "$PCFGLAB" ]; then
    [ -x "$PCFGLAB" ] || fail 2 "--bin '$PCFGLAB' is not an executable file: pass a published pcfglab"
  elif command -v dotnet > /dev/null 2>&1; then
    echo "== publish pcfglab (Release, Native AOT)" >&2
    if dotnet publish src/PcfgLab.Cli/PcfgLab.Cli.csproj -c Release -r linux-x64 -p:PublishAot=true -o .tools/pcfglab --nologo -v quiet >&2; then
      PCFGLAB="$PWD/.tools/pcfglab/pcfglab"
    else
      echo "warning: no native build here; using the JIT build" >&2
      dotnet publish src/PcfgLab.Cli/PcfgLab.Cli.csproj -c Release -o .tools/pcfglab-jit --nologo -v quiet >&2
      PCFGLAB="$PWD/.tools/pcfglab-jit/PcfgLab.Cli"
    fi
  elif [ -x .tools/pcfglab/pcfglab ]; then
    PCFGLAB="$PWD/.tools/pcfglab/pcfglab"
  else
    fail 2 "no pcfglab and no .NET SDK: publish it where .NET is (dotnet publish src/PcfgLab.Cli -c Release -r linux-x64 -p:PublishAot=true -o .tools/pcfglab) and carry .tools/pcfglab, or pass --bin"
  fi
  echo "== pcfglab: $PCFGLAB ($("$PCFGLAB" version 2>&1 | head -n 1))" >&2
  mapfile -t PRESETS < <("$PCFGLAB" grammar presets --names --group study)
  [ "${#PRESETS[@]}" -eq 6 ] || fail 1 "'$PCFGLAB grammar presets --group study' did not list the six study presets"
}

# Every dataset the plans need, generated at once (the sampler is parallel; twelve processes fill sixteen cores).
generate_datasets() {
  local sizes=("$TOKENS")
  [ "$COMPARE" -eq 1 ] && [ "$COMPARE_TOKENS" != "$TOKENS" ] && sizes+=("$COMPARE_TOKENS")
  local count=$(( ${#sizes[@]} * ${#PRESETS[@]} ))
  local threads=$(( $(nproc 2>/dev/null || echo 1) / count ))
  [ "$threads" -ge 1 ] || threads=1
  local pids=() labels=() size preset dir
  for size in "${sizes[@]}"; do
    mkdir -p "$DATA/$size"
    for preset in "${PRESETS[@]}"; do
      dir="$DATA/$size/$preset"
      if "$PYTHON" sweeps/gpu/gpu_run.py fresh "$dir" "$size" "$SEED"; then
        echo "== $preset, $size tokens: already generated" >&2
        continue
      fi
      local args=(generate --preset "$preset" --seed "$SEED" --tokens "$size" --npy --threads "$threads" --out "$dir" --force)
      [ -n "$FLOOR_DOCS" ] && args+=(--floor-docs "$FLOOR_DOCS")
      "$PCFGLAB" "${args[@]}" > "$dir.log" 2>&1 &
      pids+=("$!")
      labels+=("$preset $size")
    done
  done
  local i
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      cat "$DATA/${labels[$i]#* }/${labels[$i]%% *}.log" >&2
      fail 1 "generating ${labels[$i]} failed (log above)"
    fi
  done
  echo "== generated ${#pids[@]} datasets in $(( $(date +%s) - START )) s since the start; checking their hashes against $HASHES" >&2
  local folders=()
  for size in "${sizes[@]}"; do
    for preset in "${PRESETS[@]}"; do
      folders+=("$DATA/$size/$preset")
    done
  done
  "$PYTHON" sweeps/gpu/gpu_run.py check --hashes "$HASHES" "${folders[@]}" >&2 || exit 2
}

write_plans() {
  local preset datasets=()
  for preset in "${PRESETS[@]}"; do
    datasets+=(--dataset "$DATA/$TOKENS/$preset")
  done
  "$PCFGLAB" sweep plan --spec sweeps/study.json "${datasets[@]}" --shapes "$SHAPES" --tokens "$BUDGETS" \
    --vocabulary "$VOCABULARY" --out "$DATA/plan-study.jsonl" > /dev/null
  cp "$DATA/plan-study.jsonl" "$OUT/plan-study.jsonl"
  echo "== plan study: $(wc -l < "$DATA/plan-study.jsonl") cells (sweeps/study.json, $SHAPES smallest shapes, V $VOCABULARY, budgets $BUDGETS)" >&2
  [ "$COMPARE" -eq 1 ] || return 0
  datasets=()
  for preset in "${PRESETS[@]}"; do
    datasets+=(--dataset "$DATA/$COMPARE_TOKENS/$preset")
  done
  local args=(sweep plan --spec sweeps/gpu/cpu-compare.json "${datasets[@]}" --out "$DATA/plan-cpu-compare.jsonl")
  [ -n "$COMPARE_BUDGETS" ] && args+=(--tokens "$COMPARE_BUDGETS")
  "$PCFGLAB" "${args[@]}" > /dev/null
  cp "$DATA/plan-cpu-compare.jsonl" "$OUT/plan-cpu-compare.jsonl"
  echo "== plan cpu-compare: $(wc -l < "$DATA/plan-cpu-compare.jsonl") cells (sweeps/gpu/cpu-compare.json, the CPU grid's cells)" >&2
}

train() {
  local stop_at=$(( START + DEADLINE - MARGIN ))
  local left=$(( stop_at - $(date +%s) ))
  [ "$left" -gt 0 ] || { echo "== train: no time left before the deadline" >&2; return 0; }
  local stop_iso
  stop_iso="$(date -u -d "@$stop_at" +%Y-%m-%dT%H:%M:%SZ)"
  local trainer="'$PYTHON' src/trainers/torch/train_cell.py --plan {plan} --cell {cell} --results {results} --device $DEVICE --dtype $DTYPE --threads $THREADS"
  local study_jobs=$JOBS compare_jobs=0
  if [ "$COMPARE" -eq 1 ]; then
    compare_jobs=$(( JOBS / 4 ))
    [ "$compare_jobs" -ge 1 ] || compare_jobs=1
    study_jobs=$(( JOBS - compare_jobs ))
    [ "$study_jobs" -ge 1 ] || study_jobs=1
  fi
  echo "== train until $stop_iso ($left s): study $study_jobs cells at once, cpu-compare $compare_jobs; $DEVICE, $DTYPE, $THREADS threads each" >&2
  local pids=()
  "$PCFGLAB" sweep train --plan "$DATA/plan-study.jsonl" --results "$RECORDS" --failures "$OUT/failures-study.jsonl" \
    --jobs "$study_jobs" --deadline "$stop_iso" --trainer "$trainer" &
  pids+=("$!")
  if [ "$COMPARE" -eq 1 ]; then
    # The CPU grid's own adapter settings (run-sweep.sh --train cpu), so the two records differ only in the device.
    "$PCFGLAB" sweep train --plan "$DATA/plan-cpu-compare.jsonl" --results "$RECORDS" --failures "$OUT/failures-cpu-compare.jsonl" \
      --jobs "$compare_jobs" --deadline "$stop_iso" --trainer "$trainer --max-valid-docs 256" &
    pids+=("$!")
  fi
  local pid
  for pid in "${pids[@]}"; do
    wait "$pid" || FAILED=1
  done
}

summary() {
  local plans=(--plan "study=$DATA/plan-study.jsonl")
  [ "$COMPARE" -eq 1 ] && plans+=(--plan "compare=$DATA/plan-cpu-compare.jsonl")
  "$PYTHON" sweeps/gpu/gpu_run.py summary --records "$RECORDS" "${plans[@]}" --cpu results/cpu-grid.jsonl || FAILED=1
  echo "ended $(( $(date +%s) - START )) s after the start (deadline $DEADLINE s, training stopped $MARGIN s before it); records: $RECORDS"
}

FAILED=0
parse_args "$@"
find_python
find_binary
generate_datasets
write_plans
if [ "$PLAN_ONLY" -eq 1 ]; then
  PLANS="$DATA/plan-study.jsonl"
  [ "$COMPARE" -eq 1 ] && PLANS+=" $DATA/plan-cpu-compare.jsonl"
  echo "plans: $PLANS (--plan-only: nothing trained)"
  exit 0
fi
train
summary
exit "$FAILED"
