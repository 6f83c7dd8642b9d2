using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PcfgLab.Analysis;
using PcfgLab.Scaling;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab regress</c>: regresses per-dataset fits on gzip compressibility and gives the data-dependent law.</summary>
internal static class RegressCommand
{
    public static Command Create(CliContext context)
    {
        var fitFile = new Argument<string>("fit") { Description = "A saved per-dataset fit ('pcfglab fit --by ... --out FILE', or its --json output)." };
        var hValues = new Option<string[]>("--h") { Description = "A dataset's compressibility as NAME=VALUE (repeatable); overrides the H saved with the fit.", AllowMultipleArgumentsPerToken = true };
        var reference = new Option<string?>("--reference") { Description = "Reference law E,A,B,alpha,beta for crossings and blending (default Chinchilla's published 1.69,406.4,410.7,0.34,0.28)." };
        var epsilon = new Option<double>("--epsilon") { Description = "Blend weight: x = (1-eps) x_ref + eps x(H) for each parameter (1: no blending).", DefaultValueFactory = _ => 1.0 };
        var atFlops = new Option<double?>("--at-flops") { Description = "Also report the H where tokens per parameter at this compute C equals the reference's." };
        var range = new Option<string>("--h-range") { Description = "Range LO,HI of H searched for crossings.", DefaultValueFactory = _ => "0,1" };
        var json = new Option<bool>("--json") { Description = "Print the regression as one JSON document." };
        var output = new Option<string?>("--out", "-o") { Description = "Save the regression for 'pcfglab predict'." };
        var command = new Command("regress", "Regress each fitted parameter (E, A, B, alpha, beta) on the datasets' gzip compressibility H (the study's Table 3).")
        {
            fitFile, hValues, reference, epsilon, atFlops, range, json, output,
        };

        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            var bounds = parse.GetValue(range)!.Split(',');
            if (bounds.Length != 2)
            {
                throw new UserInputException($"--h-range '{parse.GetValue(range)}': expected LO,HI");
            }

            var result = Fits.Regress(new RegressionRequest
            {
                Fit = parse.GetValue(fitFile)!,
                Compressibility = ParseOverrides(parse.GetValue(hValues) ?? []),
                Reference = parse.GetValue(reference) is { } text ? ParseLaw(text) : ChinchillaParameters.Hoffmann2022,
                Epsilon = parse.GetValue(epsilon),
                HRange = (ScalingTables.ParseNumber(bounds[0], "--h-range"), ScalingTables.ParseNumber(bounds[1], "--h-range")),
                AtFlops = parse.GetValue(atFlops),
            });
            if (parse.GetValue(output) is { } outPath)
            {
                result.Save(outPath);
                context.CreateLogger("regress").LogInformation("saved the regression to {Path}", outPath);
            }

            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(result.ToJsonString()).ConfigureAwait(false);
            }
            else
            {
                WriteTables(context.Output, result);
            }

            return 0;
        });
        return command;
    }

    internal static ChinchillaParameters ParseLaw(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 5)
        {
            throw new UserInputException($"--reference '{text}': expected five numbers E,A,B,alpha,beta");
        }

        var v = parts.Select(p => ScalingTables.ParseNumber(p.Trim(), "--reference")).ToArray();
        return new ChinchillaParameters(v[0], v[1], v[2], v[3], v[4]);
    }

    private static Dictionary<string, double?> ParseOverrides(string[] items)
    {
        var result = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var eq = item.LastIndexOf('=');
            if (eq <= 0)
            {
                throw new UserInputException($"--h '{item}': expected NAME=VALUE");
            }

            result[item[..eq]] = ScalingTables.ParseNumber(item[(eq + 1)..], "--h " + item[..eq]);
        }

        return result;
    }

    private static void WriteTables(TextWriter output, RegressionDocument result)
    {
        var law = result.Law;
        var regression = law.Regression;
        output.WriteLine($"Points: {regression.Datasets.Count} datasets");
        ScalingTables.Write(output, ["dataset", "H", "E", "A", "B", "alpha", "beta"],
            regression.Datasets.Select(d => (IReadOnlyList<string>)[d.Dataset, ScalingTables.G(d.Compressibility), ScalingTables.G(d.Law.E), ScalingTables.G(d.Law.A), ScalingTables.G(d.Law.B), ScalingTables.G(d.Law.Alpha), ScalingTables.G(d.Law.Beta)]).ToList());
        output.WriteLine();
        output.WriteLine("Regression on compressibility x(H) = m H + n (two-sided t-test of the slope, n - 2 degrees of freedom)");
        ScalingTables.Write(output, ["param", "slope m", "intercept n", "R^2", "p-value"],
            CompressibilityRegression.ParameterNames.Select(name =>
            {
                var line = regression[name];
                return (IReadOnlyList<string>)[name, ScalingTables.G(line.Slope), ScalingTables.G(line.Intercept), ScalingTables.G(line.RSquared), ScalingTables.G(line.PValue, 3)];
            }).ToList());
        output.WriteLine();
        var r = law.Reference;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Data-dependent law: L(N, D, H) = E(H) + A(H)/N^alpha(H) + B(H)/D^beta(H), each x = (1 - {law.Epsilon:G4}) x_ref + {law.Epsilon:G4} (m H + n)"));
        output.WriteLine($"Reference: E {ScalingTables.G(r.E)}, A {ScalingTables.G(r.A)}, B {ScalingTables.G(r.B)}, alpha {ScalingTables.G(r.Alpha)}, beta {ScalingTables.G(r.Beta)} (allocation exponent a = {ScalingTables.G(r.ParameterAllocationExponent)})");
        var crossings = law.AllocationExponentCrossings(result.CrossingRange.Low, result.CrossingRange.High);
        output.WriteLine(crossings.Count == 0
            ? $"The frontier's allocation exponent a(H) does not cross the reference's for H in [{ScalingTables.G(result.CrossingRange.Low)}, {ScalingTables.G(result.CrossingRange.High)}]"
            : $"The frontier's allocation exponent a(H) equals the reference's at H = {string.Join(", ", crossings.Select(h => ScalingTables.G(h)))}");
        if (result.CrossingFlops is { } c)
        {
            var tokenCrossings = law.TokensPerParameterCrossings(c, result.CrossingRange.Low, result.CrossingRange.High);
            output.WriteLine(tokenCrossings.Count == 0
                ? $"Tokens per parameter at C = {ScalingTables.G(c)} does not cross the reference's for H in the range"
                : $"Tokens per parameter at C = {ScalingTables.G(c)} equals the reference's ({ScalingTables.G(new ComputeOptimalFrontier(r).TokensPerParameter(c))}) at H = {string.Join(", ", tokenCrossings.Select(h => ScalingTables.G(h)))}");
        }

        output.WriteLine();
        output.WriteLine("Frontier by H (a = N_opt exponent, D/N at C = 1e21)");
        var step = (result.CrossingRange.High - result.CrossingRange.Low) / 10;
        ScalingTables.Write(output, ["H", "E", "A", "B", "alpha", "beta", "a", "D/N at 1e21"],
            Enumerable.Range(0, 11).Select(i =>
            {
                var h = result.CrossingRange.Low + (i * step);
                var p = law.At(h);
                var frontier = new ComputeOptimalFrontier(p);
                return (IReadOnlyList<string>)[ScalingTables.G(h), ScalingTables.G(p.E), ScalingTables.G(p.A), ScalingTables.G(p.B), ScalingTables.G(p.Alpha), ScalingTables.G(p.Beta), ScalingTables.G(frontier.ParameterExponent), ScalingTables.G(frontier.TokensPerParameter(1e21))];
            }).ToList());
    }
}
