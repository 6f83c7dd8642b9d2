#!/usr/bin/env bash
# PcfgLab sweep, end to end: build the native pcfglab binary once (Native AOT; the JIT build where that fails), generate the study's six preset datasets (gzip measured on the way),
# print their summary, write the training plan, train the pending cells when a trainer is given, and always write
# the report from whatever results exist (out/results.jsonl and any *.jsonl committed under results/), listing the
# cells that have no record.
#
#   ./run-sweep.sh [--tokens 110M] [--seed 1] [--out ./out] [--threads N] [--shapes K] [--budgets 100k,1M,...]
#                  [--vocabulary 32001|grammar] [--trainer "CMD {cell} {plan} {results}"] [--jobs J] [--quick]
#                  [--train cpu] [--python PATH] [--bin PATH]
#
#   --train cpu  trains REAL models on this machine's CPU with PyTorch: the grid of sweeps/cpu.json (six presets x four
#                small Llama shapes x budgets 100K..3M, the small-model profile, bf16, one thread per cell, --jobs cells
#                at once, default: the core count), 4M tokens per preset (+ tokens.npy, since Debian has no pyarrow).
#                Records go to results/cpu-grid.jsonl (committed: cells with a record are skipped, so a fresh clone
#                only reports, and a stopped run resumes); the report to out/report-cpu/. Installs python3-torch,
#                python3-numpy and libopenblas0 with apt-get when no interpreter has torch.
#   --python     the interpreter with torch (default: $PCFGLAB_PYTHON, else the first of python3, /usr/bin/python3
#                that imports torch and numpy)
#
#   --quick      minutes on a laptop CPU: 1.1M tokens per preset, the 4 smallest shapes, budgets 100k,200k,500k,1M,
#                the grammar's own vocabulary, and the SYNTHETIC trainer for every cell (no model is trained; records
#                and report say "synthetic"); 100 bootstrap resamples. Writes out/results-synthetic.jsonl and
#                out/report-quick/.
#   --bin        a pcfglab binary to use instead of building one (default: $PCFGLAB_BIN); on a machine without .NET,
#                copy a published folder (dotnet publish src/PcfgLab.Cli -c Release -r linux-x64 -p:PublishAot=true)
#                and pass its pcfglab here.
#   --trainer    a trainer command run once per pending cell, e.g.
#                "python3 src/trainers/torch/train_cell.py --plan {plan} --cell {cell} --results {results}"
#
# Works on a fresh clone: the build restores packages from NuGet. See docs/sweep.md.
set -euo pipefail
cd "$(dirname "$0")"

TOKENS="110M"
SEED="1"
OUT="./out"
THREADS=""
SHAPES=""
BUDGETS=""
VOCABULARY=""
TRAINER=""
JOBS="1"
QUICK=0
TRAIN=""
PYTHON="${PCFGLAB_PYTHON:-}"
CPU_RESULTS="results/cpu-grid.jsonl"
PRESETS=(gzipscale-0.11 gzipscale-0.22 gzipscale-0.35 gzipscale-0.42 gzipscale-0.51 gzipscale-0.61)
PCFGLAB="${PCFGLAB_BIN:-}"

usage() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
}

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --tokens) TOKENS="$2"; shift 2 ;;
      --seed) SEED="$2"; shift 2 ;;
      --out) OUT="$2"; shift 2 ;;
      --threads) THREADS="$2"; shift 2 ;;
      --shapes) SHAPES="$2"; shift 2 ;;
      --budgets) BUDGETS="$2"; shift 2 ;;
      --vocabulary) VOCABULARY="$2"; shift 2 ;;
      --trainer) TRAINER="$2"; shift 2 ;;
      --jobs) JOBS="$2"; shift 2 ;;
      --quick) QUICK=1; shift ;;
      --train) TRAIN="$2"; shift 2 ;;
      --python) PYTHON="$2"; shift 2 ;;
      --bin) PCFGLAB="$2"; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
  done
  if [ -n "$TRAIN" ] && [ "$TRAIN" != "cpu" ]; then
    echo "error: --train '$TRAIN' is not known: use --train cpu (on a GPU or a cluster: --trainer, or pcfglab sweep slurm)" >&2
    exit 2
  fi
  if [ -n "$TRAIN" ] && { [ "$QUICK" -eq 1 ] || [ -n "$TRAINER" ]; }; then
    echo "error: --train cpu plans and trains its own grid: drop --quick and --trainer" >&2
    exit 2
  fi
  if [ "$TRAIN" = "cpu" ]; then
    [ "$TOKENS" = "110M" ] && TOKENS="4M"
    [ "$JOBS" = "1" ] && JOBS="$(nproc 2>/dev/null || echo 1)"
  fi
  if [ "$QUICK" -eq 1 ]; then
    TOKENS="1.1M"
    SHAPES="${SHAPES:-4}"
    BUDGETS="${BUDGETS:-100k,200k,500k,1M}"
    VOCABULARY="${VOCABULARY:-grammar}"
    if [ -n "$TRAINER" ]; then
      echo "error: --quick uses the synthetic trainer; drop --trainer or --quick" >&2
      exit 2
    fi
  fi
}

build() {
  if [ -n "$PCFGLAB" ]; then
    [ -x "$PCFGLAB" ] || { echo "error: --bin '$PCFGLAB' is not an executable file: pass a published pcfglab" >&2; exit 2; }
    echo "== binary: $PCFGLAB" >&2
  else
    local rid
    case "$(uname -m)" in
      x86_64) rid=linux-x64 ;;
      aarch64|arm64) rid=linux-arm64 ;;
      *) rid="" ;;
    esac
    echo "== build (Release, Native AOT${rid:+, $rid})" >&2
    # One self-contained executable that starts in milliseconds: every synthetic cell and every trainer hand-off
    # starts it again. The JIT build is the fallback where the native tool chain (gcc or clang) is missing.
    if [ -n "$rid" ] && dotnet publish src/PcfgLab.Cli/PcfgLab.Cli.csproj -c Release -r "$rid" -p:PublishAot=true \
        -o .tools/pcfglab --nologo -v quiet >&2; then
      PCFGLAB="$PWD/.tools/pcfglab/pcfglab"
    else
      echo "warning: no native build here; using the JIT build (.NET needed where it runs)" >&2
      dotnet publish src/PcfgLab.Cli/PcfgLab.Cli.csproj -c Release -o .tools/pcfglab-jit --nologo -v quiet >&2
      PCFGLAB="$PWD/.tools/pcfglab-jit/PcfgLab.Cli"
    fi
  fi
  "$PCFGLAB" version >&2
}

generate_datasets() {
  mkdir -p "$OUT"
  local preset
  for preset in "${PRESETS[@]}"; do
    echo "== generate $preset ($TOKENS tokens, seed $SEED)" >&2
    local args=(generate --preset "$preset" --tokens "$TOKENS" --seed "$SEED" --out "$OUT/$preset" --force)
    [ "$TRAIN" = "cpu" ] && args+=(--npy)
    if [ -n "$THREADS" ]; then
      args+=(--threads "$THREADS")
    fi
    "$PCFGLAB" "${args[@]}" > /dev/null
  done
}

print_summary() {
  local folders=()
  local preset
  for preset in "${PRESETS[@]}"; do
    folders+=("$OUT/$preset")
  done
  echo "== summary" >&2
  "$PCFGLAB" dataset summary "${folders[@]}"
}

# An interpreter that imports torch and numpy; installs Debian's packages when none does.
find_python() {
  local candidate
  for candidate in "$PYTHON" python3 /usr/bin/python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" > /dev/null 2>&1 && "$candidate" -c 'import torch, numpy' > /dev/null 2>&1; then
      PYTHON="$(command -v "$candidate")"
      return 0
    fi
  done
  if [ -n "$PYTHON" ]; then
    echo "error: --python $PYTHON cannot import torch and numpy" >&2
    exit 2
  fi
  echo "== install: python3-torch python3-numpy libopenblas0 (Debian's PyTorch, for /usr/bin/python3)" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq python3-torch python3-numpy libopenblas0; } >&2; then
    echo "error: could not install PyTorch with apt-get: install python3-torch and python3-numpy, or pass --python" >&2
    exit 2
  fi
  PYTHON=/usr/bin/python3
}

write_plan() {
  if [ "$TRAIN" = "cpu" ]; then
    echo "== plan (sweeps/cpu.json)" >&2
    local datasets=()
    local preset
    for preset in "${PRESETS[@]}"; do
      datasets+=(--dataset "$OUT/$preset")
    done
    "$PCFGLAB" sweep plan --spec sweeps/cpu.json "${datasets[@]}" --out "$OUT/plan-cpu.jsonl" | tail -n 1
    return
  fi
  echo "== plan" >&2
  local args=(sweep plan --data-root "$OUT" --out "$OUT/plan.jsonl")
  [ -n "$SHAPES" ] && args+=(--shapes "$SHAPES")
  [ -n "$BUDGETS" ] && args+=(--tokens "$BUDGETS")
  [ -n "$VOCABULARY" ] && args+=(--vocabulary "$VOCABULARY")
  "$PCFGLAB" "${args[@]}" | tail -n 1
}

train_cells() {
  if [ "$TRAIN" = "cpu" ]; then
    find_python
    echo "== train: REAL models on the CPU ($PYTHON, $JOBS cells at once, bf16); records in $CPU_RESULTS" >&2
    "$PCFGLAB" sweep train --plan "$OUT/plan-cpu.jsonl" --results "$CPU_RESULTS" --failures "$OUT/failures-cpu.jsonl" --jobs "$JOBS" \
      --trainer "'$PYTHON' src/trainers/torch/train_cell.py --plan {plan} --cell {cell} --results {results} --device cpu --dtype bfloat16 --threads 1 --max-valid-docs 256" || true
  elif [ "$QUICK" -eq 1 ]; then
    echo "== train: SYNTHETIC trainer for every cell (no model is trained)" >&2
    "$PCFGLAB" sweep train --plan "$OUT/plan.jsonl" --results "$OUT/results-synthetic.jsonl" --jobs 2 \
      --trainer "'$PCFGLAB' sweep synthetic-train --plan {plan} --cell {cell} --results {results}"
  elif [ -n "$TRAINER" ]; then
    echo "== train: $TRAINER" >&2
    # A failed cell is recorded in out/failures.jsonl; the report still follows.
    "$PCFGLAB" sweep train --plan "$OUT/plan.jsonl" --results "$OUT/results.jsonl" --jobs "$JOBS" --trainer "$TRAINER" || true
  else
    echo "== train: skipped (no --trainer); the report uses the results that exist" >&2
  fi
}

write_report() {
  echo "== report" >&2
  if [ "$TRAIN" = "cpu" ]; then
    "$PCFGLAB" sweep report --plan "$OUT/plan-cpu.jsonl" --results "$CPU_RESULTS" --out "$OUT/report-cpu" --seed "$SEED" --bootstrap 200
  elif [ "$QUICK" -eq 1 ]; then
    "$PCFGLAB" sweep report --plan "$OUT/plan.jsonl" --results "$OUT/results-synthetic.jsonl" --out "$OUT/report-quick" --seed "$SEED" --bootstrap 100
  else
    local results=("$OUT/results.jsonl")
    [ -d results ] && results+=(results)
    "$PCFGLAB" sweep report --plan "$OUT/plan.jsonl" --results "${results[@]}" --out "$OUT/report" --seed "$SEED"
  fi
}

main() {
  parse_args "$@"
  build
  generate_datasets
  print_summary
  write_plan
  train_cells
  write_report
}

main "$@"
