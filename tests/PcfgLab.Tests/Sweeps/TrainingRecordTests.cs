using System.Text.Json;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class TrainingRecordTests
{
    private static TrainingRecord Parse(string extra) => JsonSerializer.Deserialize(
        $$"""{"cell_id":"c","dataset":"d","N":10,"D":100,"final_valid_loss":1.5,"device":"cpu"{{extra}}}""",
        SweepJson.Default.TrainingRecord)!;

    [Fact]
    public void The_validation_documents_and_their_losses_are_read_and_expanded()
    {
        var record = Parse(""","valid_document_ranges":[[5,8],[10,11]],"valid_document_losses":[1.25,1.5,null,2.0]""");

        Assert.Equal([5L, 6, 7, 10], record.ValidDocumentIndices());
        Assert.Equal([1.25, 1.5, null, 2.0], record.ValidDocumentLosses);
    }

    [Fact]
    public void Older_records_have_no_validation_documents()
    {
        var record = Parse(string.Empty);

        Assert.Null(record.ValidDocumentRanges);
        Assert.Null(record.ValidDocumentIndices());
        Assert.DoesNotContain("valid_document", JsonSerializer.Serialize(record, SweepJson.Default.TrainingRecord), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[[5,8]]""", "[1,2]")] // three documents, two losses
    [InlineData("""[[5,7]]""", "[1,2,3]")] // two documents, three losses
    [InlineData("""[[5,5]]""", "[]")] // an empty range
    [InlineData("""[[-1,1]]""", "[1,2]")]
    [InlineData("""[[5,7],[6,8]]""", "[1,2,3,4]")] // overlapping
    [InlineData("""[[5,7,9]]""", "[1,2]")]
    public void Damaged_fields_give_no_indices(string ranges, string losses)
    {
        var record = Parse($$""","valid_document_ranges":{{ranges}},"valid_document_losses":{{losses}}""");

        Assert.Null(record.ValidDocumentIndices());
    }
}
