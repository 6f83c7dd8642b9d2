using System.Runtime.Intrinsics;

namespace PcfgLab.Scaling;

/// <summary>
/// The inner loop of every Chinchilla-shaped fit: over a range of runs, Huber_delta(r) with the log residual
/// r = LSE(log A - alpha log N, log B - beta log D, log E) - log L, summed, with its gradient. The per-dataset
/// Chinchilla objective calls it once over all runs, the joint data-dependent objective once per dataset (with that
/// dataset's parameters), so the two fits share one numerical kernel.
/// </summary>
internal static class ChinchillaKernel
{
    /// <summary>
    /// The Huber sum over runs start .. end - 1 and its gradient in (log A, log B, log E, alpha, beta), into
    /// sums = (f, ga, gb, ge, galpha, gbeta): four runs at a time with Vector256, then one at a time (the three
    /// exponentials and the logarithm dominate, and the vector Exp and Log do four at once). One vector width on every
    /// machine, AVX2 or AVX-512, JIT or native: the sums, and so the fits, are the same to the last bit everywhere.
    /// </summary>
    public static void Sums(int start, int end, double la, double lb, double le, double alpha, double beta, double[] logN, double[] logD, double[] logL, double delta, Span<double> sums)
    {
        var i = start;
        double total = 0, ga = 0, gb = 0, ge = 0, galpha = 0, gbeta = 0;
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
            total += HuberLogObjective.Huber(r, delta);
            var scale = HuberLogObjective.HuberDerivative(r, delta) / s;
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
}
