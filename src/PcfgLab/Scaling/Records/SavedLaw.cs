namespace PcfgLab.Scaling;

/// <summary>A law read back from a saved fit or regression, ready to predict (what <c>pcfglab predict</c> uses).</summary>
public sealed class SavedLaw
{
    private readonly Func<double, double, double> _loss;

    private SavedLaw(string description, ChinchillaParameters? chinchilla, Func<double, double, double> loss)
    {
        Description = description;
        Chinchilla = chinchilla;
        _loss = loss;
    }

    /// <summary>What the law is (for example "chinchilla fit of 'all'").</summary>
    public string Description { get; }

    /// <summary>The Chinchilla parameters, when the law has that form (fits of other forms have none).</summary>
    public ChinchillaParameters? Chinchilla { get; }

    /// <summary>Predicted loss at N parameters and D tokens.</summary>
    public double Loss(double parameters, double tokens) => _loss(parameters, tokens);

    /// <summary>Reads <paramref name="path"/>: a fit (choose <paramref name="dataset"/> when it holds several) or a regression (needs <paramref name="compressibility"/>).</summary>
    /// <exception cref="UserInputException">Not a law file, ambiguous or unknown dataset, or a regression without H.</exception>
    public static SavedLaw Load(string path, string? dataset, double? compressibility)
    {
        var node = JsonFiles.Read(path);
        if (RegressionDocument.IsRegression(node))
        {
            var regression = RegressionDocument.FromJson(node, path);
            var h = compressibility ?? throw UserInputException.ForParameters($"'{path}' is a regression on compressibility: give the dataset's {new Parameter("compressibility")}");
            var law = regression.Law.At(h);
            return new SavedLaw($"data-dependent law at H = {h.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)}", law, law.Loss);
        }

        var document = ScalingFitDocument.Load(path);
        var names = string.Join(", ", document.Fits.Select(f => f.Dataset));
        var fit = dataset is null
            ? document.Fits.Count == 1 ? document.Fits[0] : throw UserInputException.ForParameters($"'{path}' holds {document.Fits.Count} fits; choose one with {new Parameter("dataset")} ({names})")
            : document.Fits.FirstOrDefault(f => f.Dataset == dataset) ?? throw new UserInputException($"'{path}' has no dataset '{dataset}' (datasets: {names})");
        return new SavedLaw($"{ScalingFitDocument.FormName(document.Form)} fit of '{fit.Dataset}'", fit.Chinchilla?.Parameters, fit.Loss);
    }
}
