using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class LlamaShapeTests
{
    // Counted by hand as Hugging Face counts LlamaForCausalLM (untied V*h embedding and lm_head, 4h^2 attention,
    // 3hi MLP and 2h norms per layer, final norm h), with V = 32001, and checked against the study's smallest and
    // largest models (4,178,368 and 1,389,492,224).
    [Theory]
    [InlineData(64, 128, 2, 1, 4_178_368L)]
    [InlineData(128, 256, 4, 2, 8_848_768L)]
    [InlineData(256, 512, 6, 4, 20_320_000L)]
    [InlineData(512, 1024, 10, 8, 58_994_176L)]
    [InlineData(1024, 2048, 20, 16, 275_295_232L)]
    [InlineData(2048, 4096, 30, 32, 1_389_492_224L)]
    public void ParameterCount_matches_the_hugging_face_count_for_the_study_shapes(int hidden, int intermediate, int layers, int heads, long expected)
    {
        Assert.Equal(expected, new LlamaShape(hidden, intermediate, layers, heads).ParameterCount(LlamaShape.StudyVocabulary));
    }

    [Fact]
    public void Study_lists_the_six_shapes_smallest_first()
    {
        Assert.Equal(6, LlamaShape.Study.Count);
        Assert.Equal(new LlamaShape(64, 128, 2, 1), LlamaShape.Study[0]);
        Assert.Equal(new LlamaShape(2048, 4096, 30, 32), LlamaShape.Study[^1]);
    }

    [Fact]
    public void ParameterCount_with_a_grammar_vocabulary_only_changes_the_embedding_terms()
    {
        var shape = new LlamaShape(64, 128, 2, 1);
        Assert.Equal(4_178_368L - (2L * (32001 - 20) * 64), shape.ParameterCount(20));
    }

    [Fact]
    public void Validate_rejects_heads_that_do_not_divide_hidden()
    {
        var ex = Assert.Throws<UserInputException>(() => new LlamaShape(64, 128, 2, 3).Validate());
        Assert.Contains("divide", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_is_file_name_safe()
    {
        Assert.Equal("h64-i128-l2-a1", new LlamaShape(64, 128, 2, 1).Label);
    }
}
