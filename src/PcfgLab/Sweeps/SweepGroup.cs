using System.Globalization;

namespace PcfgLab.Sweeps;

/// <summary>
/// Part of a designed sweep (<see cref="SweepSpec.Groups"/>): datasets that share their own shapes, budgets, seeds,
/// batch rule and learning-rate scan, so that each dataset's grid can sit in its own power-law regime (issue 24).
/// </summary>
public sealed record SweepGroup
{
    /// <summary>Dataset folders, in plan order.</summary>
    public IReadOnlyList<string> Datasets { get; init; } = [];

    /// <summary>Model shapes, smallest first (the pilot takes the first and the last).</summary>
    public IReadOnlyList<LlamaShape> Shapes { get; init; } = [];

    /// <summary>Token budgets D, smallest first (the pilot takes the first and the last).</summary>
    public IReadOnlyList<long> Tokens { get; init; } = [];

    /// <summary>Training seeds.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [0];

    /// <summary>How each cell's batch size follows from its budget, or null for the spec's fixed batch size.</summary>
    public BatchRule? Batch { get; init; }

    /// <summary>The learning-rate scan at the smallest and largest shape, or null for none.</summary>
    public LearningRateScan? LearningRateScan { get; init; }

    /// <summary>Throws <see cref="UserInputException"/> when the group cannot make a plan.</summary>
    public void Validate()
    {
        if (Datasets.Count == 0 || Shapes.Count == 0 || Tokens.Count == 0 || Seeds.Count == 0)
        {
            throw new UserInputException("every group of a sweep needs at least one dataset, one shape, one token budget and one seed.");
        }

        foreach (var shape in Shapes)
        {
            shape.Validate();
        }

        foreach (var tokens in Tokens)
        {
            if (tokens < 1)
            {
                throw new UserInputException($"token budget {tokens} is not positive.");
            }
        }

        Batch?.Validate();
        LearningRateScan?.Validate();
    }
}

/// <summary>
/// A cell's batch size from its budget: the largest batch in [<see cref="Min"/>, <see cref="Max"/>] documents that
/// still gives at least <see cref="MinSteps"/> optimiser steps, or <see cref="Min"/> when none does (49 steps at
/// D = 100K with batch 8 were optimisation-limited: issue 24).
/// </summary>
/// <param name="Min">Smallest batch, in sequences of the context length.</param>
/// <param name="Max">Largest batch.</param>
/// <param name="MinSteps">Steps every run should take at least.</param>
public sealed record BatchRule(int Min, int Max, int MinSteps)
{
    /// <summary>The batch size of a run of <paramref name="tokens"/> tokens in sequences of <paramref name="context"/>.</summary>
    public int For(long tokens, int context)
    {
        // As the adapter counts: floor(D / context) documents, ceil(documents / batch) steps per epoch.
        var documents = tokens / Math.Max(1, context);
        for (var batch = Max; batch > Min; batch--)
        {
            if ((documents + batch - 1) / batch >= MinSteps)
            {
                return batch;
            }
        }

        return Min;
    }

    /// <summary>Throws <see cref="UserInputException"/> when the rule is out of range.</summary>
    public void Validate()
    {
        if (Min < 1 || Max < Min || MinSteps < 1)
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                $"batch rule min {Min}, max {Max}, minSteps {MinSteps}: give 1 <= min <= max and minSteps at least 1."));
        }
    }
}

/// <summary>
/// A learning-rate scan: each factor times the shape's rate (the profile's width rule), at the group's smallest and
/// largest shape, at each of <see cref="Tokens"/>, first seed. Factor 1 is the grid's own cell (not planned twice);
/// the other cells carry <c>__lr</c> and their rate in their identifier (<see cref="PlanCell.IsLearningRateScan"/>) so
/// that fits can leave them out.
/// </summary>
public sealed record LearningRateScan
{
    /// <summary>Multipliers of the rule's learning rate, for example 0.316, 1, 3.16.</summary>
    public IReadOnlyList<double> Factors { get; init; } = [];

    /// <summary>Budgets at which the scan runs.</summary>
    public IReadOnlyList<long> Tokens { get; init; } = [];

    /// <summary>Throws <see cref="UserInputException"/> when the scan is empty or a factor is not positive.</summary>
    public void Validate()
    {
        if (Factors.Count == 0 || Tokens.Count == 0)
        {
            throw new UserInputException("a learning-rate scan needs at least one factor and one token budget (\"factors\", \"tokens\").");
        }

        foreach (var factor in Factors)
        {
            if (!(factor > 0) || !double.IsFinite(factor))
            {
                throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"learning-rate scan factor {factor} is not a positive number."));
            }
        }

        foreach (var tokens in Tokens)
        {
            if (tokens < 1)
            {
                throw new UserInputException($"learning-rate scan budget {tokens} is not positive.");
            }
        }
    }
}
