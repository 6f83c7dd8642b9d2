namespace PcfgLab.Scaling;

/// <summary>
/// The joint data-dependent objective: the sum over runs of Huber_delta(log L_hat - log L) with
/// log L_hat = LSE(log A(H) - alpha(H) log N, log B(H) - beta(H) log D, log E(H)), as <see cref="ChinchillaObjective"/>.
/// Every parameter is linear in u = (H - H_low)/(H_high - H_low), written by its values at the lowest and highest H
/// of the data: theta = (log E_lo, log E_hi, a_lo, a_hi, b_lo, b_hi, alpha_lo, alpha_hi, beta_lo, beta_hi), with
/// E(u) = e^theta0 (1 - u) + e^theta1 u, so E, A and B are positive over the data's range without constraints; a and b
/// are log A, log B at the ends (A(u) = e^a_lo (1 - u) + e^a_hi u), or in the log-linear variant log A(u) = a_lo (1 - u) + a_hi u.
/// Runs are grouped by H so that the per-dataset parameters are computed once per group.
/// </summary>
internal sealed class DataDependentObjective : HuberLogObjective
{
    public const int ParameterCount = 10;

    private readonly double[] _logN;
    private readonly double[] _logD;
    private readonly double[] _groupU;
    private readonly int[] _groupStart;

    /// <summary>Creates the objective; runs must be ordered by group, group g spanning [groupStart[g], groupStart[g+1]).</summary>
    public DataDependentObjective(double[] logN, double[] logD, double[] logLoss, double[] groupU, int[] groupStart, bool logLinear, double delta)
        : base(logLoss, delta)
    {
        _logN = logN;
        _logD = logD;
        _groupU = groupU;
        _groupStart = groupStart;
        LogLinear = logLinear;
    }

    public bool LogLinear { get; }

    public override int Dimension => ParameterCount;

    public override double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        gradient[..ParameterCount].Clear();
        double e0 = Math.Exp(theta[0]), e1 = Math.Exp(theta[1]);
        double a0 = 0, a1 = 0, b0 = 0, b1 = 0;
        if (!LogLinear)
        {
            a0 = Math.Exp(theta[2]);
            a1 = Math.Exp(theta[3]);
            b0 = Math.Exp(theta[4]);
            b1 = Math.Exp(theta[5]);
        }

        var delta = Delta;
        var logL = LogLoss;
        var logN = _logN;
        var logD = _logD;
        double total = 0;
        Span<double> sums = stackalloc double[6];
        for (var g = 0; g < _groupU.Length; g++)
        {
            var u = _groupU[g];
            var w = 1 - u;
            var eValue = (e0 * w) + (e1 * u);
            var le = Math.Log(eValue);
            double la, lb, aValue = 0, bValue = 0;
            if (LogLinear)
            {
                la = (theta[2] * w) + (theta[3] * u);
                lb = (theta[4] * w) + (theta[5] * u);
            }
            else
            {
                aValue = (a0 * w) + (a1 * u);
                bValue = (b0 * w) + (b1 * u);
                la = Math.Log(aValue);
                lb = Math.Log(bValue);
            }

            var alpha = (theta[6] * w) + (theta[7] * u);
            var beta = (theta[8] * w) + (theta[9] * u);
            var end = _groupStart[g + 1];
            ChinchillaKernel.Sums(_groupStart[g], end, la, lb, le, alpha, beta, logN, logD, logL, delta, sums);
            total += sums[0];
            double ga = sums[1], gb = sums[2], ge = sums[3], galpha = sums[4], gbeta = sums[5];

            // Chain rule from the group's (log E, log A, log B, alpha, beta) to theta.
            gradient[0] += ge * e0 * w / eValue;
            gradient[1] += ge * e1 * u / eValue;
            if (LogLinear)
            {
                gradient[2] += ga * w;
                gradient[3] += ga * u;
                gradient[4] += gb * w;
                gradient[5] += gb * u;
            }
            else
            {
                gradient[2] += ga * a0 * w / aValue;
                gradient[3] += ga * a1 * u / aValue;
                gradient[4] += gb * b0 * w / bValue;
                gradient[5] += gb * b1 * u / bValue;
            }

            gradient[6] += galpha * w;
            gradient[7] += galpha * u;
            gradient[8] += gbeta * w;
            gradient[9] += gbeta * u;
        }

        return total;
    }

    public override double LogPrediction(ReadOnlySpan<double> theta, int run)
    {
        var g = 0;
        while (_groupStart[g + 1] <= run)
        {
            g++;
        }

        var u = _groupU[g];
        var w = 1 - u;
        var le = Math.Log((Math.Exp(theta[0]) * w) + (Math.Exp(theta[1]) * u));
        var la = LogLinear ? (theta[2] * w) + (theta[3] * u) : Math.Log((Math.Exp(theta[2]) * w) + (Math.Exp(theta[3]) * u));
        var lb = LogLinear ? (theta[4] * w) + (theta[5] * u) : Math.Log((Math.Exp(theta[4]) * w) + (Math.Exp(theta[5]) * u));
        var alpha = (theta[6] * w) + (theta[7] * u);
        var beta = (theta[8] * w) + (theta[9] * u);
        return ChinchillaObjective.LogSumExp(la - (alpha * _logN[run]), lb - (beta * _logD[run]), le);
    }
}
