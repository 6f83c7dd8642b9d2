using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class TrainingSettingsTests
{
    [Fact]
    public void Study_settings_are_the_papers()
    {
        var study = TrainingSettings.Study;
        Assert.Equal((256, 32, 5e-5, "cosine", 0, 1), (study.Context, study.BatchSize, study.LearningRate, study.Schedule, study.WarmupSteps, study.Epochs));
        study.Validate();
    }

    [Theory]
    [InlineData("schedule")]
    [InlineData("learning rate")]
    [InlineData("validation fraction")]
    [InlineData("batch size")]
    public void Validate_refuses_out_of_range_settings(string what)
    {
        var settings = what switch
        {
            "schedule" => TrainingSettings.Study with { Schedule = "linear" },
            "learning rate" => TrainingSettings.Study with { LearningRate = 0 },
            "validation fraction" => TrainingSettings.Study with { ValidationFraction = 0.5 },
            _ => TrainingSettings.Study with { BatchSize = 0 },
        };

        var ex = Assert.Throws<UserInputException>(settings.Validate);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }
}
