using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class SyntheticTrainerTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-synthetic-");

    public void Dispose() => _root.Delete(recursive: true);

    private IReadOnlyList<PlanCell> Plan()
    {
        var data = Path.Combine(_root.FullName, "data");
        SweepTestData.WriteStudyManifests(data, 11_000_000);
        return SweepPlanner.Plan(SweepSpec.Study(data) with { Tokens = [100_000, 10_000_000] }, _root.FullName);
    }

    [Fact]
    public void Records_are_labelled_synthetic_and_deterministic()
    {
        var cell = Plan()[7];
        var dataset = DatasetInfo.Read(Path.Combine(_root.FullName, "data", cell.Dataset));
        var trainer = new SyntheticTrainer();

        var a = trainer.Train(cell, dataset);
        var b = trainer.Train(cell, dataset);

        Assert.Equal("synthetic", a.Device);
        Assert.True(a.IsSynthetic);
        Assert.Null(a.TorchVersion);
        Assert.Equal(cell.CellId, a.CellId);
        Assert.Equal(cell.Parameters, a.Parameters);
        Assert.Equal(cell.Tokens, a.Tokens);
        Assert.Equal(a.FinalValidLoss, b.FinalValidLoss);
        Assert.Equal(a.TrainLosses, b.TrainLosses);
    }

    [Fact]
    public void Losses_follow_the_law_within_the_noise()
    {
        var trainer = new SyntheticTrainer();
        foreach (var cell in Plan())
        {
            var dataset = DatasetInfo.Read(Path.Combine(_root.FullName, "data", cell.Dataset));
            var record = trainer.Train(cell, dataset);
            var expected = trainer.Law.Loss(dataset.GzipMedian!.Value, cell.Parameters, cell.Tokens);

            // Multiplicative log-normal noise with sd 0.005: 5 standard deviations is about 2.5% (one in 3.5 million).
            Assert.InRange(Math.Log(record.FinalValidLoss / expected), -5 * 0.005, 5 * 0.005);

            // One loss per optimiser step: ceil(D / (batch 32 * context 256)).
            Assert.Equal((int)Math.Ceiling(cell.Tokens / 8192.0), record.TrainLosses.Count);
        }
    }

    [Fact]
    public void A_recorded_loss_floor_is_the_synthetic_E()
    {
        var cell = Plan()[7];
        var dataset = DatasetInfo.Read(Path.Combine(_root.FullName, "data", cell.Dataset));
        Assert.Null(dataset.Floor);
        var withFloor = dataset with { Floor = new DatasetFloorInfo(0.8, 0.79, 0.81, 0.79, 0.1, 0.1) };
        var trainer = new SyntheticTrainer();
        var plain = trainer.Train(cell, dataset);
        var floored = trainer.Train(cell, withFloor);

        // Same noise draw, so the ratio to each noiseless law is the same; the floored law has E = 0.8, not E(H).
        var h = dataset.GzipMedian!.Value;
        var plainRatio = plain.FinalValidLoss / trainer.Law.Loss(h, cell.Parameters, cell.Tokens);
        var flooredRatio = floored.FinalValidLoss / trainer.Law.Loss(h, cell.Parameters, cell.Tokens, 0.8);
        Assert.Equal(plainRatio, flooredRatio, 5);
        Assert.NotEqual(plain.FinalValidLoss, floored.FinalValidLoss);
        Assert.Equal(0.8 + (trainer.Law.Loss(h, 1e30, 1e30) - trainer.Law.ParametersAt(h).E), trainer.Law.Loss(h, 1e30, 1e30, 0.8), 12);
    }

    [Fact]
    public void Different_cells_get_different_noise()
    {
        var plan = Plan();
        var trainer = new SyntheticTrainer();
        var dataset = DatasetInfo.Read(Path.Combine(_root.FullName, "data", plan[0].Dataset));
        var ratios = plan.Where(c => c.Dataset == plan[0].Dataset)
            .Select(c => trainer.Train(c, dataset).FinalValidLoss / trainer.Law.Loss(dataset.GzipMedian!.Value, c.Parameters, c.Tokens))
            .ToArray();

        Assert.Equal(ratios.Length, ratios.Distinct().Count());
    }

    [Fact]
    public void Law_parameters_are_linear_in_H()
    {
        var law = SyntheticLaw.Default;
        var (e1, a1, b1, alpha1, beta1) = law.ParametersAt(0.2);
        var (e2, a2, b2, alpha2, beta2) = law.ParametersAt(0.4);
        Assert.Equal(law.ESlope * 0.2, e2 - e1, 12);
        Assert.Equal(law.ASlope * 0.2, a2 - a1, 9);
        Assert.Equal(law.BSlope * 0.2, b2 - b1, 9);
        Assert.Equal(law.AlphaSlope * 0.2, alpha2 - alpha1, 12);
        Assert.Equal(law.BetaSlope * 0.2, beta2 - beta1, 12);
    }

    [Fact]
    public void TrainPlan_writes_each_pending_cell_once_and_again_only_when_forced()
    {
        var planPath = Path.Combine(_root.FullName, "plan.jsonl");
        SweepPlanner.Write(planPath, Plan());
        var results = Path.Combine(_root.FullName, "results.jsonl");
        var trainer = new SyntheticTrainer();

        var cells = SweepPlanner.Read(planPath).Count;
        Assert.Equal(cells, trainer.TrainPlan(planPath, results));
        Assert.Equal(0, trainer.TrainPlan(planPath, results));
        Assert.Equal(1, trainer.TrainPlan(planPath, results, cellIndex: 3, force: true));

        var problems = new List<string>();
        Assert.Equal(cells, TrainingRecordStore.Read([results], problems).Count);
        Assert.Equal(cells + 1, File.ReadAllLines(results).Length);
    }
}
