using System.Text.Json.Nodes;

namespace PcfgLab.Scaling;

/// <summary>How runs are held out to test extrapolation.</summary>
public enum ExtrapolationScheme
{
    /// <summary>Each compute budget in turn is held out and predicted from the others.</summary>
    LeaveOneBudgetOut,

    /// <summary>For each budget in turn, fit the runs at or below it and predict every run above (a ladder).</summary>
    RolloutFlops,

    /// <summary>For each model size in turn, fit the runs at or below it and predict every larger model's runs.</summary>
    RolloutParameters,
}

/// <summary>A law form the extrapolation check can refit.</summary>
public enum ExtrapolatedForm
{
    /// <summary>E + A/N^alpha + B/D^beta (<see cref="ChinchillaFitter"/>).</summary>
    Chinchilla,

    /// <summary>[(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D (<see cref="KaplanFitter"/>).</summary>
    Kaplan,

    /// <summary>Muennighoff et al.'s repeated-data form (<see cref="DataConstrainedFitter"/>); needs <see cref="ExtrapolationOptions.UniqueTokens"/>.</summary>
    DataConstrained,
}

/// <summary>Options of <see cref="ExtrapolationCheck"/>.</summary>
public sealed record ExtrapolationOptions
{
    /// <summary>The form refitted in each fold.</summary>
    public ExtrapolatedForm Form { get; init; } = ExtrapolatedForm.Chinchilla;

    /// <summary>Unique tokens of each run's data, for <see cref="ExtrapolatedForm.DataConstrained"/> (null: that form is not available).</summary>
    public Func<FitRun, double>? UniqueTokens { get; init; }

    /// <summary>The scheme.</summary>
    public ExtrapolationScheme Scheme { get; init; } = ExtrapolationScheme.LeaveOneBudgetOut;

    /// <summary>Budgets: null groups runs of equal C; a width bins C as <see cref="IsoFlopOptions.BinWidthDecades"/>.</summary>
    public double? BinWidthDecades { get; init; }

    /// <summary>
    /// Options of each fold's fit. By default a 243-start grid (alpha, beta in {0.25, 0.5, 1}, log E in {-1, 0, 1},
    /// log A, log B in {0, 6, 12}) so that many folds stay fast; no fold starts from the full-data optimum, which would
    /// leak the held-out runs into the fit.
    /// </summary>
    public FitOptions Fit { get; init; } = new()
    {
        AlphaGrid = [0.25, 0.5, 1],
        BetaGrid = [0.25, 0.5, 1],
        LogEGrid = [-1, 0, 1],
        LogAGrid = [0, 6, 12],
        LogBGrid = [0, 6, 12],
    };
}

/// <summary>One fold: a fit on some runs, scored on the held-out ones.</summary>
/// <param name="Cut">The held-out budget's C (leave-one-out), or the largest C or N fitted (rollouts).</param>
/// <param name="TrainRuns">Runs fitted.</param>
/// <param name="Law">The fold's law (Chinchilla form), else null.</param>
/// <param name="Converged">Whether its fit converged.</param>
/// <param name="HeldOut">Errors on the held-out runs.</param>
/// <param name="MaxRelativeError">Largest |L_hat - L| / L among them.</param>
/// <param name="Kaplan">The fold's law (Kaplan form), else null.</param>
/// <param name="RepetitionScale">R* of the data-constrained form, else null (its E, A, B, alpha, beta are in <paramref name="Law"/>).</param>
public sealed record ExtrapolationFold(double Cut, int TrainRuns, ChinchillaParameters? Law, bool Converged, GoodnessOfFit HeldOut, double MaxRelativeError, KaplanParameters? Kaplan = null, double? RepetitionScale = null);

/// <summary>An extrapolation check's folds and pooled error.</summary>
/// <param name="Scheme">The scheme.</param>
/// <param name="Folds">Folds fitted, in order of the cut.</param>
/// <param name="Skipped">Cuts left out, each with why.</param>
/// <param name="PooledMeanRelativeError">Mean |L_hat - L| / L over every held-out prediction of every fold.</param>
public sealed record ExtrapolationResult(ExtrapolationScheme Scheme, IReadOnlyList<ExtrapolationFold> Folds, IReadOnlyList<string> Skipped, double PooledMeanRelativeError)
{
    /// <summary>The document of <c>extrapolate --json</c>: the scheme, the pooled error, every fold with its law, and the skipped budgets.</summary>
    public JsonObject ToJson()
    {
        var folds = new JsonArray();
        foreach (var f in Folds)
        {
            folds.Add((JsonNode)new JsonObject
            {
                ["cut"] = f.Cut,
                ["train_runs"] = f.TrainRuns,
                ["held_out_runs"] = f.HeldOut.Runs,
                ["rmse"] = f.HeldOut.Rmse,
                ["mean_relative_error"] = f.HeldOut.MeanRelativeError,
                ["max_relative_error"] = f.MaxRelativeError,
                ["converged"] = f.Converged,
                ["law"] = f.Law is { } l
                    ? new JsonObject { ["E"] = l.E, ["A"] = l.A, ["B"] = l.B, ["alpha"] = l.Alpha, ["beta"] = l.Beta }
                    : new JsonObject { ["N_c"] = f.Kaplan!.Nc, ["D_c"] = f.Kaplan.Dc, ["alpha_N"] = f.Kaplan.AlphaN, ["alpha_D"] = f.Kaplan.AlphaD },
                ["R_star"] = f.RepetitionScale is { } rs ? rs : null,
            });
        }

        return new JsonObject
        {
            ["scheme"] = ExtrapolationCheck.SchemeName(Scheme),
            ["pooled_mean_relative_error"] = PooledMeanRelativeError,
            ["folds"] = folds,
            ["skipped"] = new JsonArray([.. Skipped.Select(s => (JsonNode?)JsonValue.Create(s))]),
        };
    }
}

/// <summary>
/// Will the law extrapolate? Leave-one-budget-out and rollouts (fit below a compute or size cut, predict above), as
/// the OLMo and Open-Athena ladders do, with the relative error of the Chinchilla fit on the held-out runs.
/// </summary>
public static class ExtrapolationCheck
{
    /// <summary>The name of <paramref name="scheme"/> on the command line and in documents.</summary>
    public static string SchemeName(ExtrapolationScheme scheme) => scheme switch
    {
        ExtrapolationScheme.RolloutFlops => "rollout-flops",
        ExtrapolationScheme.RolloutParameters => "rollout-n",
        _ => "leave-one-budget-out",
    };

    /// <summary>The name of <paramref name="form"/> on the command line and in documents.</summary>
    public static string FormName(ExtrapolatedForm form) => form == ExtrapolatedForm.DataConstrained ? "data-constrained" : form.ToString().ToLowerInvariant();

    /// <summary>The document of <c>extrapolate --form compare --json</c>: the forms ranked by <see cref="CompareForms"/>, best first.</summary>
    public static JsonObject ComparisonToJson(IReadOnlyList<(ExtrapolatedForm Form, ExtrapolationResult Result)> ranked, ExtrapolationScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        return new JsonObject
        {
            ["scheme"] = SchemeName(scheme),
            ["best"] = FormName(ranked[0].Form),
            ["forms"] = new JsonArray([.. ranked.Select(r => (JsonNode?)new JsonObject
            {
                ["form"] = FormName(r.Form),
                ["folds"] = r.Result.Folds.Count,
                ["pooled_mean_relative_error"] = r.Result.PooledMeanRelativeError,
            })]),
        };
    }

    /// <summary>Runs the check.</summary>
    /// <exception cref="UserInputException">No fold could be fitted.</exception>
    public static ExtrapolationResult Run(IReadOnlyList<FitRun> runs, ExtrapolationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(options);
        var folds = new List<ExtrapolationFold>();
        var skipped = new List<string>();
        double pooled = 0;
        var predictions = 0;
        foreach (var (cut, train, test) in Splits(runs, options))
        {
            if (test.Count == 0)
            {
                continue;
            }

            var label = cut.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
            ChinchillaParameters? law = null;
            KaplanParameters? kaplan = null;
            DataConstrainedParameters? constrained = null;
            bool converged;
            try
            {
                if (options.Form == ExtrapolatedForm.DataConstrained)
                {
                    var unique = options.UniqueTokens ?? throw UserInputException.ForParameters($"the data-constrained form needs each run's unique tokens ({new Parameter("UniqueTokens")})");
                    var d = DataConstrainedFitter.Fit(train, unique, options.Fit, cancellationToken);
                    (constrained, law, converged) = (d.Parameters, d.Parameters.Law, d.Converged);
                }
                else if (options.Form == ExtrapolatedForm.Kaplan)
                {
                    var k = KaplanFitter.Fit(train, options.Fit, cancellationToken);
                    (kaplan, converged) = (k.Parameters, k.Converged);
                }
                else
                {
                    var c = ChinchillaFitter.Fit(train, options.Fit, cancellationToken);
                    (law, converged) = (c.Parameters, c.Converged);
                }
            }
            catch (UserInputException ex)
            {
                skipped.Add($"{label}: {ex.Message}");
                continue;
            }

            Func<FitRun, double> predict = constrained is not null ? r => constrained.Loss(r.Parameters, r.Tokens, options.UniqueTokens!(r))
                : kaplan is not null ? r => kaplan.Loss(r.Parameters, r.Tokens)
                : r => law!.Loss(r.Parameters, r.Tokens);
            double worst = 0;
            foreach (var run in test)
            {
                // A law that predicts no finite loss (a degenerate fit) has failed on that run: infinite error, not NaN.
                var prediction = predict(run);
                var relative = double.IsFinite(prediction) ? Math.Abs(prediction - run.Loss) / run.Loss : double.PositiveInfinity;
                worst = Math.Max(worst, relative);
                pooled += relative;
                predictions++;
            }

            folds.Add(new ExtrapolationFold(cut, train.Count, law, converged, GoodnessOfFit.Of(test, predict), worst, kaplan, constrained?.RepetitionScale));
        }

        if (folds.Count == 0)
        {
            throw UserInputException.ForParameters($"no fold of the extrapolation check could be fitted{(skipped.Count > 0 ? $" ({skipped[0]})" : string.Empty)}; use more runs, or bin budgets with {new Parameter("BinWidthDecades")}");
        }

        return new ExtrapolationResult(options.Scheme, folds, skipped, pooled / predictions);
    }

    /// <summary>
    /// Model selection by held-out error: runs the same scheme for each form and returns them with the one of lowest
    /// pooled mean relative error first (ties to the earlier form). Forms no fold could fit are left out, and the
    /// data-constrained form unless the options give unique tokens.
    /// </summary>
    /// <exception cref="UserInputException">No form could be fitted in any fold.</exception>
    public static IReadOnlyList<(ExtrapolatedForm Form, ExtrapolationResult Result)> CompareForms(IReadOnlyList<FitRun> runs, ExtrapolationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<(ExtrapolatedForm, ExtrapolationResult)>();
        UserInputException? last = null;
        foreach (var form in Enum.GetValues<ExtrapolatedForm>())
        {
            if (form == ExtrapolatedForm.DataConstrained && options.UniqueTokens is null)
            {
                continue;
            }

            try
            {
                results.Add((form, Run(runs, options with { Form = form }, cancellationToken)));
            }
            catch (UserInputException ex)
            {
                last = ex;
            }
        }

        if (results.Count == 0)
        {
            throw last!;
        }

        // NaN would sort first; a form whose error is not a number ranks last.
        return [.. results.OrderBy(r => double.IsNaN(r.Item2.PooledMeanRelativeError) ? double.PositiveInfinity : r.Item2.PooledMeanRelativeError).ThenBy(r => r.Item1)];
    }

    private static IEnumerable<(double Cut, List<FitRun> Train, List<FitRun> Test)> Splits(IReadOnlyList<FitRun> runs, ExtrapolationOptions options)
    {
        if (options.Scheme == ExtrapolationScheme.RolloutParameters)
        {
            var sizes = runs.Select(r => r.Parameters).Distinct().Order().ToArray();
            foreach (var size in sizes[..^1])
            {
                yield return (size, [.. runs.Where(r => r.Parameters <= size)], [.. runs.Where(r => r.Parameters > size)]);
            }

            yield break;
        }

        var budgets = IsoFlopFitter.Group(runs, options.BinWidthDecades);
        for (var b = 0; b < budgets.Count; b++)
        {
            if (options.Scheme == ExtrapolationScheme.LeaveOneBudgetOut)
            {
                yield return (budgets[b].Flops, [.. budgets.Where((_, k) => k != b).SelectMany(x => x.Runs)], budgets[b].Runs);
            }
            else if (b < budgets.Count - 1)
            {
                yield return (budgets[b].Flops, [.. budgets.Take(b + 1).SelectMany(x => x.Runs)], [.. budgets.Skip(b + 1).SelectMany(x => x.Runs)]);
            }
        }
    }
}
