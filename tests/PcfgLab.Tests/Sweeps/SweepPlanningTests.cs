using System.Text.Json;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class SweepPlanningTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-planning-");

    public void Dispose() => _root.Delete(recursive: true);

    private string P(string name) => Path.Combine(_root.FullName, name);

    [Fact]
    public void One_request_plans_writes_and_summarises_the_grid_with_its_overrides()
    {
        SweepTestData.WriteStudyManifests(P("data"), 110_000_000);
        var plan = SweepPlanning.Plan(new SweepPlanRequest
        {
            DataRoot = P("data"), Shapes = 2, Tokens = [100_000, 1_000_000], Seeds = [0, 1], Vocabulary = 5000, Output = P("plan.jsonl"),
        });

        Assert.Equal(6 * 2 * 2 * 2, plan.Cells.Count);
        Assert.Equal(plan.Cells.Count, plan.Pending.Count);
        Assert.Same(plan.Cells, plan.Written);
        Assert.Equal(plan.Cells.Count, SweepPlanner.Read(P("plan.jsonl")).Count);
        Assert.All(plan.Cells, c => Assert.Equal(5000, c.Vocabulary));
        using var json = JsonDocument.Parse(plan.ToJson());
        Assert.Equal(24 * 2, json.RootElement.GetProperty("cells").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("done").GetInt32());
        Assert.Equal(P("plan.jsonl"), json.RootElement.GetProperty("plan").GetString());
        Assert.Contains($"\"toolVersion\": \"{ToolInfo.Version}\"", plan.ToJson(), StringComparison.Ordinal); // '+' not escaped
    }

    [Fact]
    public void Overrides_of_a_grouped_sweep_or_zero_shapes_are_user_errors()
    {
        SweepTestData.WriteStudyManifests(P("data"), 110_000_000);
        var error = Assert.Throws<UserInputException>(() => SweepPlanning.Plan(new SweepPlanRequest { DataRoot = P("data"), Shapes = 0, Output = P("plan.jsonl") }));
        Assert.Equal("--shapes must be at least 1.", error.Message);
        Assert.False(File.Exists(P("plan.jsonl")));
    }
}
