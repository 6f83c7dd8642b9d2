using System.Diagnostics;
using System.Text;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

/// <summary>
/// Seeded fuzzing of the results-file reader: mutated JSON Lines never throw; each line is a usable record or a
/// skipped line described in one line of the problems list.
/// </summary>
public sealed partial class TrainingRecordStoreTests
{
    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "NaN", "\"NaN\"", "\"Infinity\"", "1e400", "-1", "0", "1.5",
        "9223372036854775808", "2147483648", "\"cell_id\"", "\"N\"", "\"D\"", "\"final_valid_loss\"", "\"train_losses\"", "\"cell_index\"",
        "\"dataset\"", "\"H\"", "\n", "\r\n", " ", "\0", "\uFEFF", "é", "\"\\u0000\"", "\"\\ud800\"", "{}", "[]", "\"x\"",
    ];

    public static TheoryData<int> FuzzSeeds() => [1, 2, 3];

    [Theory]
    [MemberData(nameof(FuzzSeeds))]
    public void Mutated_results_files_never_throw_and_describe_each_skipped_line(int seed)
    {
        var path = Path.Combine(_root.FullName, $"fuzz-{seed}.jsonl");
        File.Delete(path);
        TrainingRecordStore.Append(path, Record("c0", 1_000_000, 20_000_000, 3.25) with { CellIndex = 0, GzipMedian = 0.4375, TrainLosses = [4.0, 3.5], Seed = 7 });
        TrainingRecordStore.Append(path, Record("c1", 2_000_000, 40_000_000, 2.875));
        var valid = File.ReadAllText(path);
        var random = new Random(seed);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 3000 && watch.Elapsed < TimeSpan.FromSeconds(3); i++)
        {
            var text = valid;
            for (var m = 0; m < 1 + random.Next(4); m++)
            {
                var at = random.Next(text.Length + 1);
                var fragment = Fragments[random.Next(Fragments.Length)];
                text = random.Next(3) switch
                {
                    0 => text.Insert(at, fragment),
                    1 => text[..at],
                    _ => at < text.Length ? string.Concat(text.AsSpan(0, at), fragment, text.AsSpan(at + 1)) : text + fragment,
                };
            }

            File.WriteAllText(path, text, new UTF8Encoding(false));
            var problems = new List<string>();
            IReadOnlyList<TrainingRecord> records;
            try
            {
                records = TrainingRecordStore.Read([path], problems);
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, case {i}: {ex.GetType().Name}: {ex.Message}\ninput: {Escape(text)}\n{ex.StackTrace}");
                return;
            }

            Assert.All(problems, p => Assert.True(!p.Contains('\n', StringComparison.Ordinal) && p.StartsWith(path + ":", StringComparison.Ordinal), $"seed {seed}, case {i}: {Escape(p)}"));
            Assert.All(records, r => Assert.True(r.CellId is not null && r.Dataset is not null && r.Parameters > 0 && r.Tokens > 0 && double.IsFinite(r.FinalValidLoss) && r.FinalValidLoss > 0,
                $"seed {seed}, case {i}: unusable record read\ninput: {Escape(text)}"));
        }
    }

    private static string Escape(string text) =>
        new StringBuilder(text.Length > 600 ? text[..600] + "..." : text).Replace("\n", "\\n").Replace("\r", "\\r").Replace("\0", "\\0").ToString();
}
