namespace PcfgLab.Scaling;

/// <summary>
/// The fitting objective shared by every form: the sum over runs of Huber_delta(log prediction - log L), where the
/// form supplies log prediction and its gradient in the form's unconstrained parameters. Immutable and thread-safe.
/// </summary>
internal abstract class HuberLogObjective
{
    protected HuberLogObjective(double[] logLoss, double delta)
    {
        LogLoss = logLoss;
        Delta = delta;
    }

    /// <summary>log L of every run.</summary>
    public double[] LogLoss { get; }

    /// <summary>Huber threshold on the log residual.</summary>
    public double Delta { get; }

    /// <summary>Number of unconstrained parameters.</summary>
    public abstract int Dimension { get; }

    /// <summary>The objective at <paramref name="theta"/>; its gradient goes into <paramref name="gradient"/>.</summary>
    public abstract double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient);

    /// <summary>log prediction of one run (for residuals and reports).</summary>
    public abstract double LogPrediction(ReadOnlySpan<double> theta, int run);

    /// <summary>Huber loss as scipy.special.huber: r^2/2 inside delta, delta (|r| - delta/2) outside.</summary>
    public static double Huber(double r, double delta)
    {
        var abs = Math.Abs(r);
        return abs <= delta ? 0.5 * r * r : delta * (abs - (0.5 * delta));
    }

    /// <summary>Derivative of <see cref="Huber"/>.</summary>
    public static double HuberDerivative(double r, double delta) =>
        r > delta ? delta : r < -delta ? -delta : r;
}

/// <summary>Chinchilla: log L = LSE(a - alpha log N, b - beta log D, e); theta = (a, b, e, alpha, beta).</summary>
internal sealed class ChinchillaObjective : HuberLogObjective
{
    private readonly double[] _logN;
    private readonly double[] _logD;

    public ChinchillaObjective(double[] logN, double[] logD, double[] logLoss, double delta)
        : base(logLoss, delta)
    {
        _logN = logN;
        _logD = logD;
    }

    public override int Dimension => 5;

    public override double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        Span<double> sums = stackalloc double[6];
        ChinchillaKernel.Sums(0, LogLoss.Length, theta[0], theta[1], theta[2], theta[3], theta[4], _logN, _logD, LogLoss, Delta, sums);
        sums[1..].CopyTo(gradient[..5]);
        return sums[0];
    }

    public override double LogPrediction(ReadOnlySpan<double> theta, int run)
    {
        var t1 = theta[0] - (theta[3] * _logN[run]);
        var t2 = theta[1] - (theta[4] * _logD[run]);
        return LogSumExp(t1, t2, theta[2]);
    }

    internal static double LogSumExp(double t1, double t2, double t3)
    {
        var m = Math.Max(Math.Max(t1, t2), t3);
        return m + Math.Log(Math.Exp(t1 - m) + Math.Exp(t2 - m) + Math.Exp(t3 - m));
    }
}

/// <summary>One-variable learning curve (Hestness et al. 2017): log L = LSE(b - beta log X, e); theta = (b, e, beta).</summary>
internal sealed class LearningCurveObjective : HuberLogObjective
{
    private readonly double[] _logX;

    public LearningCurveObjective(double[] logX, double[] logLoss, double delta)
        : base(logLoss, delta)
    {
        _logX = logX;
    }

    public override int Dimension => 3;

    public override double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        double b = theta[0], e = theta[1], beta = theta[2];
        double sum = 0, gb = 0, ge = 0, gbeta = 0;
        var logL = LogLoss;
        for (var i = 0; i < logL.Length; i++)
        {
            var t = b - (beta * _logX[i]);
            var m = Math.Max(t, e);
            var x1 = Math.Exp(t - m);
            var x2 = Math.Exp(e - m);
            var s = x1 + x2;
            var r = m + Math.Log(s) - logL[i];
            sum += Huber(r, Delta);
            var scale = HuberDerivative(r, Delta) / s;
            gb += x1 * scale;
            ge += x2 * scale;
            gbeta -= x1 * scale * _logX[i];
        }

        gradient[0] = gb;
        gradient[1] = ge;
        gradient[2] = gbeta;
        return sum;
    }

    public override double LogPrediction(ReadOnlySpan<double> theta, int run)
    {
        var t = theta[0] - (theta[2] * _logX[run]);
        var m = Math.Max(t, theta[1]);
        return m + Math.Log(Math.Exp(t - m) + Math.Exp(theta[1] - m));
    }
}

/// <summary>
/// Rosenfeld et al. 2020: eps(n, m) = a n^-alpha + b m^-beta + c_inf (n data, m model size), seen through the envelope
/// eps_hat = eps0 |eps / (eps - i eta)| with complex eta = eta_re + i eta_im, that is
/// eps_hat = eps0 eps / sqrt((eps + eta_im)^2 + eta_re^2). theta = (log a, log b, log c_inf, alpha, beta, eta_re, eta_im).
/// </summary>
internal sealed class RosenfeldObjective : HuberLogObjective
{
    private readonly double[] _logData;
    private readonly double[] _logModel;
    private readonly double _logEps0;

    public RosenfeldObjective(double[] logData, double[] logModel, double[] logLoss, double eps0, double delta)
        : base(logLoss, delta)
    {
        _logData = logData;
        _logModel = logModel;
        _logEps0 = Math.Log(eps0);
    }

    public override int Dimension => 7;

    public override double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        double la = theta[0], lb = theta[1], lc = theta[2], alpha = theta[3], beta = theta[4], etaRe = theta[5], etaIm = theta[6];
        var c = Math.Exp(lc);
        Span<double> g = stackalloc double[7];
        g.Clear();
        double sum = 0;
        var logL = LogLoss;
        for (var i = 0; i < logL.Length; i++)
        {
            var termA = Math.Exp(la - (alpha * _logData[i]));
            var termB = Math.Exp(lb - (beta * _logModel[i]));
            var eps = termA + termB + c;
            var shifted = eps + etaIm;
            var q = (shifted * shifted) + (etaRe * etaRe);
            var r = _logEps0 + Math.Log(eps) - (0.5 * Math.Log(q)) - logL[i];
            sum += Huber(r, Delta);
            var dh = HuberDerivative(r, Delta);
            var dEps = dh * ((1.0 / eps) - (shifted / q));
            g[0] += dEps * termA;
            g[1] += dEps * termB;
            g[2] += dEps * c;
            g[3] -= dEps * termA * _logData[i];
            g[4] -= dEps * termB * _logModel[i];
            g[5] -= dh * etaRe / q;
            g[6] -= dh * shifted / q;
        }

        g.CopyTo(gradient);
        return sum;
    }

    public override double LogPrediction(ReadOnlySpan<double> theta, int run)
    {
        var eps = Math.Exp(theta[0] - (theta[3] * _logData[run])) + Math.Exp(theta[1] - (theta[4] * _logModel[run])) + Math.Exp(theta[2]);
        var shifted = eps + theta[6];
        return _logEps0 + Math.Log(eps) - (0.5 * Math.Log((shifted * shifted) + (theta[5] * theta[5])));
    }
}
