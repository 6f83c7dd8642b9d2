using PcfgLab.Sweeps;
using PcfgLab.Tests.TestSupport;

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

    [Fact]
    public void The_small_profile_is_the_study_with_the_scanned_rate_a_warmup_and_batch_8()
    {
        var small = TrainingSettings.Small;
        Assert.Equal(("small", 256, 8, 1e-2, 32, "cosine", 10, 1, 0.0), (small.Profile, small.Context, small.BatchSize, small.LearningRate, small.LearningRateHidden, small.Schedule, small.WarmupSteps, small.Epochs, small.WeightDecay));
        Assert.Equal(("study", 0.0), (TrainingSettings.Study.Profile, TrainingSettings.Study.WeightDecay));
        Assert.Same(small, TrainingSettings.ForProfile("small"));
        Assert.Same(TrainingSettings.Study, TrainingSettings.ForProfile("study"));
        small.Validate();
    }

    [Fact]
    public void The_width_rule_scales_the_rate_inversely_with_hidden_and_the_study_has_none()
    {
        Assert.Equal(2e-2, TrainingSettings.Small.ForShape(new LlamaShape(16, 32, 1, 1)).LearningRate, 15);
        Assert.Equal(1e-2, TrainingSettings.Small.ForShape(new LlamaShape(32, 64, 2, 1)).LearningRate, 15);
        Assert.Equal(1e-2 / 3, TrainingSettings.Small.ForShape(new LlamaShape(96, 192, 3, 2)).LearningRate, 15);
        Assert.Same(TrainingSettings.Study, TrainingSettings.Study.ForShape(new LlamaShape(512, 1024, 10, 8)));
        Assert.Throws<UserInputException>((TrainingSettings.Small with { LearningRateHidden = 0 }).Validate);
    }

    [Fact]
    public void An_unknown_profile_is_a_user_error_naming_the_known_ones()
    {
        var ex = Assert.Throws<UserInputException>(() => TrainingSettings.ForProfile("fast"));
        Assert.Contains("use study", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("weight decay")]
    [InlineData("schedule")]
    [InlineData("learning rate")]
    [InlineData("validation fraction")]
    [InlineData("validation documents")]
    [InlineData("batch size")]
    public void Validate_refuses_out_of_range_settings(string what)
    {
        var settings = what switch
        {
            "schedule" => TrainingSettings.Study with { Schedule = "linear" },
            "learning rate" => TrainingSettings.Study with { LearningRate = 0 },
            "weight decay" => TrainingSettings.Study with { WeightDecay = -0.1 },
            "validation fraction" => TrainingSettings.Study with { ValidationFraction = 0.5 },
            "validation documents" => TrainingSettings.Study with { ValidationDocuments = 0 },
            _ => TrainingSettings.Study with { BatchSize = 0 },
        };

        var ex = Assert.Throws<UserInputException>(settings.Validate);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_documents_hold_out_that_many_documents_and_the_fraction_applies_without_them()
    {
        // The CPU grid's datasets: 4,000,000 tokens in 15,625 documents of 256.
        Assert.Equal(3_960_000, TrainingSettings.Study.TrainingTokens(4_000_000, 15_625));
        Assert.Equal(3_744_000, (TrainingSettings.Study with { ValidationDocuments = 1000 }).TrainingTokens(4_000_000, 15_625));
        Assert.Equal(256, (TrainingSettings.Study with { ValidationDocuments = 1000 }).TrainingTokens(1024, 4)); // one document is left to train
        Assert.Equal(4_000_000, (TrainingSettings.Study with { ValidationDocuments = 1000 }).TrainingTokens(4_000_000, null));
        Assert.Equal("the 1000-document validation split", (TrainingSettings.Study with { ValidationDocuments = 1000 }).ValidationSplitName);
        Assert.Equal("the 1 % validation split", TrainingSettings.Study.ValidationSplitName);
    }

    [Fact]
    public void Validation_documents_are_written_to_the_plan_only_when_set()
    {
        var plain = System.Text.Json.JsonSerializer.Serialize(TrainingSettings.Study, SweepJson.Default.TrainingSettings);
        Assert.DoesNotContain("validation_documents", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("ValidationSplitName", plain, StringComparison.Ordinal); // a message, not a setting: the committed plans stay byte-identical
        var set = System.Text.Json.JsonSerializer.Serialize(TrainingSettings.Study with { ValidationDocuments = 1000 }, SweepJson.Default.TrainingSettings);
        Assert.Contains("\"validation_documents\":1000", set, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_fallback_of_the_torch_adapter_is_a_key_pcfglab_writes_with_the_same_value()
    {
        // train_cell.py reads the plan line's "training" object and falls back (in one place, TRAINING_FALLBACKS) only
        // for keys an older plan lacks: a current plan must carry every one of them, with these very defaults.
        var script = File.ReadAllText(Path.Combine(SharedFiles.RepositoryRoot, "src", "trainers", "torch", "train_cell.py"));
        var block = System.Text.RegularExpressions.Regex.Match(script, @"TRAINING_FALLBACKS = (\{[^}]*\})").Groups[1].Value;
        using var fallbacks = System.Text.Json.JsonDocument.Parse(block);
        using var written = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(TrainingSettings.Study, SweepJson.Default.TrainingSettings));

        Assert.Equal(9, fallbacks.RootElement.EnumerateObject().Count());
        foreach (var fallback in fallbacks.RootElement.EnumerateObject())
        {
            Assert.True(written.RootElement.TryGetProperty(fallback.Name, out var value), $"pcfglab does not write '{fallback.Name}'");
            if (fallback.Value.ValueKind == System.Text.Json.JsonValueKind.Number)
            {
                Assert.Equal(fallback.Value.GetDouble(), value.GetDouble());
            }
            else
            {
                Assert.Equal(fallback.Value.GetString(), value.GetString());
            }
        }
    }
}
