using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class RosenfeldFitterTests
{
    [Fact]
    public void Noise_free_runs_give_back_the_law_with_its_envelope()
    {
        // eps0 = ln 50 (a 50-symbol vocabulary); small runs sit in the envelope near eps0, large ones on the power law.
        var law = new RosenfeldParameters(A: 60, Alpha: 0.3, B: 40, Beta: 0.35, CInfinity: 0.8, EtaReal: 3.0, EtaImaginary: 0.4, Eps0: Math.Log(50));
        var runs = SyntheticRuns.Grid(law.Loss, 0, 1, sizes: 6, tokenCounts: 6);
        var fit = RosenfeldFitter.Fit(runs, law.Eps0, new FitOptions());

        Assert.True(fit.Objective < 1e-10, fit.ToString());
        Assert.True(fit.Rmse < 1e-4, fit.ToString());

        // The envelope is unchanged when a, b, c_inf and eta are all multiplied by one factor k, so only the exponents
        // and the ratios to c_inf are identified. Without noise they come back to the optimiser's tolerance: 0.005 on
        // the exponents, 1% on the ratios.
        var p = fit.Parameters;
        Assert.Equal(law.Alpha, p.Alpha, 0.005);
        Assert.Equal(law.Beta, p.Beta, 0.005);
        Assert.Equal(1, p.A / p.CInfinity / (law.A / law.CInfinity), 0.01);
        Assert.Equal(1, p.B / p.CInfinity / (law.B / law.CInfinity), 0.01);
        Assert.Equal(1, p.EtaReal / p.CInfinity / (law.EtaReal / law.CInfinity), 0.01);
        Assert.Equal(law.EtaImaginary / law.CInfinity, p.EtaImaginary / p.CInfinity, 0.01);
    }

    [Fact]
    public void Envelope_tends_to_eps0_for_large_error_and_to_the_power_law_scaled_for_small()
    {
        var law = new RosenfeldParameters(1, 0, 0, 0, 0, 2, 0, 5);

        // eps = 1 + 0 + 0 = ... with alpha = beta = 0: eps = A + B = 1, eps_hat = 5 * 1 / sqrt(1 + 4).
        Assert.Equal(5 / Math.Sqrt(5), law.Loss(10, 10), 12);
        var big = law with { A = 1e9 };
        Assert.Equal(5, big.Loss(10, 10), 6);
    }

    [Fact]
    public void Missing_or_bad_eps0_is_an_error()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0, 1, sizes: 3, tokenCounts: 3);
        Assert.StartsWith("eps0 0:", Assert.Throws<UserInputException>(() => RosenfeldFitter.Fit(runs, 0, new FitOptions())).Message, StringComparison.Ordinal);
    }
}
