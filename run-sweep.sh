#!/usr/bin/env bash
# PcfgLab sweep, "Generate" stage: build Release once, generate the study's six preset datasets, print a table of
# preset, spectral radius, q_S, gzip median and stdev, tokens/s (read from each dataset.json by pcfglab itself).
#
#   ./run-sweep.sh [--tokens 10M] [--seed 1] [--out ./out] [--threads N]
#
# Works on a fresh clone: the build restores packages from NuGet. Later stages add steps after generate_datasets.
set -euo pipefail
cd "$(dirname "$0")"

TOKENS="10M"
SEED="1"
OUT="./out"
THREADS=""
PRESETS=(gzipscale-0.11 gzipscale-0.22 gzipscale-0.35 gzipscale-0.42 gzipscale-0.51 gzipscale-0.61)
PCFGLAB=""

usage() {
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
}

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --tokens) TOKENS="$2"; shift 2 ;;
      --seed) SEED="$2"; shift 2 ;;
      --out) OUT="$2"; shift 2 ;;
      --threads) THREADS="$2"; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
  done
}

build() {
  echo "== build (Release)" >&2
  dotnet publish src/PcfgLab.Cli/PcfgLab.Cli.csproj -c Release -o .tools/pcfglab --nologo -v quiet >&2
  PCFGLAB="$PWD/.tools/pcfglab/PcfgLab.Cli"
  "$PCFGLAB" version >&2
}

generate_datasets() {
  mkdir -p "$OUT"
  local preset
  for preset in "${PRESETS[@]}"; do
    echo "== generate $preset ($TOKENS tokens, seed $SEED)" >&2
    local args=(generate --preset "$preset" --tokens "$TOKENS" --seed "$SEED" --out "$OUT/$preset" --force)
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

main() {
  parse_args "$@"
  build
  generate_datasets
  print_summary
}

main "$@"
