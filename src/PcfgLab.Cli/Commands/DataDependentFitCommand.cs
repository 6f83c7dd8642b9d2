using System.CommandLine;
using PcfgLab.Analysis;
using PcfgLab.Scaling;

namespace PcfgLab.Cli.Commands;

/// <summary>
/// <c>pcfglab fit --form data-dependent</c>: the joint fit of L(N, D, H) with every parameter a line in H, its bootstrap,
/// frontier band and crossings. Kept apart from <see cref="FitCommand"/>, which only adds these options and hands over.
/// </summary>
internal sealed class DataDependentFitCommand
{
    private readonly Option<bool> _logLinear = new("--log-linear") { Description = "data-dependent form: fit log A and log B as lines in H (A = exp(m H + n)) instead of A and B." };
    private readonly Option<string> _reference = new("--reference") { Description = "data-dependent form: reference law for the crossings: epoch (Besiroglu et al. 2024's refit, default), hoffmann (Hoffmann et al. 2022), or E,A,B,alpha,beta.", DefaultValueFactory = _ => "epoch" };
    private readonly Option<double> _atFlops = new("--at-flops") { Description = "data-dependent form: compute C of the tokens-per-parameter band and crossing.", DefaultValueFactory = _ => 1e21 };
    private readonly Option<string> _range = new("--h-range") { Description = "data-dependent form: range LO,HI of H for the frontier band and the crossings.", DefaultValueFactory = _ => "0,1" };
    private readonly Option<bool> _runsOnly = new("--resample-runs-only") { Description = "data-dependent form: bootstrap runs within each dataset only (default: resample whole datasets, then runs within them)." };

    /// <summary>Adds the form's options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_logLinear);
        command.Options.Add(_reference);
        command.Options.Add(_atFlops);
        command.Options.Add(_range);
        command.Options.Add(_runsOnly);
    }

    /// <summary><paramref name="request"/> as the joint data-dependent fit with the form's options.</summary>
    public FitsRequest Apply(ParseResult parse, FitsRequest request)
    {
        var fit = request.Fit;
        if (fit.DropWorst != 0 || fit.Holdout is not null || fit.ByDataset)
        {
            throw new UserInputException("--form data-dependent fits all datasets jointly: --by, --drop-worst and --holdout-above-* do not apply");
        }

        var bounds = parse.GetValue(_range)!.Split(',');
        if (bounds.Length != 2)
        {
            throw new UserInputException($"--h-range '{parse.GetValue(_range)}': expected LO,HI");
        }

        return request with
        {
            DataDependent = new DataDependentFitOptions
            {
                LogLinearCoefficients = parse.GetValue(_logLinear),
                HuberDelta = fit.Fit.HuberDelta,
                MaxDegreeOfParallelism = fit.Fit.MaxDegreeOfParallelism,
                TwoStepFit = new DataDependentFitOptions().TwoStepFit with { HuberDelta = fit.Fit.HuberDelta, MaxDegreeOfParallelism = fit.Fit.MaxDegreeOfParallelism },
            },
            DataDependentAnalysis = new DataDependentAnalysisOptions
            {
                Resamples = fit.BootstrapResamples,
                Seed = fit.Seed,
                MaxDegreeOfParallelism = fit.Fit.MaxDegreeOfParallelism,
                ResampleDatasets = !parse.GetValue(_runsOnly),
                Reference = ReferenceLaws.Parse(parse.GetValue(_reference)!),
                Flops = parse.GetValue(_atFlops),
                HLow = ScalingTables.ParseNumber(bounds[0], "--h-range"),
                HHigh = ScalingTables.ParseNumber(bounds[1], "--h-range"),
            },
        };
    }

    internal static void WriteTables(TextWriter output, DataDependentFitDocument document)
    {
        var fit = document.Fit;
        var a = document.Analysis;
        var law = fit.Law;
        output.WriteLine($"Joint data-dependent fit L(N, D, H) = E(H) + A(H)/N^alpha(H) + B(H)/D^beta(H), each {(law.LogLinearCoefficients ? "of E, log A, log B, alpha, beta" : "parameter")} a line m H + n (Huber delta on log L, L-BFGS)");
        output.WriteLine($"{fit.Runs} runs of {fit.Datasets.Count} datasets, H {ScalingTables.G(fit.HLow)} to {ScalingTables.G(fit.HHigh)}; objective {ScalingTables.G(fit.Objective, 5)}, converged {(fit.Converged ? "yes" : "NO")}, {fit.ConvergedStarts}/{fit.Starts} starts ok, best start {fit.BestStart} ({fit.BestStartKind}), {fit.Evaluations} evaluations; RMSE {ScalingTables.G(fit.Rmse)}, mean rel err {ScalingTables.G(fit.MeanRelativeError)}");
        if (fit.TwoStep is not null)
        {
            output.WriteLine($"The two-step law (per-dataset fits regressed on H, used as the joint law) scores {ScalingTables.G(fit.TwoStepObjective, 5)} on the same objective.");
        }

        output.WriteLine();
        var resampling = a.ResampledDatasets ? "whole datasets, then runs within each" : "runs within each dataset";
        output.WriteLine(a.Resamples > 0
            ? $"Lines x(H) = m H + n with bootstrap 95% intervals ({a.Resamples} resamples of {resampling}, seed {a.Seed}, {a.ConvergedResamples} converged, {a.StartsPerResample} starts each from the full-data optimum)"
            : "Lines x(H) = m H + n (no bootstrap)");
        ScalingTables.Write(output, ["param", "slope m", "2.5%", "97.5%", "std err", "P(m > 0)", "intercept n", "2.5%", "97.5%"],
            a.Lines.Select(l => (IReadOnlyList<string>)[l.Name, G(l.Slope), G(l.SlopeLower), G(l.SlopeUpper), ScalingTables.G(l.SlopeStandardError, 3), ScalingTables.G(l.SharePositive, 3), G(l.Intercept), G(l.InterceptLower), G(l.InterceptUpper)]).ToList());

        var comparison = document.CompareWithTwoStep();
        if (comparison.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Joint vs two-step slopes (two-step: OLS of per-dataset fits on H, p from the t test)");
            ScalingTables.Write(output, ["param", "joint m", "joint 95%", "two-step m", "two-step p", "agree"],
                comparison.Select(c => (IReadOnlyList<string>)[c.Name, G(c.JointSlope), $"[{G(c.JointLower)}, {G(c.JointUpper)}]", G(c.TwoStepSlope), ScalingTables.G(c.TwoStepPValue, 3),
                    double.IsNaN(c.TwoStepSlope) ? "-" : c.Disagree ? "NO: outside the joint interval" : "yes"]).ToList());
        }

        output.WriteLine();
        var r = a.Reference;
        var refFrontier = new ComputeOptimalFrontier(r);
        output.WriteLine($"Frontier by H (a = N_opt exponent; D/N at C = {ScalingTables.G(a.Flops)}); reference E {ScalingTables.G(r.E)}, A {ScalingTables.G(r.A)}, B {ScalingTables.G(r.B)}, alpha {ScalingTables.G(r.Alpha)}, beta {ScalingTables.G(r.Beta)}: a = {ScalingTables.G(r.ParameterAllocationExponent)}, D/N = {ScalingTables.G(refFrontier.TokensPerParameter(a.Flops))}");
        ScalingTables.Write(output, ["H", "a", "2.5%", "97.5%", "D/N", "2.5%", "97.5%"],
            a.Band.Select(p => (IReadOnlyList<string>)[ScalingTables.G(p.H), G(p.AllocationExponent), G(p.AllocationLower), G(p.AllocationUpper), G(p.TokensPerParameter), G(p.TokensLower), G(p.TokensUpper)]).ToList());
        output.WriteLine();
        foreach (var c in new[] { a.AllocationCrossing, a.TokensCrossing })
        {
            output.WriteLine(c.Estimate is { } h
                ? $"The frontier's {c.What} equals the reference's ({ScalingTables.G(c.ReferenceValue)}) at H = {ScalingTables.G(h)}" + (a.Resamples > 0 ? $" (95%: {G(c.Lower)} to {G(c.Upper)}; {c.ResamplesCrossing} of {a.Resamples} resamples cross in the range)" : string.Empty)
                : $"The frontier's {c.What} does not equal the reference's ({ScalingTables.G(c.ReferenceValue)}) anywhere in the H range" + (a.Resamples > 0 ? $" ({c.ResamplesCrossing} of {a.Resamples} resamples do)" : string.Empty));
        }

        foreach (var w in a.Warnings)
        {
            output.WriteLine($"warning: {w.Message}");
        }
    }

    private static string G(double value) => ScalingTables.G(value);
}
