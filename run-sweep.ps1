# PcfgLab sweep, end to end: build the native pcfglab binary once (Native AOT; the JIT build where that fails), generate the study's six preset datasets (gzip measured on the way),
# print their summary, write the training plan, train the pending cells when a trainer is given, and always write
# the report from whatever results exist (out/results.jsonl and any *.jsonl committed under results/), listing the
# cells that have no record.
#
#   ./run-sweep.ps1 [-Tokens 110M] [-Seed 1] [-Out ./out] [-Threads N] [-Shapes K] [-Budgets 100k,1M,...]
#                   [-Vocabulary 32001|grammar] [-Trainer "CMD {cell} {plan} {results}"] [-Jobs J] [-Quick]
#                   [-Train cpu] [-Python PATH] [-Bin PATH]
#
# Runs under PowerShell 7 (pwsh). Without a system-wide pwsh, the repository's tool manifest has one:
#   dotnet tool restore; dotnet pwsh ./run-sweep.ps1 -Quick
#
#   -Train cpu  trains REAL models on this machine's CPU with PyTorch: the grid of sweeps/cpu.json, 4M tokens per
#               preset (+ tokens.npy), bf16, one thread per cell, -Jobs cells at once (default: the core count).
#               Records go to results/cpu-grid.jsonl (cells with a record are skipped); the report to out/report-cpu/.
#   -Python     the interpreter with torch (default: $env:PCFGLAB_PYTHON, else the first of python3, /usr/bin/python3
#               that imports torch and numpy); on Linux, installs Debian's python3-torch with apt-get when none does.
#   -Bin        a pcfglab binary to use instead of building one (default: $env:PCFGLAB_BIN); on a machine without
#               .NET, copy a published folder (dotnet publish src/PcfgLab.Cli -c Release -r linux-x64
#               -p:PublishAot=true) and pass its pcfglab here.
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
    [switch]$Quick,
    [string]$Train = "",
    [string]$Python = $env:PCFGLAB_PYTHON,
    [string]$Bin = $env:PCFGLAB_BIN
)

$ErrorActionPreference = "Stop"
Set-Location -Path $PSScriptRoot

$Presets = @("gzipscale-0.11", "gzipscale-0.22", "gzipscale-0.35", "gzipscale-0.42", "gzipscale-0.51", "gzipscale-0.61")
$script:Pcfglab = $null
$CpuResults = "results/cpu-grid.jsonl"

if ($Train -and $Train -ne "cpu") { throw "-Train '$Train' is not known: use -Train cpu (on a GPU or a cluster: -Trainer, or pcfglab sweep slurm)" }
if ($Train -and ($Quick -or $Trainer)) { throw "-Train cpu plans and trains its own grid: drop -Quick and -Trainer" }
if ($Train -eq "cpu") {
    if ($Tokens -eq "110M") { $Tokens = "4M" }
    if ($Jobs -eq 1) { $Jobs = [Environment]::ProcessorCount }
}

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
    if ($Bin) {
        if (-not (Test-Path $Bin -PathType Leaf)) { throw "-Bin '$Bin' is not an executable file: pass a published pcfglab" }
        Write-Host "== binary: $Bin"
        $script:Pcfglab = (Resolve-Path $Bin).Path
    }
    else {
        $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
        Write-Host "== build (Release, Native AOT, $rid)"
        # One self-contained executable that starts in milliseconds: every synthetic cell and every trainer hand-off
        # starts it again. The JIT build is the fallback where the native tool chain (gcc, clang or MSVC) is missing.
        & dotnet publish src/PcfgLab.Cli/PcfgLab.Cli.csproj -c Release -r $rid -p:PublishAot=true -o .tools/pcfglab --nologo -v quiet
        $exe = if ($IsWindows -or $env:OS -eq "Windows_NT") { ".exe" } else { "" }
        if ($LASTEXITCODE -eq 0) {
            $script:Pcfglab = Join-Path (Resolve-Path ".tools/pcfglab") "pcfglab$exe"
        }
        else {
            Write-Warning "no native build here; using the JIT build (.NET needed where it runs)"
            Invoke-Checked "dotnet" @("publish", "src/PcfgLab.Cli/PcfgLab.Cli.csproj", "-c", "Release", "-o", ".tools/pcfglab-jit", "--nologo", "-v", "quiet")
            $script:Pcfglab = Join-Path (Resolve-Path ".tools/pcfglab-jit") "PcfgLab.Cli$exe"
        }
    }
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
        if ($Train -eq "cpu") { $arguments += "--npy" }
        Invoke-Checked $script:Pcfglab $arguments | Out-Null
    }
}

function Show-Summary {
    Write-Host "== summary"
    $folders = @($Presets | ForEach-Object { Join-Path $Out $_ })
    Invoke-Checked $script:Pcfglab (@("dataset", "summary") + $folders)
}

function Invoke-AptGet {
    param([string[]]$Arguments)
    if ((& id -u) -ne "0") { & sudo apt-get @Arguments } else { & apt-get @Arguments }
}

# An interpreter that imports torch and numpy; on Linux, installs Debian's packages when none does.
function Find-Python {
    foreach ($candidate in @($Python, "python3", "/usr/bin/python3")) {
        if (-not $candidate) { continue }
        $command = Get-Command $candidate -ErrorAction SilentlyContinue
        if ($command) {
            & $command.Source -c "import torch, numpy" 2>$null
            if ($LASTEXITCODE -eq 0) { return $command.Source }
        }
    }
    if ($Python) { throw "-Python $Python cannot import torch and numpy" }
    if (-not $IsLinux) { throw "no Python imports torch and numpy: install PyTorch and numpy, or pass -Python" }
    Write-Host "== install: python3-torch python3-numpy libopenblas0 (Debian's PyTorch, for /usr/bin/python3)"
    Invoke-AptGet @("update", "-qq")
    if ($LASTEXITCODE -eq 0) { Invoke-AptGet @("install", "-y", "-qq", "python3-torch", "python3-numpy", "libopenblas0") }
    if ($LASTEXITCODE -ne 0) { throw "could not install PyTorch with apt-get: install python3-torch and python3-numpy, or pass -Python" }
    return "/usr/bin/python3"
}

function Write-Plan {
    if ($Train -eq "cpu") {
        Write-Host "== plan (sweeps/cpu.json)"
        $arguments = @("sweep", "plan", "--spec", "sweeps/cpu.json")
        foreach ($preset in $Presets) { $arguments += @("--dataset", (Join-Path $Out $preset)) }
        $arguments += @("--out", (Join-Path $Out "plan-cpu.jsonl"))
        Invoke-Checked $script:Pcfglab $arguments | Select-Object -Last 1
        return
    }
    Write-Host "== plan"
    $arguments = @("sweep", "plan", "--data-root", $Out, "--out", (Join-Path $Out "plan.jsonl"))
    if ($Shapes -gt 0) { $arguments += @("--shapes", "$Shapes") }
    if ($Budgets) { $arguments += @("--tokens", $Budgets) }
    if ($Vocabulary) { $arguments += @("--vocabulary", $Vocabulary) }
    Invoke-Checked $script:Pcfglab $arguments | Select-Object -Last 1
}

function Invoke-Training {
    $plan = Join-Path $Out "plan.jsonl"
    if ($Train -eq "cpu") {
        $interpreter = Find-Python
        Write-Host "== train: REAL models on the CPU ($interpreter, $Jobs cells at once, bf16); records in $CpuResults"
        & $script:Pcfglab sweep train --plan (Join-Path $Out "plan-cpu.jsonl") --results $CpuResults --failures (Join-Path $Out "failures-cpu.jsonl") --jobs "$Jobs" `
            --trainer "'$interpreter' src/trainers/torch/train_cell.py --plan {plan} --cell {cell} --results {results} --device cpu --dtype bfloat16 --threads 1 --max-valid-docs 256"
    }
    elseif ($Quick) {
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
    if ($Train -eq "cpu") {
        Invoke-Checked $script:Pcfglab @("sweep", "report", "--plan", (Join-Path $Out "plan-cpu.jsonl"), "--results", $CpuResults, "--out", (Join-Path $Out "report-cpu"), "--seed", "$Seed", "--bootstrap", "200")
    }
    elseif ($Quick) {
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
