using System.Runtime.Intrinsics;

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
            GroupSums(_groupStart[g], end, la, lb, le, alpha, beta, logN, logD, logL, delta, sums);
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

    /// <summary>
    /// One group's Huber sum and its gradient in (log A, log B, log E, alpha, beta), into sums = (f, ga, gb, ge, galpha, gbeta):
    /// eight runs at a time with Vector512 where available, then four with Vector256, then one at a time, as
    /// <see cref="ChinchillaObjective"/> does (the exponentials and the logarithm dominate).
    /// </summary>
    private static void GroupSums(int start, int end, double la, double lb, double le, double alpha, double beta, double[] logN, double[] logD, double[] logL, double delta, Span<double> sums)
    {
        var i = start;
        double total = 0, ga = 0, gb = 0, ge = 0, galpha = 0, gbeta = 0;
        if (Vector512.IsHardwareAccelerated && end - i >= 8)
        {
            var vA = Vector512.Create(la);
            var vB = Vector512.Create(lb);
            var vE = Vector512.Create(le);
            var vAlpha = Vector512.Create(alpha);
            var vBeta = Vector512.Create(beta);
            var vDelta = Vector512.Create(delta);
            var vMinusDelta = Vector512.Create(-delta);
            var vHalf = Vector512.Create(0.5);
            var vHalfDelta = Vector512.Create(0.5 * delta);
            Vector512<double> sumV = Vector512<double>.Zero, gaV = sumV, gbV = sumV, geV = sumV, galphaV = sumV, gbetaV = sumV;
            for (; i <= end - 8; i += 8)
            {
                var ln = Vector512.Create(logN.AsSpan(i, 8));
                var ld = Vector512.Create(logD.AsSpan(i, 8));
                var ll = Vector512.Create(logL.AsSpan(i, 8));
                var t1 = vA - (vAlpha * ln);
                var t2 = vB - (vBeta * ld);
                var m = Vector512.Max(Vector512.Max(t1, t2), vE);
                var x1 = Vector512.Exp(t1 - m);
                var x2 = Vector512.Exp(t2 - m);
                var x3 = Vector512.Exp(vE - m);
                var sum = x1 + x2 + x3;
                var r = m + Vector512.Log(sum) - ll;
                var abs = Vector512.Abs(r);
                var inside = Vector512.LessThanOrEqual(abs, vDelta);
                sumV += Vector512.ConditionalSelect(inside, vHalf * r * r, vDelta * (abs - vHalfDelta));
                var scale = Vector512.Min(Vector512.Max(r, vMinusDelta), vDelta) / sum;
                var w1 = x1 * scale;
                var w2 = x2 * scale;
                gaV += w1;
                gbV += w2;
                geV += x3 * scale;
                galphaV -= w1 * ln;
                gbetaV -= w2 * ld;
            }

            total += Vector512.Sum(sumV);
            ga += Vector512.Sum(gaV);
            gb += Vector512.Sum(gbV);
            ge += Vector512.Sum(geV);
            galpha += Vector512.Sum(galphaV);
            gbeta += Vector512.Sum(gbetaV);
        }

        if (Vector256.IsHardwareAccelerated && end - i >= 4)
        {
            var vA = Vector256.Create(la);
            var vB = Vector256.Create(lb);
            var vE = Vector256.Create(le);
            var vAlpha = Vector256.Create(alpha);
            var vBeta = Vector256.Create(beta);
            var vDelta = Vector256.Create(delta);
            var vMinusDelta = Vector256.Create(-delta);
            var vHalf = Vector256.Create(0.5);
            var vHalfDelta = Vector256.Create(0.5 * delta);
            Vector256<double> sumV = Vector256<double>.Zero, gaV = sumV, gbV = sumV, geV = sumV, galphaV = sumV, gbetaV = sumV;
            for (; i <= end - 4; i += 4)
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
                sumV += Vector256.ConditionalSelect(inside, vHalf * r * r, vDelta * (abs - vHalfDelta));
                var scale = Vector256.Min(Vector256.Max(r, vMinusDelta), vDelta) / sum;
                var w1 = x1 * scale;
                var w2 = x2 * scale;
                gaV += w1;
                gbV += w2;
                geV += x3 * scale;
                galphaV -= w1 * ln;
                gbetaV -= w2 * ld;
            }

            total += Vector256.Sum(sumV);
            ga += Vector256.Sum(gaV);
            gb += Vector256.Sum(gbV);
            ge += Vector256.Sum(geV);
            galpha += Vector256.Sum(galphaV);
            gbeta += Vector256.Sum(gbetaV);
        }

        for (; i < end; i++)
        {
            var t1 = la - (alpha * logN[i]);
            var t2 = lb - (beta * logD[i]);
            var m = Math.Max(Math.Max(t1, t2), le);
            var x1 = Math.Exp(t1 - m);
            var x2 = Math.Exp(t2 - m);
            var x3 = Math.Exp(le - m);
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

        sums[0] = total;
        sums[1] = ga;
        sums[2] = gb;
        sums[3] = ge;
        sums[4] = galpha;
        sums[5] = gbeta;
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
