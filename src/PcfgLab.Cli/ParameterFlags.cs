namespace PcfgLab.Cli;

/// <summary>
/// The command line's names for the library's parameters: a <see cref="UserInputException.ForParameters(FormattableString)"/> names
/// <c>DocumentLength</c>, and the one-line error says <c>--doc-len</c>. Names are matched without regard to case,
/// first qualified by their type where the library qualifies them (<c>PredictionIntervalOptions.Resamples</c>),
/// then bare; a command may call a parameter otherwise (<c>grammar info</c> takes the grammar file as an argument).
/// </summary>
internal static class ParameterFlags
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        // Grammars and generation.
        ["File"] = "--grammar",
        ["Preset"] = "--preset",
        ["Nonterminals"] = "--nonterminals",
        ["Terminals"] = "--terminals",
        ["MaxOptions"] = "--max-options",
        ["MaxLength"] = "--max-length",
        ["Seed"] = "--seed",
        ["FirstTerminalId"] = "--first-terminal-id",
        ["Profile"] = "--compat",
        ["tokens"] = "--tokens",
        ["DocumentLength"] = "--doc-len",
        ["WindowLength"] = "--doc-len",
        ["shardCount"] = "--shards",
        ["ShardIndex"] = "--shard",
        ["rowGroupDocuments"] = "--row-group-docs",
        ["codec"] = "--codec",
        ["ZstdLevel"] = "--zstd-level",
        ["Threads"] = "--threads",
        ["GzipDocuments"] = "--gzip-docs",
        ["FloorDocuments"] = "--floor-docs",
        ["FloorSentences"] = "--floor-sentences",
        ["Force"] = "--force",
        ["IgnoreFreeSpace"] = "--ignore-free-space",
        ["OutputFolder"] = "--out",
        ["DialOptions.Target"] = "--target-gzip",
        ["Tolerance"] = "--tolerance",
        ["MaxCandidates"] = "--max-candidates",

        // Measurement and the floor.
        ["documents"] = "--docs",
        ["documentIndices"] = "--documents",
        ["CorpusMeasurementOptions.SampleSize"] = "--docs",
        ["sentences"] = "--sentences",
        ["Bytes"] = "--bytes",
        ["column"] = "--column",
        ["deadline"] = "--deadline",
        ["deflate"] = "--deflate",

        // Fits.
        ["RunColumnMap.Parameters"] = "--n-column",
        ["RunColumnMap.Tokens"] = "--tokens-column",
        ["RunColumnMap.Flops"] = "--flops-column",
        ["RunColumnMap.Loss"] = "--loss-column",
        ["RunColumnMap.Dataset"] = "--dataset-column",
        ["RunColumnMap.Compressibility"] = "--h-column",
        ["compressibility"] = "--h",
        ["dataset"] = "--dataset",
        ["Form"] = "--form",
        ["Eps0"] = "--eps0",
        ["epsilon"] = "--epsilon",
        ["reference"] = "--reference",
        ["DropWorst"] = "--drop-worst",
        ["Resamples"] = "--bootstrap",
        ["PredictionIntervalOptions.Resamples"] = "--intervals",
        ["BinWidthDecades"] = "--bin-width",
        ["HoldoutAboveFlops"] = "--holdout-above-flops",
        ["HoldoutAboveN"] = "--holdout-above-n",
        ["UniqueTokens"] = "--unique-tokens",
        ["FixedE"] = "--fix-e",
        ["FitsRequest.DatasetsFolder"] = "--datasets",
        ["TieExponents"] = "--tie-exponents",
        ["PredictionRequest.Parameters"] = "--n",
        ["PredictionRequest.Tokens"] = "--d",
        ["PredictionRequest.Flops"] = "--flops",
        ["PredictionRequest.IntervalResamples"] = "--intervals",
        ["Identify"] = "--identify",
        ["Smoothing"] = "--smooth",
        ["Points"] = "--points",
        ["HRange"] = "--h-range",
        ["DataDependentAnalysisOptions.Flops"] = "--at-flops",

        // Sweeps.
        ["SweepSpec.Datasets"] = "--dataset",
        ["TrainerCommand.template"] = "--trainer",
        ["SlurmOptions.PlanPath"] = "--plan",
        ["SlurmOptions.ResultsPath"] = "--results",
        ["SlurmOptions.Python"] = "--python",
        ["SlurmOptions.Adapter"] = "the adapter path",
        ["SlurmOptions.AdapterArguments"] = "--adapter-args",
        ["SlurmOptions.TimeLimit"] = "--time",
        ["SlurmOptions.Partition"] = "--partition",
        ["SlurmOptions.Account"] = "--account",
        ["SlurmOptions.JobName"] = "the job name",
        ["SlurmOptions.LogFolder"] = "the log folder",
    };

    /// <summary>Where a command calls a parameter otherwise than <see cref="Flags"/> does, by command path.</summary>
    private static readonly Dictionary<(string Command, string Parameter), string> Overrides = new(new KeyComparer())
    {
        [("grammar info", "File")] = "FILE",
    };

    /// <summary>What the command line calls <paramref name="parameter"/> in <paramref name="command"/> (its path, such as <c>grammar info</c>).</summary>
    public static string Of(string? command, string parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var bare = parameter[(parameter.LastIndexOf('.') + 1)..];
        if (command is not null && (Overrides.TryGetValue((command, parameter), out var special) || Overrides.TryGetValue((command, bare), out special)))
        {
            return special;
        }

        return Flags.TryGetValue(parameter, out var flag) || Flags.TryGetValue(bare, out flag) ? flag : Kebab(bare);
    }

    /// <summary>True when an entry names <paramref name="parameter"/> (qualified or bare), so that no flag is guessed for it.</summary>
    internal static bool IsNamed(string parameter) =>
        Flags.ContainsKey(parameter) || Flags.ContainsKey(parameter[(parameter.LastIndexOf('.') + 1)..]);

    /// <summary>The message of <paramref name="error"/> as the command line says it.</summary>
    public static string Message(Exception error, string? command) =>
        error is UserInputException user ? user.Render(name => Of(command, name)) : error.Message;

    /// <summary>A parameter no entry names: <c>--</c> and its words in lower case, joined by dashes.</summary>
    private static string Kebab(string name)
    {
        var text = new System.Text.StringBuilder("--");
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    private sealed class KeyComparer : IEqualityComparer<(string Command, string Parameter)>
    {
        public bool Equals((string Command, string Parameter) x, (string Command, string Parameter) y) =>
            string.Equals(x.Command, y.Command, StringComparison.Ordinal) && string.Equals(x.Parameter, y.Parameter, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Command, string Parameter) obj) =>
            HashCode.Combine(StringComparer.Ordinal.GetHashCode(obj.Command), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Parameter));
    }
}
