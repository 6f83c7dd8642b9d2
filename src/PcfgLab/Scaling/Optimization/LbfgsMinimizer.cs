namespace PcfgLab.Scaling;

/// <summary>A smooth objective with its gradient: returns f(x) and writes the gradient into the span.</summary>
/// <param name="x">The point.</param>
/// <param name="gradient">Receives the gradient at <paramref name="x"/> (same length).</param>
internal delegate double ObjectiveWithGradient(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>How an L-BFGS run ended.</summary>
internal enum LbfgsStop
{
    /// <summary>The gradient met the tolerance: a stationary point.</summary>
    GradientTolerance,

    /// <summary>The objective stopped decreasing at machine precision while the gradient was already tiny.</summary>
    PrecisionLimit,

    /// <summary>The line search found no decrease with a gradient still above the tolerance.</summary>
    LineSearchFailed,

    /// <summary>The iteration limit was reached.</summary>
    IterationLimit,

    /// <summary>The objective was not finite at the start.</summary>
    NonFiniteStart,
}

/// <summary>Result of one L-BFGS run.</summary>
internal readonly record struct LbfgsResult(double Objective, double GradientNorm, int Iterations, int Evaluations, LbfgsStop Stop)
{
    /// <summary>True when the run ended at a stationary point (gradient tolerance or precision limit with a tiny gradient).</summary>
    public bool Converged => Stop is LbfgsStop.GradientTolerance or LbfgsStop.PrecisionLimit;
}

/// <summary>
/// Limited-memory BFGS with a strong-Wolfe line search (Nocedal and Wright, algorithms 7.4, 3.5 and 3.6).
/// Written here rather than taken from MathNet so that the stopping rules are ours: the scaling-law objectives
/// are sums of Huber losses of size 1e-3, and a rule on the absolute change of f stops such fits early (the flaw
/// Besiroglu et al. 2024 found in the original Chinchilla fit). We stop on the gradient's infinity norm relative
/// to the objective's scale, and treat "no further decrease possible" as convergence only when the gradient is
/// also small. One instance is one workspace: not thread-safe, reusable for many starts without allocating.
/// </summary>
internal sealed class LbfgsMinimizer
{
    private const double WolfeC1 = 1e-4;
    private const double WolfeC2 = 0.9;

    private readonly int _n;
    private readonly int _memory;
    private readonly double[][] _s;
    private readonly double[][] _y;
    private readonly double[] _rho;
    private readonly double[] _alpha;
    private readonly double[] _g;
    private readonly double[] _d;
    private readonly double[] _xNew;
    private readonly double[] _gNew;
    private readonly double[] _xLo;
    private readonly double[] _gLo;

    /// <summary>Creates a workspace for problems of dimension <paramref name="dimension"/>.</summary>
    public LbfgsMinimizer(int dimension, int memory = 10)
    {
        _n = dimension;
        _memory = memory;
        _s = new double[memory][];
        _y = new double[memory][];
        for (var i = 0; i < memory; i++)
        {
            _s[i] = new double[dimension];
            _y[i] = new double[dimension];
        }

        _rho = new double[memory];
        _alpha = new double[memory];
        _g = new double[dimension];
        _d = new double[dimension];
        _xNew = new double[dimension];
        _gNew = new double[dimension];
        _xLo = new double[dimension];
        _gLo = new double[dimension];
    }

    /// <summary>Stop when ||g||_inf &lt;= RelativeGradientTolerance * max(f, ObjectiveScaleFloor).</summary>
    public double RelativeGradientTolerance { get; init; } = 1e-6;

    /// <summary>Floor on the objective's scale in the gradient rule, so f near 0 does not demand an impossible gradient.</summary>
    public double ObjectiveScaleFloor { get; init; } = 1e-12;

    /// <summary>A gradient this small (infinity norm) is converged whatever the objective: the floor for exact fits, f near 0.</summary>
    public double AbsoluteGradientTolerance { get; init; } = 1e-15;

    /// <summary>Absolute floor of the precision-limit rule, for exact fits.</summary>
    public double AbsolutePrecisionTolerance { get; init; } = 1e-9;

    /// <summary>A gradient this small (relative, as above) counts as converged when no further decrease is possible.</summary>
    public double PrecisionGradientTolerance { get; init; } = 1e-3;

    /// <summary>Maximum number of iterations.</summary>
    public int MaxIterations { get; init; } = 2000;

    /// <summary>Minimises <paramref name="f"/> from <paramref name="x"/>, which holds the minimiser on return.</summary>
    public LbfgsResult Minimize(ObjectiveWithGradient f, Span<double> x)
    {
        var n = _n;
        var g = _g.AsSpan();
        var fx = f(x, g);
        var evaluations = 1;
        if (!double.IsFinite(fx) || !AllFinite(g))
        {
            return new LbfgsResult(fx, double.PositiveInfinity, 0, evaluations, LbfgsStop.NonFiniteStart);
        }

        var stored = 0;
        var head = 0;
        var iteration = 0;
        var gnorm = InfNorm(g);
        while (true)
        {
            var scale = Math.Max(Math.Abs(fx), ObjectiveScaleFloor);
            if (gnorm <= Math.Max(RelativeGradientTolerance * scale, AbsoluteGradientTolerance))
            {
                return new LbfgsResult(fx, gnorm, iteration, evaluations, LbfgsStop.GradientTolerance);
            }

            if (iteration >= MaxIterations)
            {
                return new LbfgsResult(fx, gnorm, iteration, evaluations, LbfgsStop.IterationLimit);
            }

            ComputeDirection(g, stored, head);
            var d = _d.AsSpan();
            var slope = Dot(g, d);
            if (!(slope < 0))
            {
                // Not a descent direction (curvature information went bad): restart from steepest descent.
                stored = 0;
                for (var i = 0; i < n; i++)
                {
                    d[i] = -g[i];
                }

                slope = Dot(g, d);
            }

            var step0 = stored == 0 ? Math.Min(1.0, 1.0 / Math.Max(gnorm, 1e-300)) : 1.0;
            var (step, fNew, evals) = LineSearch(f, x, fx, slope, step0);
            evaluations += evals;
            if (step <= 0)
            {
                if (stored > 0)
                {
                    // Retry once along steepest descent before giving up.
                    stored = 0;
                    continue;
                }

                var stop = gnorm <= Math.Max(PrecisionGradientTolerance * scale, AbsolutePrecisionTolerance) ? LbfgsStop.PrecisionLimit : LbfgsStop.LineSearchFailed;
                return new LbfgsResult(fx, gnorm, iteration, evaluations, stop);
            }

            // Store the pair (s, y) and accept the step.
            var sNew = _s[head];
            var yNew = _y[head];
            double sy = 0;
            double yy = 0;
            for (var i = 0; i < n; i++)
            {
                sNew[i] = _xNew[i] - x[i];
                yNew[i] = _gNew[i] - g[i];
                sy += sNew[i] * yNew[i];
                yy += yNew[i] * yNew[i];
            }

            if (sy > 2.2e-16 * yy && sy > 0)
            {
                _rho[head] = 1.0 / sy;
                head = (head + 1) % _memory;
                stored = Math.Min(stored + 1, _memory);
            }

            _xNew.AsSpan().CopyTo(x);
            _gNew.AsSpan().CopyTo(g);
            var decrease = fx - fNew;
            fx = fNew;
            gnorm = InfNorm(g);
            iteration++;
            if (decrease <= 0 && gnorm <= Math.Max(PrecisionGradientTolerance * Math.Max(Math.Abs(fx), ObjectiveScaleFloor), AbsolutePrecisionTolerance))
            {
                return new LbfgsResult(fx, gnorm, iteration, evaluations, LbfgsStop.PrecisionLimit);
            }
        }
    }

    private void ComputeDirection(ReadOnlySpan<double> g, int stored, int head)
    {
        var n = _n;
        var q = _d.AsSpan();
        for (var i = 0; i < n; i++)
        {
            q[i] = -g[i];
        }

        // Two-loop recursion, newest pair first.
        for (var k = 0; k < stored; k++)
        {
            var j = (head - 1 - k + _memory) % _memory;
            var a = _rho[j] * Dot(_s[j], q);
            _alpha[j] = a;
            var y = _y[j];
            for (var i = 0; i < n; i++)
            {
                q[i] -= a * y[i];
            }
        }

        if (stored > 0)
        {
            var newest = (head - 1 + _memory) % _memory;
            var yy = Dot(_y[newest], _y[newest]);
            var gamma = 1.0 / (_rho[newest] * yy);
            for (var i = 0; i < n; i++)
            {
                q[i] *= gamma;
            }
        }

        for (var k = stored - 1; k >= 0; k--)
        {
            var j = (head - 1 - k + _memory) % _memory;
            var b = _rho[j] * Dot(_y[j], q);
            var s = _s[j];
            var coefficient = _alpha[j] - b;
            for (var i = 0; i < n; i++)
            {
                q[i] += coefficient * s[i];
            }
        }
    }

    /// <summary>Strong-Wolfe line search; on success _xNew/_gNew hold the accepted point. Returns step 0 on failure.</summary>
    private (double Step, double Value, int Evaluations) LineSearch(ObjectiveWithGradient f, ReadOnlySpan<double> x, double f0, double slope0, double step)
    {
        var evaluations = 0;
        double stepPrev = 0;
        var fPrev = f0;
        var slopePrev = slope0;
        const int MaxBracket = 60;
        for (var k = 0; k < MaxBracket; k++)
        {
            var fStep = Evaluate(f, x, step, _xNew, _gNew);
            evaluations++;
            if (!double.IsFinite(fStep))
            {
                // Overflow far along the ray: shrink toward the last good step.
                step = stepPrev + (0.1 * (step - stepPrev));
                if (step - stepPrev < 1e-300)
                {
                    return (0, f0, evaluations);
                }

                continue;
            }

            var slopeStep = Dot(_gNew, _d);
            if (fStep > f0 + (WolfeC1 * step * slope0) || (k > 0 && fStep >= fPrev))
            {
                return Zoom(f, x, f0, slope0, stepPrev, fPrev, slopePrev, step, fStep, slopeStep, evaluations);
            }

            if (Math.Abs(slopeStep) <= -WolfeC2 * slope0)
            {
                return (step, fStep, evaluations);
            }

            if (slopeStep >= 0)
            {
                return Zoom(f, x, f0, slope0, step, fStep, slopeStep, stepPrev, fPrev, slopePrev, evaluations);
            }

            stepPrev = step;
            fPrev = fStep;
            slopePrev = slopeStep;
            _xNew.AsSpan().CopyTo(_xLo);
            _gNew.AsSpan().CopyTo(_gLo);
            step *= 2;
        }

        if (stepPrev > 0)
        {
            // Still descending after many doublings: take the farthest good step.
            _xLo.AsSpan().CopyTo(_xNew);
            _gLo.AsSpan().CopyTo(_gNew);
            return (stepPrev, fPrev, evaluations);
        }

        return (0, f0, evaluations);
    }

    private (double Step, double Value, int Evaluations) Zoom(
        ObjectiveWithGradient f,
        ReadOnlySpan<double> x,
        double f0,
        double slope0,
        double lo,
        double fLo,
        double slopeLo,
        double hi,
        double fHi,
        double slopeHi,
        int evaluations)
    {
        // _xLo/_gLo hold the point at lo when lo > 0.
        var haveLoPoint = lo > 0;
        if (haveLoPoint)
        {
            Evaluate(f, x, lo, _xLo, _gLo);
            evaluations++;
        }

        for (var k = 0; k < 60; k++)
        {
            var trial = CubicMinimizer(lo, fLo, slopeLo, hi, fHi, slopeHi);
            var width = Math.Abs(hi - lo);
            var low = Math.Min(lo, hi);
            if (double.IsNaN(trial) || trial <= low + (0.1 * width) || trial >= low + (0.9 * width))
            {
                trial = 0.5 * (lo + hi);
            }

            if (width <= 1e-16 * Math.Max(1.0, Math.Abs(lo)))
            {
                break;
            }

            var fTrial = Evaluate(f, x, trial, _xNew, _gNew);
            evaluations++;
            var slopeTrial = Dot(_gNew, _d);
            if (!double.IsFinite(fTrial) || fTrial > f0 + (WolfeC1 * trial * slope0) || fTrial >= fLo)
            {
                hi = trial;
                fHi = double.IsFinite(fTrial) ? fTrial : double.MaxValue;
                slopeHi = double.IsFinite(slopeTrial) ? slopeTrial : 0;
            }
            else
            {
                if (Math.Abs(slopeTrial) <= -WolfeC2 * slope0)
                {
                    return (trial, fTrial, evaluations);
                }

                if (slopeTrial * (hi - lo) >= 0)
                {
                    hi = lo;
                    fHi = fLo;
                    slopeHi = slopeLo;
                }

                lo = trial;
                fLo = fTrial;
                slopeLo = slopeTrial;
                _xNew.AsSpan().CopyTo(_xLo);
                _gNew.AsSpan().CopyTo(_gLo);
                haveLoPoint = true;
            }
        }

        // The interval collapsed: accept the best point found if it decreased f at all.
        if (haveLoPoint && lo > 0 && fLo < f0)
        {
            _xLo.AsSpan().CopyTo(_xNew);
            _gLo.AsSpan().CopyTo(_gNew);
            return (lo, fLo, evaluations);
        }

        return (0, f0, evaluations);
    }

    private static double CubicMinimizer(double a, double fa, double ga, double b, double fb, double gb)
    {
        var d1 = ga + gb - (3 * (fa - fb) / (a - b));
        var disc = (d1 * d1) - (ga * gb);
        if (disc < 0)
        {
            return double.NaN;
        }

        var d2 = Math.Sign(b - a) * Math.Sqrt(disc);
        return b - ((b - a) * (gb + d2 - d1) / (gb - ga + (2 * d2)));
    }

    private double Evaluate(ObjectiveWithGradient f, ReadOnlySpan<double> x, double step, double[] xOut, double[] gOut)
    {
        for (var i = 0; i < _n; i++)
        {
            xOut[i] = x[i] + (step * _d[i]);
        }

        var value = f(xOut, gOut);
        return AllFinite(gOut) ? value : double.NaN;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static double InfNorm(ReadOnlySpan<double> v)
    {
        double m = 0;
        foreach (var value in v)
        {
            m = Math.Max(m, Math.Abs(value));
        }

        return m;
    }

    private static bool AllFinite(ReadOnlySpan<double> v)
    {
        foreach (var value in v)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }
}
