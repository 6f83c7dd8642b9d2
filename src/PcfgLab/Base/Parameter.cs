namespace PcfgLab.Base;

/// <summary>
/// A parameter named in a <see cref="UserInputException.ForParameters(FormattableString)"/>'s message: a property of an options type or a method's
/// argument, by its name in the library (<c>nameof</c>). A front end renders it with its own name.
/// </summary>
/// <param name="Name">
/// The library's name, for example <c>Threads</c> or <c>documentLength</c>; may be qualified by its type
/// (<c>PredictionIntervalOptions.Resamples</c>) where the bare name means different things in different places.
/// </param>
public readonly record struct Parameter(string Name)
{
    /// <summary>The bare name (without a type qualifier), as the message says it.</summary>
    public override string ToString() => Name[(Name.LastIndexOf('.') + 1)..];
}
