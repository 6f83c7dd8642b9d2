using System.CommandLine;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab grammar survey</c>: gzip compressibility against the entropy rate across grammars.</summary>
internal static class GrammarSurveyCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--out", "-o") { Description = "Folder for survey.md and figures/.", Required = true };
        var random = new Option<int>("--random") { Description = "Random specs besides the presets.", DefaultValueFactory = _ => 24 };
        var randomSeed = new Option<ulong>("--random-seed") { Description = "Seed of the random specs.", DefaultValueFactory = _ => 1 };
        var sentences = new Option<int>("--sentences") { Description = "Sentences of each entropy-rate estimate.", DefaultValueFactory = _ => 4000 };
        var gzipDocs = new Option<int>("--gzip-docs") { Description = "Documents of each gzip median.", DefaultValueFactory = _ => PcfgLab.Compression.GzipSample.DefaultDocuments };
        var threads = new Option<int>("--threads") { Description = "Worker threads (the results do not depend on it).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("survey", "Gzip compressibility against the entropy rate across the presets (study presets at seeds 1-3) and random specs: table, correlations, figures.");
        foreach (var option in new Option[] { output, random, randomSeed, sentences, gzipDocs, threads })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(random) < 0 || parse.GetValue(gzipDocs) < 1)
            {
                throw new UserInputException("--random must be zero or positive and --gzip-docs positive.");
            }

            var grammars = PcfgLab.Analysis.ComplexitySurvey.DefaultGrammars(parse.GetValue(random), parse.GetValue(randomSeed));
            var result = PcfgLab.Analysis.ComplexitySurvey.Run(grammars, parse.GetValue(gzipDocs), parse.GetValue(sentences), parse.GetValue(threads), progress: new SyncProgress(context.Error), cancellationToken: cancellationToken);
            var markdown = PcfgLab.Reporting.ComplexitySurveyReport.Write(result, parse.GetValue(output)!);
            context.Output.Write(markdown);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Writes progress lines at once, on the calling thread (Progress&lt;T&gt; would post them later).</summary>
    private sealed class SyncProgress(TextWriter writer) : IProgress<string>
    {
        public void Report(string value) => writer.WriteLine(value);
    }
}
