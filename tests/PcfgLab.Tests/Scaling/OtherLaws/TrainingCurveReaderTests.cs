using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class TrainingCurveReaderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-curves-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Cpu_grid_records_carry_per_step_losses()
    {
        var path = Path.Combine(TestSupport.SharedFiles.RepositoryRoot, "results", "cpu-grid.jsonl");
        var curves = TrainingCurveReader.Read(path);

        Assert.Equal(96, curves.Count);
        Assert.Equal("gzipscale-0.11", curves[0].Dataset);
        Assert.Equal(968, curves[0].Parameters);
        Assert.Equal(2048, curves[0].TokensPerStep);
        Assert.Equal(49, curves[0].Losses.Count);
        Assert.Equal(2.957261, curves[0].Losses[0]);
    }

    [Fact]
    public void Missing_tokens_per_step_falls_back_to_d_over_steps()
    {
        var path = Path.Combine(_dir.FullName, "r.jsonl");
        File.WriteAllText(path, "{\"dataset\": \"a\", \"N\": 10, \"D\": 400, \"train_losses\": [3, 2, 1, 0.5]}\n{\"N\": 10, \"D\": 400}\n");

        var curve = Assert.Single(TrainingCurveReader.Read(path));
        Assert.Equal(100, curve.TokensPerStep);
    }

    [Fact]
    public void Csv_is_a_one_line_error()
    {
        var path = Path.Combine(_dir.FullName, "r.csv");
        File.WriteAllText(path, "N,D,loss\n1,2,3\n");

        var ex = Assert.Throws<UserInputException>(() => TrainingCurveReader.Read(path));
        Assert.Equal($"'{path}': Approach 1 reads run records with per-step losses as JSON Lines (.jsonl), as the sweep writes them", ex.Message);
    }
}
