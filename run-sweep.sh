#!/usr/bin/env bash
# PcfgLab sweep, end to end. Four modes, each in its own folder (its datasets, plan, records and report), so that no
# mode replaces the datasets another mode's report describes:
#
#   ./run-sweep.sh                 the CPU grid (the default; out/cpu): regenerates the six datasets the committed CPU
#                                  runs were trained on (4M tokens per preset, seed 1, with tokens.npy; each checked
#                                  against the SHA-256 committed in sweeps/gpu/datasets.tsv), plans sweeps/cpu.json
#                                  (96 cells), fits the committed records (results/cpu-grid.jsonl) with the bootstrap
#                                  on and writes out/cpu/report/. Trains nothing unless asked:
#   ./run-sweep.sh --train cpu     ... and trains the CPU grid's pending cells first (REAL models, PyTorch on this CPU;
#                                  none are pending on a fresh clone: every cell has a committed record).
#   ./run-sweep.sh --quick         minutes, no model trained (out/quick): 1.1M tokens per preset, the 4 smallest study
#                                  shapes, budgets 100k,200k,500k,1M, each grammar's own vocabulary, the SYNTHETIC
#                                  trainer for every cell (records and report say "synthetic").
#   ./run-sweep.sh --study         the study's GPU-scale grid (out/study): 110M tokens per preset, 216 cells (six
#                                  shapes x six budgets); trains with --trainer; reports the records in
#                                  out/study/results.jsonl (none until a GPU or a cluster trained them).
#   ./run-sweep.sh --designed      issue 24's designed grid (out/designed): sweeps/designed.json, each dataset in its own
#                                  regime (the five study datasets, 0.11 as a control, the four iso-vocabulary presets;
#                                  seed 1 with tokens.npy, enough tokens for each dataset's largest budget); records in
#                                  results/designed-grid.jsonl (committed cells are skipped). --pilot: only the pilot
#                                  (corner cells and learning-rate scans, out/designed/pilot.jsonl). Trains with
#                                  --train cpu; the plan's summary estimates the core-seconds left.
#   ./run-sweep.sh --link          builds pcfglab (when needed) and links it into ~/.local/bin, so that `pcfglab`
#                                  works in any shell; runs no sweep.
#
#   Options: [--out DIR] [--bootstrap R] [--threads N] [--jobs J] [--bin PATH] [--python PATH]
#            with --study or --quick: [--tokens 110M] [--seed 1] [--shapes K] [--budgets 100k,1M,...]
#                                     [--vocabulary 32001|grammar]
#            with --study: [--trainer "CMD {cell} {plan} {results}"]
#
#   --out        the mode's folder (default out/cpu, out/quick or out/study; --designed: always out/designed,
#                where sweeps/designed.json's dataRoot points)
#   --bootstrap  bootstrap resamples of the report's fits (default 1000; 100 for --quick)
#   --jobs       cells trained at once (--train cpu: default the core count)
#   --bin        a pcfglab binary to use instead of building one (default: $PCFGLAB_BIN); on a machine without .NET,
#                copy a published folder (dotnet publish src/PcfgLab.Cli -c Release -r linux-x64 -p:PublishAot=true)
#                and pass its pcfglab here.
#   --python     the interpreter with torch for --train cpu (default: $PCFGLAB_PYTHON, else the first of python3,
#                /usr/bin/python3 that imports torch and numpy; installs Debian's python3-torch with apt-get when none
#                does)
#   --trainer    a trainer command run once per pending cell of the study's grid, e.g.
#                "python3 src/trainers/torch/train_cell.py --plan {plan} --cell {cell} --results {results}"
#
# The binary (Native AOT, .tools/pcfglab; the JIT build where no native tool chain exists) is published only when
# the sources under src/ or the build files changed since the last publish (a stamp beside it). Works on a fresh
# clone: the first build restores packages from NuGet. See docs/sweep.md.
set -euo pipefail
cd "$(dirname "$0")"

MODE="cpu"
MODE_FLAGS=0
OUT=""
TOKENS=""
SEED="1"
SEED_SET=0
THREADS=""
SHAPES=""
BUDGETS=""
VOCABULARY=""
TRAINER=""
JOBS=""
TRAIN=""
BOOTSTRAP=""
LINK=0
PYTHON="${PCFGLAB_PYTHON:-}"
CPU_RESULTS="results/cpu-grid.jsonl"
DESIGNED_RESULTS="results/designed-grid.jsonl"
DESIGNED_SPEC="sweeps/designed.json"
DESIGNED_OUT="out/designed"   # sweeps/designed.json's dataRoot
PILOT=0
CPU_SPEC="sweeps/cpu.json"
CPU_TOKENS="4M"             # what the committed CPU runs were trained on (results/cpu-grid.jsonl)
CPU_TOKEN_COUNT="4000000"   # the same, as dataset.json and sweeps/gpu/datasets.tsv record it
DATASET_HASHES="sweeps/gpu/datasets.tsv"
PRESETS=() # the study's six, asked of pcfglab once it is built (GrammarPresets.Study owns the list)
PCFGLAB="${PCFGLAB_BIN:-}"
PENDING=0 # cells of the plan without a record, counted by write_plan

usage() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
}

fail() {
  echo "error: $2" >&2
  exit "$1"
}

parse_args() {
  local grid_option=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --study) MODE="study"; MODE_FLAGS=$((MODE_FLAGS + 1)); shift ;;
      --quick) MODE="quick"; MODE_FLAGS=$((MODE_FLAGS + 1)); shift ;;
      --designed) MODE="designed"; MODE_FLAGS=$((MODE_FLAGS + 1)); shift ;;
      --pilot) PILOT=1; shift ;;
      --train) TRAIN="$2"; shift 2 ;;
      --link) LINK=1; shift ;;
      --out) OUT="$2"; shift 2 ;;
      --tokens) TOKENS="$2"; grid_option="--tokens"; shift 2 ;;
      --seed) SEED="$2"; SEED_SET=1; grid_option="--seed"; shift 2 ;;
      --shapes) SHAPES="$2"; grid_option="--shapes"; shift 2 ;;
      --budgets) BUDGETS="$2"; grid_option="--budgets"; shift 2 ;;
      --vocabulary) VOCABULARY="$2"; grid_option="--vocabulary"; shift 2 ;;
      --threads) THREADS="$2"; shift 2 ;;
      --trainer) TRAINER="$2"; shift 2 ;;
      --jobs) JOBS="$2"; shift 2 ;;
      --bootstrap) BOOTSTRAP="$2"; shift 2 ;;
      --python) PYTHON="$2"; shift 2 ;;
      --bin) PCFGLAB="$2"; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) fail 2 "unknown option '$1' (see --help)" ;;
    esac
  done
  [ "$MODE_FLAGS" -le 1 ] || fail 2 "--study, --quick and --designed are modes: pick one"
  if [ "$PILOT" -eq 1 ] && [ "$MODE" != "designed" ]; then
    fail 2 "--pilot trains the designed grid's pilot: add --designed"
  fi
  if [ -n "$TRAIN" ] && [ "$TRAIN" != "cpu" ]; then
    fail 2 "--train '$TRAIN' is not known: use --train cpu (on a GPU or a cluster: --study --trainer, sweeps/gpu/run.sh, or pcfglab sweep slurm)"
  fi
  if [ -n "$TRAIN" ] && [ "$MODE" != "cpu" ] && [ "$MODE" != "designed" ]; then
    fail 2 "--train cpu trains the CPU grid (the default mode) or the designed grid (--designed): drop --$MODE"
  fi
  if [ -n "$TRAINER" ] && [ "$MODE" != "study" ]; then
    fail 2 "--trainer trains the study's grid: add --study (the CPU grid trains with --train cpu; --quick uses the synthetic trainer)"
  fi
  if [ "$MODE" = "cpu" ] && [ -n "$grid_option" ]; then
    fail 2 "$grid_option: the CPU grid is $CPU_SPEC on the data its committed runs saw ($CPU_TOKENS tokens per preset, seed 1); grid options go with --study or --quick"
  fi
  if [ "$MODE" = "designed" ] && [ -n "$grid_option" ]; then
    fail 2 "$grid_option: the designed grid is $DESIGNED_SPEC (edit its groups); grid options go with --study or --quick"
  fi
  if [ "$MODE" = "designed" ] && [ -n "$OUT" ] && [ "$OUT" != "$DESIGNED_OUT" ]; then
    fail 2 "--out $OUT: the designed grid's datasets are where $DESIGNED_SPEC's dataRoot points ($DESIGNED_OUT): drop --out"
  fi
  case "$MODE" in
    cpu)
      OUT="${OUT:-out/cpu}"
      TOKENS="$CPU_TOKENS"
      BOOTSTRAP="${BOOTSTRAP:-1000}"
      JOBS="${JOBS:-$(nproc 2>/dev/null || echo 1)}"
      ;;
    quick)
      OUT="${OUT:-out/quick}"
      TOKENS="${TOKENS:-1.1M}"
      SHAPES="${SHAPES:-4}"
      BUDGETS="${BUDGETS:-100k,200k,500k,1M}"
      VOCABULARY="${VOCABULARY:-grammar}"
      BOOTSTRAP="${BOOTSTRAP:-100}"
      ;;
    designed)
      OUT="$DESIGNED_OUT"
      BOOTSTRAP="${BOOTSTRAP:-1000}"
      JOBS="${JOBS:-$(nproc 2>/dev/null || echo 1)}"
      ;;
    study)
      OUT="${OUT:-out/study}"
      TOKENS="${TOKENS:-110M}"
      BOOTSTRAP="${BOOTSTRAP:-1000}"
      JOBS="${JOBS:-1}"
      ;;
  esac
  [ "$SEED_SET" -eq 1 ] || SEED=1
}

# The SHA-256 of everything the binary is built from: the tracked (and new, not ignored) files of the two projects,
# the build files and the runtime it is published for. Equal stamps: the published binary is current.
source_stamp() {
  local rid="$1"
  {
    echo "runtime $rid"
    if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
      git ls-files -z --cached --others --exclude-standard -- src/PcfgLab src/PcfgLab.Cli Directory.Build.props \
        Directory.Packages.props global.json
    else
      find src/PcfgLab src/PcfgLab.Cli Directory.Build.props Directory.Packages.props global.json -type f \
        -not -path '*/bin/*' -not -path '*/obj/*' -print0 2>/dev/null
    fi | LC_ALL=C sort -zu | xargs -0 sha256sum 2> /dev/null || true # a deleted file is left out
  } | sha256sum | cut -c1-64
}

# Publishes into FOLDER unless FOLDER/.source-stamp says it holds a build of these sources.
publish() {
  local folder="$1" stamp="$2"
  shift 2
  if [ -f "$folder/.source-stamp" ] && [ "$(cat "$folder/.source-stamp")" = "$stamp" ]; then
    return 0
  fi
  rm -f "$folder/.source-stamp"
  dotnet publish src/PcfgLab.Cli/PcfgLab.Cli.csproj -c Release "$@" -o "$folder" --nologo -v quiet >&2 || return 1
  echo "$stamp" > "$folder/.source-stamp"
}

build() {
  if [ -n "$PCFGLAB" ]; then
    [ -x "$PCFGLAB" ] || fail 2 "--bin '$PCFGLAB' is not an executable file: pass a published pcfglab"
    echo "== binary: $PCFGLAB" >&2
  else
    command -v dotnet > /dev/null 2>&1 || fail 2 "no .NET SDK here: install it (see global.json), or pass --bin with a published pcfglab"
    local rid
    case "$(uname -m)" in
      x86_64) rid=linux-x64 ;;
      aarch64|arm64) rid=linux-arm64 ;;
      *) rid="" ;;
    esac
    local native_stamp jit_stamp
    native_stamp="$(source_stamp "$rid-aot")"
    jit_stamp="$(source_stamp "jit")"
    if [ -n "$rid" ] && [ -x .tools/pcfglab/pcfglab ] && [ "$(cat .tools/pcfglab/.source-stamp 2>/dev/null)" = "$native_stamp" ]; then
      PCFGLAB="$PWD/.tools/pcfglab/pcfglab"
      echo "== binary: .tools/pcfglab/pcfglab (current: src/ unchanged since it was published)" >&2
    elif [ -x .tools/pcfglab-jit/PcfgLab.Cli ] && [ "$(cat .tools/pcfglab-jit/.source-stamp 2>/dev/null)" = "$jit_stamp" ]; then
      PCFGLAB="$PWD/.tools/pcfglab-jit/PcfgLab.Cli"
      echo "== binary: .tools/pcfglab-jit/PcfgLab.Cli (the JIT build; current: src/ unchanged since it was published)" >&2
    else
      # One self-contained executable that starts in milliseconds: every synthetic cell and every trainer hand-off
      # starts it again. The JIT build is the fallback where the native tool chain (gcc or clang) is missing.
      local started
      started="$(date +%s)"
      echo "== build: publishing pcfglab (Release, Native AOT${rid:+, $rid}) into .tools/pcfglab, because src/ changed or" \
        "it was never built; the first build takes about 3-4 minutes on 2 cores (restore, compile, native link), later runs" \
        "reuse it until src/ changes" >&2
      if [ -n "$rid" ] && publish .tools/pcfglab "$native_stamp" -r "$rid" -p:PublishAot=true; then
        PCFGLAB="$PWD/.tools/pcfglab/pcfglab"
      else
        echo "warning: no native build here; publishing the JIT build into .tools/pcfglab-jit (.NET needed where it runs)" >&2
        publish .tools/pcfglab-jit "$jit_stamp" || fail 1 "dotnet publish failed (see the messages above)"
        PCFGLAB="$PWD/.tools/pcfglab-jit/PcfgLab.Cli"
      fi
      echo "== build: done in $(( $(date +%s) - started )) s" >&2
    fi
  fi
  "$PCFGLAB" version >&2
}

link_binary() {
  local bin_dir="$HOME/.local/bin"
  mkdir -p "$bin_dir"
  ln -sfn "$PCFGLAB" "$bin_dir/pcfglab"
  echo "== linked $bin_dir/pcfglab -> $PCFGLAB" >&2
  case ":$PATH:" in
    *":$bin_dir:"*) echo "pcfglab is on PATH: try 'pcfglab --help'" >&2 ;;
    *) echo "$bin_dir is not on PATH: add it (echo 'export PATH=\"\$HOME/.local/bin:\$PATH\"' >> ~/.bashrc, then open a new shell)" >&2 ;;
  esac
}

list_presets() {
  mapfile -t PRESETS < <("$PCFGLAB" grammar presets --names --group study)
  [ "${#PRESETS[@]}" -gt 0 ] || fail 1 "'$PCFGLAB grammar presets' listed no study presets"
  if [ "$MODE" = "designed" ]; then
    local iso
    mapfile -t iso < <("$PCFGLAB" grammar presets --names --group iso-vocabulary)
    [ "${#iso[@]}" -gt 0 ] || fail 1 "'$PCFGLAB grammar presets' listed no iso-vocabulary presets"
    PRESETS+=("${iso[@]}")
  fi
}

# Tokens a dataset of the designed grid needs: its largest budget of sweeps/designed.json and the 1% validation split.
designed_tokens() {
  case "$1" in
    gzipscale-0.61) echo "17M" ;;
    gzipscale-0.51) echo "8.5M" ;;
    *) echo "4M" ;;
  esac
}

generate_datasets() {
  mkdir -p "$OUT"
  local preset
  for preset in "${PRESETS[@]}"; do
    local tokens="$TOKENS"
    [ "$MODE" = "designed" ] && tokens="$(designed_tokens "$preset")"
    echo "== generate $preset ($tokens tokens, seed $SEED) into $OUT/$preset" >&2
    local args=(generate --preset "$preset" --tokens "$tokens" --seed "$SEED" --out "$OUT/$preset" --force)
    { [ "$MODE" = "cpu" ] || [ "$MODE" = "designed" ]; } && args+=(--npy)
    [ -n "$THREADS" ] && args+=(--threads "$THREADS")
    "$PCFGLAB" "${args[@]}" > /dev/null
  done
}

# The CPU grid's records were trained on exactly these bytes: the grammar's rules and tokens.npy must have the
# SHA-256 committed for them, or the report would describe data the models never saw.
check_cpu_datasets() {
  local preset expected_rules expected_tokens rules tokens
  for preset in "${PRESETS[@]}"; do
    read -r expected_rules expected_tokens < <(awk -F '\t' -v p="$preset" -v t="$CPU_TOKEN_COUNT" \
      '$1 == p && $2 == "1" && $3 == t { print $4, $5 }' "$DATASET_HASHES")
    [ -n "${expected_tokens:-}" ] || fail 2 "$DATASET_HASHES has no row for $preset at seed 1 and $CPU_TOKEN_COUNT tokens"
    rules="$(grep -v '^#' "$OUT/$preset/grammar.pcfg" | sha256sum | cut -c1-64)"
    tokens="$(sha256sum < "$OUT/$preset/tokens.npy" | cut -c1-64)"
    if [ "$rules" != "$expected_rules" ] || [ "$tokens" != "$expected_tokens" ]; then
      fail 2 "$OUT/$preset is not the data the committed runs in $CPU_RESULTS were trained on (grammar rules $rules, tokens.npy $tokens; $DATASET_HASHES expects $expected_rules and $expected_tokens): this build generates other bytes"
    fi
    expected_tokens=""
  done
  echo "== checked: the six datasets are the bytes the committed runs saw ($DATASET_HASHES)" >&2
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
  [ -z "$PYTHON" ] || fail 2 "--python $PYTHON cannot import torch and numpy"
  echo "== install: python3-torch python3-numpy libopenblas0 (Debian's PyTorch, for /usr/bin/python3)" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq python3-torch python3-numpy libopenblas0; } >&2; then
    fail 2 "could not install PyTorch with apt-get: install python3-torch and python3-numpy, or pass --python"
  fi
  PYTHON=/usr/bin/python3
}

write_plan() {
  local args
  if [ "$MODE" = "cpu" ]; then
    echo "== plan ($CPU_SPEC)" >&2
    args=(sweep plan --spec "$CPU_SPEC")
    local preset
    for preset in "${PRESETS[@]}"; do
      args+=(--dataset "$OUT/$preset")
    done
  elif [ "$MODE" = "designed" ]; then
    args=(sweep plan --spec "$DESIGNED_SPEC")
    if [ "$PILOT" -eq 1 ]; then
      echo "== plan ($DESIGNED_SPEC, its pilot: corner cells and learning-rate scans)" >&2
      args+=(--pilot)
    else
      echo "== plan ($DESIGNED_SPEC, the whole grid)" >&2
    fi
  else
    echo "== plan" >&2
    args=(sweep plan --data-root "$OUT")
    [ -n "$SHAPES" ] && args+=(--shapes "$SHAPES")
    [ -n "$BUDGETS" ] && args+=(--budgets "$BUDGETS")
    [ -n "$VOCABULARY" ] && args+=(--vocabulary "$VOCABULARY")
  fi
  # With the records, the plan's summary counts the cells that have one.
  local results
  results="$(results_file)"
  [ -s "$results" ] && args+=(--results "$results")
  "$PCFGLAB" "${args[@]}" --out "$(plan_file)" | awk '/^[0-9]+ cells, |^estimated /'
  PENDING="$(wc -l < "$(plan_file)")"
  if [ -s "$results" ]; then
    "$PCFGLAB" "${args[@]}" --pending-only --out "$OUT/pending.jsonl" > /dev/null 2>&1
    PENDING="$(wc -l < "$OUT/pending.jsonl")"
  fi
}

# The plan the mode trains and reports: the designed grid's pilot has its own.
plan_file() {
  if [ "$MODE" = "designed" ] && [ "$PILOT" -eq 1 ]; then
    echo "$OUT/pilot.jsonl"
  else
    echo "$OUT/plan.jsonl"
  fi
}

# Where the mode's records are: the committed files for the CPU and the designed grids, the mode's folder otherwise.
results_file() {
  case "$MODE" in
    cpu) echo "$CPU_RESULTS" ;;
    designed) echo "$DESIGNED_RESULTS" ;;
    quick) echo "$OUT/results-synthetic.jsonl" ;;
    study) echo "$OUT/results.jsonl" ;;
  esac
}

train_cells() {
  local results
  results="$(results_file)"
  if [ "$TRAIN" = "cpu" ] && [ "$PENDING" -eq 0 ]; then
    echo "== train: nothing to train: every cell of $(plan_file) has a record in $results" >&2
  elif [ "$TRAIN" = "cpu" ]; then
    find_python
    echo "== train: REAL models on the CPU ($PYTHON, $JOBS cells at once, bf16); records in $results" >&2
    mkdir -p "$(dirname "$results")"
    "$PCFGLAB" sweep train --plan "$(plan_file)" --results "$results" --failures "$OUT/failures.jsonl" --jobs "$JOBS" \
      --trainer "'$PYTHON' src/trainers/torch/train_cell.py --plan {plan} --cell {cell} --results {results} --device cpu --dtype bfloat16 --threads 1 --max-valid-docs 256" || true
  elif [ "$MODE" = "quick" ]; then
    echo "== train: SYNTHETIC trainer for every cell (no model is trained)" >&2
    "$PCFGLAB" sweep train --plan "$OUT/plan.jsonl" --results "$results" --jobs 2 \
      --trainer "'$PCFGLAB' sweep synthetic-train --plan {plan} --cell {cell} --results {results}"
  elif [ -n "$TRAINER" ]; then
    echo "== train: $TRAINER" >&2
    # A failed cell is recorded in OUT/failures.jsonl; the report still follows.
    "$PCFGLAB" sweep train --plan "$OUT/plan.jsonl" --results "$results" --failures "$OUT/failures.jsonl" --jobs "$JOBS" --trainer "$TRAINER" || true
  elif [ "$MODE" = "cpu" ] || [ "$MODE" = "designed" ]; then
    echo "== train: none asked (--train cpu trains the pending cells); the report fits the records in $results" >&2
  else
    echo "== train: none asked (--trainer CMD trains the pending cells); the report fits the records in $results" >&2
  fi
}

write_report() {
  local results
  results="$(results_file)"
  if [ ! -s "$results" ]; then
    echo "== report: not written: no records in $results yet (train the cells with --trainer; on a GPU: sweeps/gpu/run.sh; on a cluster: pcfglab sweep slurm)" >&2
    return
  fi
  echo "== report ($BOOTSTRAP bootstrap resamples)" >&2
  "$PCFGLAB" sweep report --plan "$(plan_file)" --results "$results" --out "$OUT/report" --seed "$SEED" --bootstrap "$BOOTSTRAP"
  echo "" >&2
  echo "== done: read $OUT/report/report.md; the three figures to look at first:" >&2
  local figure
  for figure in parameter-beta.png tokens-per-parameter.png parameter-E.png; do
    [ -f "$OUT/report/figures/$figure" ] && echo "   $OUT/report/figures/$figure" >&2
  done
  return 0
}

main() {
  parse_args "$@"
  build
  if [ "$LINK" -eq 1 ]; then
    link_binary
    return
  fi
  list_presets
  generate_datasets
  [ "$MODE" = "cpu" ] && check_cpu_datasets
  print_summary
  write_plan
  train_cells
  write_report
}

main "$@"
