# PcfgLab sweep, end to end: build Release once, generate the study's six preset datasets (gzip measured on the way),
# print their summary, write the training plan, train the pending cells when a trainer is given, and always write
# the report from whatever results exist (out/results.jsonl and any *.jsonl committed under results/), listing the
# cells that have no record.
#
#   ./run-sweep.ps1 [-Tokens 110M] [-Seed 1] [-Out ./out] [-Threads N] [-Shapes K] [-Budgets 100k,1M,...]
#                   [-Vocabulary 32001|grammar] [-Trainer "CMD {cell} {plan} {results}"] [-Jobs J] [-Quick]
#
#   -Quick    minutes on a laptop CPU: 1.1M tokens per preset, the 4 smallest shapes, budgets 100k,200k,500k,1M,
#             the grammar's own vocabulary, and the SYNTHETIC trainer for every cell (no model is trained; records
#             and report say "synthetic"); 100 bootstrap resamples. Writes out/results-synthetic.jsonl and
#             out/report-quick/.
#   -Trainer  a trainer command run once per pending cell, e.g.
#             "python3 src/trainers/torch/train_cell.py --plan {plan} --cell {cell} --results {results}"
#
# Works on a fresh clone: the build restores packages from NuGet. See docs/sweep.md.
[CmdletBinding()]
param(
    [string]$Tokens = "110M",
    [long]$Seed = 1,
    [string]$Out = "./out",
    [int]$Threads = 0,
    [int]$Shapes = 0,
    [string]$Budgets = "",
    [string]$Vocabulary = "",
    [string]$Trainer = "",
    [int]$Jobs = 1,
    [switch]$Quick
)

$ErrorActionPreference = "Stop"
Set-Location -Path $PSScriptRoot

$Presets = @("gzipscale-0.11", "gzipscale-0.22", "gzipscale-0.35", "gzipscale-0.42", "gzipscale-0.51", "gzipscale-0.61")
$script:Pcfglab = $null

if ($Quick) {
    if ($Trainer) { throw "-Quick uses the synthetic trainer; drop -Trainer or -Quick" }
    $Tokens = "1.1M"
    if ($Shapes -eq 0) { $Shapes = 4 }
    if (-not $Budgets) { $Budgets = "100k,200k,500k,1M" }
    if (-not $Vocabulary) { $Vocabulary = "grammar" }
}

function Invoke-Checked {
    param([string]$Program, [string[]]$Arguments)
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "$Program $($Arguments -join ' ') failed with exit code $LASTEXITCODE"
    }
}

function Invoke-Build {
    Write-Host "== build (Release)"
    Invoke-Checked "dotnet" @("publish", "src/PcfgLab.Cli/PcfgLab.Cli.csproj", "-c", "Release", "-o", ".tools/pcfglab", "--nologo", "-v", "quiet")
    $name = if ($IsWindows -or $env:OS -eq "Windows_NT") { "PcfgLab.Cli.exe" } else { "PcfgLab.Cli" }
    $script:Pcfglab = Join-Path (Resolve-Path ".tools/pcfglab") $name
    Invoke-Checked $script:Pcfglab @("version")
}

function Invoke-GenerateDatasets {
    New-Item -ItemType Directory -Force -Path $Out | Out-Null
    foreach ($preset in $Presets) {
        Write-Host "== generate $preset ($Tokens tokens, seed $Seed)"
        $arguments = @("generate", "--preset", $preset, "--tokens", $Tokens, "--seed", "$Seed", "--out", (Join-Path $Out $preset), "--force")
        if ($Threads -gt 0) {
            $arguments += @("--threads", "$Threads")
        }
        Invoke-Checked $script:Pcfglab $arguments | Out-Null
    }
}

function Show-Summary {
    Write-Host "== summary"
    $folders = @($Presets | ForEach-Object { Join-Path $Out $_ })
    Invoke-Checked $script:Pcfglab (@("dataset", "summary") + $folders)
}

function Write-Plan {
    Write-Host "== plan"
    $arguments = @("sweep", "plan", "--data-root", $Out, "--out", (Join-Path $Out "plan.jsonl"))
    if ($Shapes -gt 0) { $arguments += @("--shapes", "$Shapes") }
    if ($Budgets) { $arguments += @("--tokens", $Budgets) }
    if ($Vocabulary) { $arguments += @("--vocabulary", $Vocabulary) }
    Invoke-Checked $script:Pcfglab $arguments | Select-Object -Last 1
}

function Invoke-Training {
    $plan = Join-Path $Out "plan.jsonl"
    if ($Quick) {
        Write-Host "== train: SYNTHETIC trainer for every cell (no model is trained)"
        Invoke-Checked $script:Pcfglab @("sweep", "train", "--plan", $plan, "--results", (Join-Path $Out "results-synthetic.jsonl"), "--jobs", "2",
            "--trainer", "'$($script:Pcfglab)' sweep synthetic-train --plan {plan} --cell {cell} --results {results}")
    }
    elseif ($Trainer) {
        Write-Host "== train: $Trainer"
        # A failed cell is recorded in out/failures.jsonl; the report still follows.
        & $script:Pcfglab sweep train --plan $plan --results (Join-Path $Out "results.jsonl") --jobs "$Jobs" --trainer $Trainer
    }
    else {
        Write-Host "== train: skipped (no -Trainer); the report uses the results that exist"
    }
}

function Write-Report {
    Write-Host "== report"
    $plan = Join-Path $Out "plan.jsonl"
    if ($Quick) {
        Invoke-Checked $script:Pcfglab @("sweep", "report", "--plan", $plan, "--results", (Join-Path $Out "results-synthetic.jsonl"), "--out", (Join-Path $Out "report-quick"), "--seed", "$Seed", "--bootstrap", "100")
    }
    else {
        $results = @((Join-Path $Out "results.jsonl"))
        if (Test-Path "results" -PathType Container) { $results += "results" }
        Invoke-Checked $script:Pcfglab (@("sweep", "report", "--plan", $plan, "--results") + $results + @("--out", (Join-Path $Out "report"), "--seed", "$Seed"))
    }
}

Invoke-Build
Invoke-GenerateDatasets
Show-Summary
Write-Plan
Invoke-Training
Write-Report
