using System.Runtime.Intrinsics;

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
        double a = theta[0], b = theta[1], e = theta[2], alpha = theta[3], beta = theta[4];
        var delta = Delta;
        var logN = _logN;
        var logD = _logD;
        var logL = LogLoss;
        var count = logL.Length;

        var i = 0;
        double total8 = 0, ga8 = 0, gb8 = 0, ge8 = 0, galpha8 = 0, gbeta8 = 0;
        if (Vector512.IsHardwareAccelerated && count >= 8)
        {
            // Eight runs at a time where AVX-512 is available; the rest go four at a time below.
            var vA8 = Vector512.Create(a);
            var vB8 = Vector512.Create(b);
            var vE8 = Vector512.Create(e);
            var vAlpha8 = Vector512.Create(alpha);
            var vBeta8 = Vector512.Create(beta);
            var vDelta8 = Vector512.Create(delta);
            var vMinusDelta8 = Vector512.Create(-delta);
            var vHalf8 = Vector512.Create(0.5);
            var vHalfDelta8 = Vector512.Create(0.5 * delta);
            var sumV8 = Vector512<double>.Zero;
            var gaV8 = Vector512<double>.Zero;
            var gbV8 = Vector512<double>.Zero;
            var geV8 = Vector512<double>.Zero;
            var galphaV8 = Vector512<double>.Zero;
            var gbetaV8 = Vector512<double>.Zero;
            for (; i <= count - 8; i += 8)
            {
                var ln = Vector512.Create(logN.AsSpan(i, 8));
                var ld = Vector512.Create(logD.AsSpan(i, 8));
                var ll = Vector512.Create(logL.AsSpan(i, 8));
                var t1 = vA8 - (vAlpha8 * ln);
                var t2 = vB8 - (vBeta8 * ld);
                var m = Vector512.Max(Vector512.Max(t1, t2), vE8);
                var x1 = Vector512.Exp(t1 - m);
                var x2 = Vector512.Exp(t2 - m);
                var x3 = Vector512.Exp(vE8 - m);
                var sum = x1 + x2 + x3;
                var r = m + Vector512.Log(sum) - ll;
                var abs = Vector512.Abs(r);
                var inside = Vector512.LessThanOrEqual(abs, vDelta8);
                var h = Vector512.ConditionalSelect(inside, vHalf8 * r * r, vDelta8 * (abs - vHalfDelta8));
                var dh = Vector512.Min(Vector512.Max(r, vMinusDelta8), vDelta8);
                sumV8 += h;
                var scale = dh / sum;
                var w1 = x1 * scale;
                var w2 = x2 * scale;
                gaV8 += w1;
                gbV8 += w2;
                geV8 += x3 * scale;
                galphaV8 -= w1 * ln;
                gbetaV8 -= w2 * ld;
            }

            total8 = Vector512.Sum(sumV8);
            ga8 = Vector512.Sum(gaV8);
            gb8 = Vector512.Sum(gbV8);
            ge8 = Vector512.Sum(geV8);
            galpha8 = Vector512.Sum(galphaV8);
            gbeta8 = Vector512.Sum(gbetaV8);
        }

        // Four runs at a time: the three exponentials and the logarithm dominate, and Vector256.Exp/Log do four at once.
        var vA = Vector256.Create(a);
        var vB = Vector256.Create(b);
        var vE = Vector256.Create(e);
        var vAlpha = Vector256.Create(alpha);
        var vBeta = Vector256.Create(beta);
        var vDelta = Vector256.Create(delta);
        var vMinusDelta = Vector256.Create(-delta);
        var vHalf = Vector256.Create(0.5);
        var vHalfDelta = Vector256.Create(0.5 * delta);
        var sumV = Vector256<double>.Zero;
        var gaV = Vector256<double>.Zero;
        var gbV = Vector256<double>.Zero;
        var geV = Vector256<double>.Zero;
        var galphaV = Vector256<double>.Zero;
        var gbetaV = Vector256<double>.Zero;
        for (; i <= count - 4; i += 4)
        {
            var ln = Vector256.Create(logN.AsSpan(i, 4));
            var ld = Vector256.Create(logD.AsSpan(i, 4));
            var ll = Vector256.Create(logL.AsSpan(i, 4));
            var t1 = vA - (vAlpha * ln);
            var t2 = vB - (vBeta * ld);
            var m = Vector256.Max(Vector256.Max(t1, t2), vE);
            var x1 = Vector256.Exp(t1 - m);
            var x2 = Vector256.Exp(t2 - m);
            var x3 = Vector256.Exp(vE - m);
            var sum = x1 + x2 + x3;
            var r = m + Vector256.Log(sum) - ll;
            var abs = Vector256.Abs(r);
            var inside = Vector256.LessThanOrEqual(abs, vDelta);
            var h = Vector256.ConditionalSelect(inside, vHalf * r * r, vDelta * (abs - vHalfDelta));
            var dh = Vector256.Min(Vector256.Max(r, vMinusDelta), vDelta);
            sumV += h;
            var scale = dh / sum;
            var w1 = x1 * scale;
            var w2 = x2 * scale;
            gaV += w1;
            gbV += w2;
            geV += x3 * scale;
            galphaV -= w1 * ln;
            gbetaV -= w2 * ld;
        }

        double total = total8 + Vector256.Sum(sumV), ga = ga8 + Vector256.Sum(gaV), gb = gb8 + Vector256.Sum(gbV), ge = ge8 + Vector256.Sum(geV);
        double galpha = galpha8 + Vector256.Sum(galphaV), gbeta = gbeta8 + Vector256.Sum(gbetaV);
        for (; i < count; i++)
        {
            var t1 = a - (alpha * logN[i]);
            var t2 = b - (beta * logD[i]);
            var m = Math.Max(Math.Max(t1, t2), e);
            var x1 = Math.Exp(t1 - m);
            var x2 = Math.Exp(t2 - m);
            var x3 = Math.Exp(e - m);
            var s = x1 + x2 + x3;
            var r = m + Math.Log(s) - logL[i];
            total += Huber(r, delta);
            var scale = HuberDerivative(r, delta) / s;
            var w1 = x1 * scale;
            var w2 = x2 * scale;
            ga += w1;
            gb += w2;
            ge += x3 * scale;
            galpha -= w1 * logN[i];
            gbeta -= w2 * logD[i];
        }

        gradient[0] = ga;
        gradient[1] = gb;
        gradient[2] = ge;
        gradient[3] = galpha;
        gradient[4] = gbeta;
        return total;
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
