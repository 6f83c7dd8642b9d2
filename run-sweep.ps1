# PcfgLab sweep, "Generate" stage: build Release once, generate the study's six preset datasets, print a table of
# preset, spectral radius, q_S, gzip median and stdev, tokens/s (read from each dataset.json by pcfglab itself).
#
#   ./run-sweep.ps1 [-Tokens 10M] [-Seed 1] [-Out ./out] [-Threads N]
#
# Works on a fresh clone: the build restores packages from NuGet. Later stages add steps after Invoke-GenerateDatasets.
[CmdletBinding()]
param(
    [string]$Tokens = "10M",
    [long]$Seed = 1,
    [string]$Out = "./out",
    [int]$Threads = 0
)

$ErrorActionPreference = "Stop"
Set-Location -Path $PSScriptRoot

$Presets = @("gzipscale-0.11", "gzipscale-0.22", "gzipscale-0.35", "gzipscale-0.42", "gzipscale-0.51", "gzipscale-0.61")
$script:Pcfglab = $null

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

Invoke-Build
Invoke-GenerateDatasets
Show-Summary
