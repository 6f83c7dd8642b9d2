using System.CommandLine;

namespace PcfgLab.Cli.Commands;

/// <summary><c>--seed</c> / <c>-s</c> of the commands that make a random grammar and its documents: parsed once into the library's <see cref="Seed"/>.</summary>
internal static class SeedOption
{
    public static Option<Seed> Create(string description) => new("--seed", "-s")
    {
        Description = description,
        DefaultValueFactory = _ => new Seed(1),
        CustomParser = result =>
        {
            try
            {
                return Seed.Parse(result.Tokens.Count == 1 ? result.Tokens[0].Value : null);
            }
            catch (UserInputException error)
            {
                result.AddError(ParameterFlags.Message(error, null));
                return default;
            }
        },
    };
}
