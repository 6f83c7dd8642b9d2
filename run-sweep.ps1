# PcfgLab sweep, end to end (run-sweep.sh in PowerShell: the same modes, folders and files). Four modes, each in its
# own folder (its datasets, plan, records and report), so that no mode replaces the datasets another mode's report
# describes:
#
#   ./run-sweep.ps1                the CPU grid (the default; out/cpu): regenerates the six datasets the committed CPU
#                                  runs were trained on (4M tokens per preset, seed 1, with tokens.npy; each checked
#                                  against the SHA-256 committed in sweeps/gpu/datasets.tsv), plans sweeps/cpu.json
#                                  (96 cells), fits the committed records (results/cpu-grid.jsonl) with the bootstrap
#                                  on and writes out/cpu/report/. Trains nothing unless asked:
#   ./run-sweep.ps1 -Train cpu     ... and trains the CPU grid's pending cells first (REAL models, PyTorch on this CPU;
#                                  none are pending on a fresh clone: every cell has a committed record).
#   ./run-sweep.ps1 -Quick         minutes, no model trained (out/quick): 1.1M tokens per preset, the 4 smallest study
#                                  shapes, budgets 100k,200k,500k,1M, each grammar's own vocabulary, the SYNTHETIC
#                                  trainer for every cell (records and report say "synthetic").
#   ./run-sweep.ps1 -Study         the study's GPU-scale grid (out/study): 110M tokens per preset, 216 cells (six
#                                  shapes x six budgets); trains with -Trainer; reports the records in
#                                  out/study/results.jsonl (none until a GPU or a cluster trained them).
#   ./run-sweep.ps1 -Designed      issue 24's designed grid (out/designed): sweeps/designed.json, each dataset in its own
#                                  regime (the five study datasets, 0.11 as a control, the four iso-vocabulary presets;
#                                  seed 1 with tokens.npy, enough tokens for each dataset's largest budget); records in
#                                  results/designed-grid.jsonl (committed cells are skipped). -Pilot: only the pilot
#                                  (corner cells and learning-rate scans, out/designed/pilot.jsonl). Trains with
#                                  -Train cpu; the plan's summary estimates the core-seconds left.
#   ./run-sweep.ps1 -Link          builds pcfglab (when needed) and links it into ~/.local/bin (not on Windows), so
#                                  that `pcfglab` works in any shell; runs no sweep.
#
#   Options: [-Out DIR] [-Bootstrap R] [-Threads N] [-Jobs J] [-Bin PATH] [-Python PATH]
#            with -Study or -Quick: [-Tokens 110M] [-Seed 1] [-Shapes K] [-Budgets 100k,1M,...]
#                                   [-Vocabulary 32001|grammar]
#            with -Study: [-Trainer "CMD {cell} {plan} {results}"]
#
#   -Out        the mode's folder (default out/cpu, out/quick or out/study; -Designed: always out/designed,
#               where sweeps/designed.json's dataRoot points)
#   -Bootstrap  bootstrap resamples of the report's fits (default 1000; 100 for -Quick)
#   -Jobs       cells trained at once (-Train cpu: default the core count)
#   -Bin        a pcfglab binary to use instead of building one (default: $env:PCFGLAB_BIN); on a machine without
#               .NET, copy a published folder (dotnet publish src/PcfgLab.Cli -c Release -r linux-x64
#               -p:PublishAot=true) and pass its pcfglab here.
#   -Python     the interpreter with torch for -Train cpu (default: $env:PCFGLAB_PYTHON, else the first of python3,
#               /usr/bin/python3 that imports torch and numpy; on Linux, installs Debian's python3-torch with apt-get
#               when none does)
#   -Trainer    a trainer command run once per pending cell of the study's grid, e.g.
#               "python3 src/trainers/torch/train_cell.py --plan {plan} --cell {cell} --results {results}"
#
# Runs under PowerShell 7 (pwsh). Without a system-wide pwsh, the repository's tool manifest has one:
#   dotnet tool restore; dotnet pwsh ./run-sweep.ps1 -Quick
#
# The binary (Native AOT, .tools/pcfglab; the JIT build where no native tool chain exists) is published only when
# the sources under src/ or the build files changed since the last publish (a stamp beside it, the same as
# run-sweep.sh's). Works on a fresh clone: the first build restores packages from NuGet. See docs/sweep.md.
[CmdletBinding()]
param(
    [switch]$Study,
    [switch]$Quick,
    [switch]$Designed,
    [switch]$Pilot,
    [string]$Train = "",
    [switch]$Link,
    [string]$Out = "",
    [string]$Tokens = "",
    [long]$Seed = 1,
    [int]$Shapes = 0,
    [string]$Budgets = "",
    [string]$Vocabulary = "",
    [int]$Threads = 0,
    [string]$Trainer = "",
    [int]$Jobs = 0,
    [int]$Bootstrap = -1,
    [string]$Python = $env:PCFGLAB_PYTHON,
    [string]$Bin = $env:PCFGLAB_BIN
)

$ErrorActionPreference = "Stop"
Set-Location -Path $PSScriptRoot

$script:Presets = @() # the study's six, asked of pcfglab once it is built (GrammarPresets.Study owns the list)
$script:Pcfglab = $null
$script:Pending = 0 # cells of the plan without a record, counted by Write-Plan
$CpuResults = "results/cpu-grid.jsonl"
$CpuSpec = "sweeps/cpu.json"
$CpuTokens = "4M"             # what the committed CPU runs were trained on (results/cpu-grid.jsonl)
$CpuTokenCount = "4000000"    # the same, as dataset.json and sweeps/gpu/datasets.tsv record it
$DatasetHashes = "sweeps/gpu/datasets.tsv"
$DesignedResults = "results/designed-grid.jsonl"
$DesignedSpec = "sweeps/designed.json"
$DesignedOut = "out/designed"   # sweeps/designed.json's dataRoot

if (@($Study, $Quick, $Designed | Where-Object { $_ }).Count -gt 1) { throw "-Study, -Quick and -Designed are modes: pick one" }
$Mode = if ($Study) { "study" } elseif ($Quick) { "quick" } elseif ($Designed) { "designed" } else { "cpu" }
if ($Pilot -and $Mode -ne "designed") { throw "-Pilot trains the designed grid's pilot: add -Designed" }
if ($Train -and $Train -ne "cpu") { throw "-Train '$Train' is not known: use -Train cpu (on a GPU or a cluster: -Study -Trainer, sweeps/gpu/run.sh, or pcfglab sweep slurm)" }
if ($Train -and $Mode -ne "cpu" -and $Mode -ne "designed") { throw "-Train cpu trains the CPU grid (the default mode) or the designed grid (-Designed): drop -Study and -Quick" }
if ($Trainer -and $Mode -ne "study") { throw "-Trainer trains the study's grid: add -Study (the CPU grid trains with -Train cpu; -Quick uses the synthetic trainer)" }
$gridOptions = @(@("Tokens", "Seed", "Shapes", "Budgets", "Vocabulary") | Where-Object { $PSBoundParameters.ContainsKey($_) })
if ($Mode -eq "cpu" -and $gridOptions) {
    throw "-$($gridOptions[0]): the CPU grid is $CpuSpec on the data its committed runs saw ($CpuTokens tokens per preset, seed 1); grid options go with -Study or -Quick"
}
if ($Mode -eq "designed" -and $gridOptions) {
    throw "-$($gridOptions[0]): the designed grid is $DesignedSpec (edit its groups); grid options go with -Study or -Quick"
}
if ($Mode -eq "designed" -and $Out -and $Out -ne $DesignedOut) {
    throw "-Out $($Out): the designed grid's datasets are where $DesignedSpec's dataRoot points ($DesignedOut): drop -Out"
}
switch ($Mode) {
    "designed" {
        $Out = $DesignedOut
        if ($Bootstrap -lt 0) { $Bootstrap = 1000 }
        if ($Jobs -eq 0) { $Jobs = [Environment]::ProcessorCount }
    }
    "cpu" {
        if (-not $Out) { $Out = "out/cpu" }
        $Tokens = $CpuTokens
        if ($Bootstrap -lt 0) { $Bootstrap = 1000 }
        if ($Jobs -eq 0) { $Jobs = [Environment]::ProcessorCount }
    }
    "quick" {
        if (-not $Out) { $Out = "out/quick" }
        if (-not $Tokens) { $Tokens = "1.1M" }
        if ($Shapes -eq 0) { $Shapes = 4 }
        if (-not $Budgets) { $Budgets = "100k,200k,500k,1M" }
        if (-not $Vocabulary) { $Vocabulary = "grammar" }
        if ($Bootstrap -lt 0) { $Bootstrap = 100 }
    }
    "study" {
        if (-not $Out) { $Out = "out/study" }
        if (-not $Tokens) { $Tokens = "110M" }
        if ($Bootstrap -lt 0) { $Bootstrap = 1000 }
        if ($Jobs -eq 0) { $Jobs = 1 }
    }
}

function Invoke-Checked {
    param([string]$Program, [string[]]$Arguments)
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "$Program $($Arguments -join ' ') failed with exit code $LASTEXITCODE"
    }
}

function Get-Sha256 {
    param([byte[]]$Bytes)
    return [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($Bytes)).ToLowerInvariant()
}

# The SHA-256 of everything the binary is built from: the tracked (and new, not ignored) files of the two projects,
# the build files and the runtime it is published for; the same text and hash as run-sweep.sh's source_stamp.
function Get-SourceStamp {
    param([string]$Runtime)
    $roots = @("src/PcfgLab", "src/PcfgLab.Cli", "Directory.Build.props", "Directory.Packages.props", "global.json")
    $inGit = $false
    if (Get-Command git -ErrorAction SilentlyContinue) {
        & git rev-parse --is-inside-work-tree *> $null
        $inGit = $LASTEXITCODE -eq 0
    }
    $files = if ($inGit) {
        @(& git ls-files --cached --others --exclude-standard -- @roots)
    }
    else {
        @($roots | Where-Object { Test-Path $_ } | ForEach-Object { Get-ChildItem -Path $_ -Recurse -File -ErrorAction SilentlyContinue } |
            ForEach-Object { [System.IO.Path]::GetRelativePath($PWD.Path, $_.FullName).Replace('\', '/') } |
            Where-Object { $_ -notmatch '(^|/)(bin|obj)/' })
    }
    $files = [string[]]@($files | Where-Object { $_ } | Sort-Object -Unique)
    [Array]::Sort($files, [StringComparer]::Ordinal)
    $text = [System.Text.StringBuilder]::new()
    [void]$text.Append("runtime $Runtime`n")
    foreach ($file in $files) {
        if (Test-Path $file -PathType Leaf) { # a deleted file is left out
            [void]$text.Append("$(Get-Sha256 ([System.IO.File]::ReadAllBytes((Join-Path $PWD.Path $file))))  $file`n")
        }
    }
    return Get-Sha256 ([System.Text.Encoding]::UTF8.GetBytes($text.ToString()))
}

function Test-Stamp {
    param([string]$Folder, [string]$Executable, [string]$Stamp)
    $file = Join-Path $Folder ".source-stamp"
    return (Test-Path (Join-Path $Folder $Executable) -PathType Leaf) -and (Test-Path $file -PathType Leaf) -and ((Get-Content -Raw $file).Trim() -eq $Stamp)
}

# Publishes into $Folder and writes the stamp; false when dotnet publish failed.
function Invoke-Publish {
    param([string]$Folder, [string]$Stamp, [string[]]$Arguments)
    Remove-Item -Force -ErrorAction SilentlyContinue (Join-Path $Folder ".source-stamp")
    & dotnet publish src/PcfgLab.Cli/PcfgLab.Cli.csproj -c Release @Arguments -o $Folder --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { return $false }
    Set-Content -Path (Join-Path $Folder ".source-stamp") -Value $Stamp -NoNewline
    return $true
}

function Invoke-Build {
    if ($Bin) {
        if (-not (Test-Path $Bin -PathType Leaf)) { throw "-Bin '$Bin' is not an executable file: pass a published pcfglab" }
        Write-Host "== binary: $Bin"
        $script:Pcfglab = (Resolve-Path $Bin).Path
    }
    else {
        if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) { throw "no .NET SDK here: install it (see global.json), or pass -Bin with a published pcfglab" }
        $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
        $exe = if ($IsWindows -or $env:OS -eq "Windows_NT") { ".exe" } else { "" }
        $nativeStamp = Get-SourceStamp "$rid-aot"
        $jitStamp = Get-SourceStamp "jit"
        if (Test-Stamp ".tools/pcfglab" "pcfglab$exe" $nativeStamp) {
            $script:Pcfglab = Join-Path (Resolve-Path ".tools/pcfglab") "pcfglab$exe"
            Write-Host "== binary: .tools/pcfglab/pcfglab$exe (current: src/ unchanged since it was published)"
        }
        elseif (Test-Stamp ".tools/pcfglab-jit" "PcfgLab.Cli$exe" $jitStamp) {
            $script:Pcfglab = Join-Path (Resolve-Path ".tools/pcfglab-jit") "PcfgLab.Cli$exe"
            Write-Host "== binary: .tools/pcfglab-jit/PcfgLab.Cli$exe (the JIT build; current: src/ unchanged since it was published)"
        }
        else {
            # One self-contained executable that starts in milliseconds: every synthetic cell and every trainer hand-off
            # starts it again. The JIT build is the fallback where the native tool chain (gcc, clang or MSVC) is missing.
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            Write-Host ("== build: publishing pcfglab (Release, Native AOT, $rid) into .tools/pcfglab, because src/ changed or " +
                "it was never built; the first build takes about 3-4 minutes on 2 cores (restore, compile, native link), later runs " +
                "reuse it until src/ changes")
            if (Invoke-Publish ".tools/pcfglab" $nativeStamp @("-r", $rid, "-p:PublishAot=true")) {
                $script:Pcfglab = Join-Path (Resolve-Path ".tools/pcfglab") "pcfglab$exe"
            }
            else {
                Write-Warning "no native build here; publishing the JIT build into .tools/pcfglab-jit (.NET needed where it runs)"
                if (-not (Invoke-Publish ".tools/pcfglab-jit" $jitStamp @())) { throw "dotnet publish failed (see the messages above)" }
                $script:Pcfglab = Join-Path (Resolve-Path ".tools/pcfglab-jit") "PcfgLab.Cli$exe"
            }
            Write-Host "== build: done in $([int]$watch.Elapsed.TotalSeconds) s"
        }
    }
    Invoke-Checked $script:Pcfglab @("version")
}

function Set-Link {
    if ($IsWindows -or $env:OS -eq "Windows_NT") {
        throw "-Link makes a symbolic link in ~/.local/bin (Linux, macOS); on Windows add $(Split-Path $script:Pcfglab) to PATH"
    }
    $binDir = Join-Path $HOME ".local/bin"
    New-Item -ItemType Directory -Force -Path $binDir | Out-Null
    $link = Join-Path $binDir "pcfglab"
    Remove-Item -Force -ErrorAction SilentlyContinue $link
    New-Item -ItemType SymbolicLink -Path $link -Target $script:Pcfglab | Out-Null
    Write-Host "== linked $link -> $($script:Pcfglab)"
    if (($env:PATH -split [System.IO.Path]::PathSeparator) -contains $binDir) {
        Write-Host "pcfglab is on PATH: try 'pcfglab --help'"
    }
    else {
        Write-Host "$binDir is not on PATH: add it (echo 'export PATH=`"`$HOME/.local/bin:`$PATH`"' >> ~/.bashrc, then open a new shell)"
    }
}

function Get-Presets {
    $script:Presets = @(& $script:Pcfglab grammar presets --names --group study)
    if ($LASTEXITCODE -ne 0 -or $script:Presets.Count -eq 0) { throw "'$($script:Pcfglab) grammar presets' listed no study presets" }
    if ($Mode -eq "designed") {
        $iso = @(& $script:Pcfglab grammar presets --names --group iso-vocabulary)
        if ($LASTEXITCODE -ne 0 -or $iso.Count -eq 0) { throw "'$($script:Pcfglab) grammar presets' listed no iso-vocabulary presets" }
        $script:Presets += $iso
    }
}

# Tokens a dataset of the designed grid needs: its largest budget of sweeps/designed.json and the 1% validation split.
function Get-DesignedTokens {
    param([string]$Preset)
    switch ($Preset) {
        "gzipscale-0.61" { return "17M" }
        "gzipscale-0.51" { return "8.5M" }
        default { return "4M" }
    }
}

# The plan the mode trains and reports: the designed grid's pilot has its own.
function Get-PlanFile {
    if ($Mode -eq "designed" -and $Pilot) { return (Join-Path $Out "pilot.jsonl") }
    return (Join-Path $Out "plan.jsonl")
}

function Invoke-GenerateDatasets {
    New-Item -ItemType Directory -Force -Path $Out | Out-Null
    foreach ($preset in $script:Presets) {
        $presetTokens = if ($Mode -eq "designed") { Get-DesignedTokens $preset } else { $Tokens }
        Write-Host "== generate $preset ($presetTokens tokens, seed $Seed) into $(Join-Path $Out $preset)"
        $arguments = @("generate", "--preset", $preset, "--tokens", $presetTokens, "--seed", "$Seed", "--out", (Join-Path $Out $preset), "--force")
        if ($Mode -eq "cpu" -or $Mode -eq "designed") { $arguments += "--npy" }
        if ($Threads -gt 0) { $arguments += @("--threads", "$Threads") }
        Invoke-Checked $script:Pcfglab $arguments | Out-Null
    }
}

# The CPU grid's records were trained on exactly these bytes: the grammar's rules and tokens.npy must have the
# SHA-256 committed for them, or the report would describe data the models never saw.
function Test-CpuDatasets {
    $rows = @(Get-Content $DatasetHashes | Where-Object { $_ -and -not $_.StartsWith("#") } | ForEach-Object { , ($_ -split "`t") })
    foreach ($preset in $script:Presets) {
        $row = $rows | Where-Object { $_[0] -eq $preset -and $_[1] -eq "1" -and $_[2] -eq $CpuTokenCount } | Select-Object -First 1
        if (-not $row) { throw "$DatasetHashes has no row for $preset at seed 1 and $CpuTokenCount tokens" }
        $folder = Join-Path $Out $preset
        $rulesText = (Get-Content (Join-Path $folder "grammar.pcfg") | Where-Object { -not $_.StartsWith("#") } | ForEach-Object { "$_`n" }) -join ""
        $rules = Get-Sha256 ([System.Text.Encoding]::UTF8.GetBytes($rulesText))
        $tokens = Get-Sha256 ([System.IO.File]::ReadAllBytes((Resolve-Path (Join-Path $folder "tokens.npy")).Path))
        if ($rules -ne $row[3] -or $tokens -ne $row[4]) {
            throw "$folder is not the data the committed runs in $CpuResults were trained on (grammar rules $rules, tokens.npy $tokens; $DatasetHashes expects $($row[3]) and $($row[4])): this build generates other bytes"
        }
    }
    Write-Host "== checked: the six datasets are the bytes the committed runs saw ($DatasetHashes)"
}

function Show-Summary {
    Write-Host "== summary"
    $folders = @($script:Presets | ForEach-Object { Join-Path $Out $_ })
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
    if ($Mode -eq "cpu") {
        Write-Host "== plan ($CpuSpec)"
        $arguments = @("sweep", "plan", "--spec", $CpuSpec)
        foreach ($preset in $script:Presets) { $arguments += @("--dataset", (Join-Path $Out $preset)) }
    }
    elseif ($Mode -eq "designed") {
        $arguments = @("sweep", "plan", "--spec", $DesignedSpec)
        if ($Pilot) {
            Write-Host "== plan ($DesignedSpec, its pilot: corner cells and learning-rate scans)"
            $arguments += "--pilot"
        }
        else {
            Write-Host "== plan ($DesignedSpec, the whole grid)"
        }
    }
    else {
        Write-Host "== plan"
        $arguments = @("sweep", "plan", "--data-root", $Out)
        if ($Shapes -gt 0) { $arguments += @("--shapes", "$Shapes") }
        if ($Budgets) { $arguments += @("--budgets", $Budgets) }
        if ($Vocabulary) { $arguments += @("--vocabulary", $Vocabulary) }
    }
    # With the records, the plan's summary counts the cells that have one.
    $results = Get-ResultsFile
    $haveRecords = (Test-Path $results -PathType Leaf) -and (Get-Item $results).Length -gt 0
    if ($haveRecords) { $arguments += @("--results", $results) }
    $plan = Get-PlanFile
    Invoke-Checked $script:Pcfglab ($arguments + @("--out", $plan)) | Where-Object { $_ -match '^[0-9]+ cells, |^estimated ' }
    $script:Pending = @(Get-Content $plan).Count
    if ($haveRecords) {
        Invoke-Checked $script:Pcfglab ($arguments + @("--pending-only", "--out", (Join-Path $Out "pending.jsonl"))) *> $null
        $script:Pending = @(Get-Content (Join-Path $Out "pending.jsonl") | Where-Object { $_ }).Count
    }
}

# Where the mode's records are: the committed files for the CPU and the designed grids, the mode's folder otherwise.
function Get-ResultsFile {
    switch ($Mode) {
        "cpu" { return $CpuResults }
        "designed" { return $DesignedResults }
        "quick" { return (Join-Path $Out "results-synthetic.jsonl") }
        default { return (Join-Path $Out "results.jsonl") }
    }
}

function Invoke-Training {
    $plan = Get-PlanFile
    $results = Get-ResultsFile
    if ($Train -eq "cpu" -and $script:Pending -eq 0) {
        Write-Host "== train: nothing to train: every cell of $plan has a record in $results"
    }
    elseif ($Train -eq "cpu") {
        $interpreter = Find-Python
        Write-Host "== train: REAL models on the CPU ($interpreter, $Jobs cells at once, bf16); records in $results"
        New-Item -ItemType Directory -Force -Path (Split-Path -Parent $results) | Out-Null
        & $script:Pcfglab sweep train --plan $plan --results $results --failures (Join-Path $Out "failures.jsonl") --jobs "$Jobs" `
            --trainer "'$interpreter' src/trainers/torch/train_cell.py --plan {plan} --cell {cell} --results {results} --device cpu --dtype bfloat16 --threads 1 --max-valid-docs 256"
    }
    elseif ($Mode -eq "quick") {
        Write-Host "== train: SYNTHETIC trainer for every cell (no model is trained)"
        Invoke-Checked $script:Pcfglab @("sweep", "train", "--plan", $plan, "--results", $results, "--jobs", "2",
            "--trainer", "'$($script:Pcfglab)' sweep synthetic-train --plan {plan} --cell {cell} --results {results}")
    }
    elseif ($Trainer) {
        Write-Host "== train: $Trainer"
        # A failed cell is recorded in OUT/failures.jsonl; the report still follows.
        & $script:Pcfglab sweep train --plan $plan --results $results --failures (Join-Path $Out "failures.jsonl") --jobs "$Jobs" --trainer $Trainer
    }
    elseif ($Mode -eq "cpu" -or $Mode -eq "designed") {
        Write-Host "== train: none asked (-Train cpu trains the pending cells); the report fits the records in $results"
    }
    else {
        Write-Host "== train: none asked (-Trainer CMD trains the pending cells); the report fits the records in $results"
    }
}

function Write-Report {
    $results = Get-ResultsFile
    if (-not (Test-Path $results -PathType Leaf) -or (Get-Item $results).Length -eq 0) {
        Write-Host "== report: not written: no records in $results yet (train the cells with -Trainer; on a GPU: sweeps/gpu/run.sh; on a cluster: pcfglab sweep slurm)"
        return
    }
    Write-Host "== report ($Bootstrap bootstrap resamples)"
    $report = Join-Path $Out "report"
    Invoke-Checked $script:Pcfglab @("sweep", "report", "--plan", (Get-PlanFile), "--results", $results, "--out", $report, "--seed", "$Seed", "--bootstrap", "$Bootstrap")
    Write-Host ""
    Write-Host "== done: read $(Join-Path $report 'report.md'); the three figures to look at first:"
    foreach ($figure in @("parameter-beta.png", "tokens-per-parameter.png", "parameter-E.png")) {
        $path = Join-Path (Join-Path $report "figures") $figure
        if (Test-Path $path -PathType Leaf) { Write-Host "   $path" }
    }
}

Invoke-Build
if ($Link) {
    Set-Link
    return
}
Get-Presets
Invoke-GenerateDatasets
if ($Mode -eq "cpu") { Test-CpuDatasets }
Show-Summary
Write-Plan
Invoke-Training
Write-Report
