using System.CommandLine;
using System.Globalization;
using PcfgLab.Analysis;
using PcfgLab.Scaling;


namespace PcfgLab.Cli.Commands;

/// <summary>
/// <c>pcfglab fit --tie-exponents / --fix-e / --identify</c>: Chinchilla fits with constraints and the identifiability
/// check (bootstrap correlation matrix, plain-words warnings). Kept apart from <see cref="FitCommand"/>, which adds
/// these options and hands over when one is given.
/// </summary>
internal sealed class ConstrainedFitCommand
{
    private readonly Option<bool> _tie = new("--tie-exponents") { Description = "chinchilla form: fit one exponent, alpha = beta." };
    private readonly Option<string?> _fixE = new("--fix-e") { Description = "chinchilla form: hold E at this loss, or 'floor' for each dataset's loss floor from its dataset.json under --datasets." };
    private readonly Option<string?> _datasets = new("--datasets") { Description = "Folder holding the dataset folders (name/dataset.json) for --fix-e floor." };
    private readonly Option<bool> _identify = new("--identify") { Description = "chinchilla form: bootstrap correlation matrix of the parameters and a warning for each pair the data do not separate." };

    public void AddTo(Command command)
    {
        command.Options.Add(_tie);
        command.Options.Add(_fixE);
        command.Options.Add(_datasets);
        command.Options.Add(_identify);
    }

    /// <summary>Whether the command line asks for this path.</summary>
    public bool Requested(ParseResult parse) => parse.GetValue(_tie) || parse.GetValue(_fixE) is not null || parse.GetValue(_identify);

    /// <summary><paramref name="request"/> with the constraints the command line asks for.</summary>
    public FitsRequest Apply(ParseResult parse, FitsRequest request)
    {
        var fixE = parse.GetValue(_fixE);
        return request with
        {
            Fit = request.Fit with
            {
                Constraints = new ChinchillaConstraints { TieExponents = parse.GetValue(_tie), FixedE = fixE is null or "floor" ? null : ScalingTables.ParseNumber(fixE, "--fix-e") },
                Identify = parse.GetValue(_identify),
            },
            FixEAtFloor = fixE == "floor",
            DatasetsFolder = parse.GetValue(_datasets),
        };
    }

    /// <summary>Writes what the constrained fits add to the tables: the constraints and the correlation matrices.</summary>
    public static void WriteIdentification(TextWriter output, ScalingFitDocument document)
    {
        foreach (var result in document.Fits)
        {
            if (result.Constraints is { None: false } constraints)
            {
                output.WriteLine($"{result.Dataset}: fitted with {Describe(constraints)}");
            }

            if (result.Identification is not { } identify)
            {
                continue;
            }

            output.WriteLine();
            output.WriteLine($"Bootstrap correlation of {result.Dataset}'s parameters (logs of E and of the terms A/N^alpha, B/D^beta at the runs' geometric-mean N and D, then alpha, beta; {identify.Bootstrap.Resamples} resamples, seed {identify.Bootstrap.Seed})");
            var p = identify.Names.Count;
            ScalingTables.Write(output, ["", .. identify.Names],
                identify.Names.Select((name, i) => (IReadOnlyList<string>)[name, .. Enumerable.Range(0, p).Select(j => identify.Correlation[(i * p) + j].ToString("F3", CultureInfo.InvariantCulture))]).ToList());
            foreach (var w in identify.Warnings)
            {
                output.WriteLine($"warning: {w}");
            }

            if (identify.Warnings.Count == 0)
            {
                output.WriteLine("no pair of parameters moves in lockstep (every |correlation| < 0.99)");
            }
        }
    }

    private static string Describe(ChinchillaConstraints c) =>
        string.Join(", ", new[] { c.TieExponents ? "alpha = beta" : null, c.FixedE is { } e ? $"E fixed at {e.ToString("G6", CultureInfo.InvariantCulture)}" : null }.Where(s => s is not null));
}
