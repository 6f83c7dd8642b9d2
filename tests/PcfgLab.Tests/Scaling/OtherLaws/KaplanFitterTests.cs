using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class KaplanFitterTests
{
    private static readonly KaplanParameters Truth = new(1e12, 5e11, 0.08, 0.1);

    [Fact]
    public void Law_is_kaplans_equation()
    {
        // [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D at N = 1e9, D = 1e10: (1000^0.8 + 50)^0.1.
        Assert.Equal(Math.Pow(Math.Pow(1000, 0.8) + 50, 0.1), Truth.Loss(1e9, 1e10), 1e-12);
        Assert.Equal(0.076, KaplanParameters.Kaplan2020.AlphaN);
    }

    [Fact]
    public void Noise_free_runs_give_back_the_law()
    {
        var fit = KaplanFitter.Fit(SyntheticRuns.Grid(Truth.Loss, 0, 1), new FitOptions());

        Assert.True(fit.Converged);
        Assert.Equal(256, fit.Starts);
        Assert.Equal(0.08, fit.Parameters.AlphaN, 1e-5);
        Assert.Equal(0.1, fit.Parameters.AlphaD, 1e-5);
        Assert.Equal(Math.Log(1e12), Math.Log(fit.Parameters.Nc), 1e-3);
        Assert.Equal(Math.Log(5e11), Math.Log(fit.Parameters.Dc), 1e-3);
        Assert.True(fit.MeanRelativeError < 1e-6);
    }

    [Fact]
    public void Held_out_error_picks_the_form_the_runs_were_drawn_from()
    {
        // Rollout over N on a 10 x 10 grid with 0.5% noise: each form wins on its own data.
        var options = new ExtrapolationOptions { Scheme = ExtrapolationScheme.RolloutParameters };
        var kaplanRuns = SyntheticRuns.Grid(Truth.Loss, 0.005, 2);
        var chinchillaRuns = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0.005, 2);

        Assert.Equal(ExtrapolatedForm.Kaplan, ExtrapolationCheck.CompareForms(kaplanRuns, options)[0].Form);
        Assert.Equal(ExtrapolatedForm.Chinchilla, ExtrapolationCheck.CompareForms(chinchillaRuns, options)[0].Form);
    }
}
