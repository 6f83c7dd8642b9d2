namespace PcfgLab.Scaling;

/// <summary>Errors of predicted losses against observed ones.</summary>
/// <param name="Runs">Number of runs compared.</param>
/// <param name="Rmse">Root mean square error of L.</param>
/// <param name="MeanRelativeError">Mean of |L_hat - L| / L.</param>
public readonly record struct GoodnessOfFit(int Runs, double Rmse, double MeanRelativeError)
{
    /// <summary>Compares <paramref name="predict"/> with the runs' losses.</summary>
    public static GoodnessOfFit Of(IReadOnlyList<FitRun> runs, Func<FitRun, double> predict)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(predict);
        double squared = 0;
        double relative = 0;
        foreach (var run in runs)
        {
            var error = predict(run) - run.Loss;
            squared += error * error;
            relative += Math.Abs(error) / run.Loss;
        }

        return runs.Count == 0
            ? new GoodnessOfFit(0, double.NaN, double.NaN)
            : new GoodnessOfFit(runs.Count, Math.Sqrt(squared / runs.Count), relative / runs.Count);
    }
}
