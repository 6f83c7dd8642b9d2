namespace PcfgLab.Scaling;

/// <summary>
/// The one rule for a dataset's gzip compressibility H, used by <c>fit</c>, <c>regress</c> and <c>sweep report</c>
/// alike: the median of the H values its runs carry (the H of the data the models were trained on) when they carry
/// one; else the median the dataset's manifest records (measured on the folder's data now); else the H the plan
/// recorded for it; else none. The runs come first because a dataset folder can be regenerated after training (at
/// another size, with another H): the report's H must be the data the models saw, in its tables and figures alike.
/// </summary>
internal static class DatasetCompressibility
{
    /// <summary>H by the rule: the median of <paramref name="runs"/>, else <paramref name="measured"/>, else <paramref name="planned"/>.</summary>
    public static double? Choose(double? measured, IEnumerable<double?> runs, double? planned) =>
        Median(runs) ?? measured ?? planned;

    /// <summary>The median of the values that are present (the mean of the middle two for an even count), or null.</summary>
    public static double? Median(IEnumerable<double?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var present = values.Where(v => v.HasValue).Select(v => v!.Value).Order().ToArray();
        if (present.Length == 0)
        {
            return null;
        }

        var mid = present.Length / 2;
        return present.Length % 2 == 1 ? present[mid] : 0.5 * (present[mid - 1] + present[mid]);
    }
}
