namespace PcfgLab.Scaling;

/// <summary>Which quantity a held-out check cuts on.</summary>
public enum HoldoutCut
{
    /// <summary>Training compute C.</summary>
    Flops,

    /// <summary>Parameters N.</summary>
    Parameters,
}

/// <summary>A fit on the runs at or below a cut, scored on the runs above it.</summary>
/// <param name="Cut">What is cut.</param>
/// <param name="Threshold">Runs with the quantity above this are held out.</param>
/// <param name="Fit">The fit on the runs at or below the cut.</param>
/// <param name="HeldOut">Errors of that fit on the held-out runs.</param>
public sealed record HoldoutResult(HoldoutCut Cut, double Threshold, ChinchillaFit Fit, GoodnessOfFit HeldOut);

/// <summary>Extrapolation check: fit below a compute or size cut, report the error above it.</summary>
public static class Holdout
{
    /// <summary>Fits the runs with C (or N) at most <paramref name="threshold"/> and scores the rest.</summary>
    /// <exception cref="UserInputException">No run above the cut, or too few below it.</exception>
    public static HoldoutResult Run(IReadOnlyList<FitRun> runs, HoldoutCut cut, double threshold, FitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var train = new List<FitRun>();
        var test = new List<FitRun>();
        foreach (var run in runs)
        {
            var value = cut == HoldoutCut.Flops ? run.Flops : run.Parameters;
            (value > threshold ? test : train).Add(run);
        }

        var name = new Parameter(cut == HoldoutCut.Flops ? "HoldoutAboveFlops" : "HoldoutAboveN");
        if (test.Count == 0)
        {
            throw UserInputException.ForParameters($"{name} {threshold:G4} holds out no run; choose a lower cut");
        }

        if (train.Count <= ChinchillaFitter.ParameterCount)
        {
            throw UserInputException.ForParameters($"{name} {threshold:G4} leaves {train.Count} runs to fit; choose a higher cut");
        }

        var fit = ChinchillaFitter.Fit(train, options, cancellationToken);
        var law = fit.Parameters;
        return new HoldoutResult(cut, threshold, fit, GoodnessOfFit.Of(test, r => law.Loss(r.Parameters, r.Tokens)));
    }
}
