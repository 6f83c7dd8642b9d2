using System.Diagnostics;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class CellClaimTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-claim-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Results => Path.Combine(_root.FullName, "results.jsonl");

    [Theory]
    [InlineData("gzipscale-0.11/h64/D100000", "gzipscale-0.11_h64_D100000-9229b83ba6e7bfbc.lock")]
    [InlineData("a bé/../x", "a_b__.._x-e75dc5ee3ad17c18.lock")]
    public void Lock_file_names_keep_the_ids_safe_characters_and_add_its_hash(string cellId, string expected)
    {
        // The hashes are the first 16 hex digits of Python's hashlib.sha256(cell_id.encode()).
        Assert.Equal(expected, CellClaim.LockFileName(cellId));
        Assert.Equal(64 + 1 + 16 + 5, CellClaim.LockFileName(new string('x', 200)).Length);
    }

    [Fact]
    public void A_claimed_cell_is_refused_naming_its_holder_until_released()
    {
        using (var first = CellClaim.TryAcquire(Results, "c1", "run A", out _))
        {
            Assert.NotNull(first);
            Assert.Equal(Path.Combine(Results + ".claims", CellClaim.LockFileName("c1")), first.LockPath);

            Assert.Null(CellClaim.TryAcquire(Results, "c1", "run B", out var holder));
            Assert.StartsWith("run A, cell c1, since ", holder, StringComparison.Ordinal);
            using var other = CellClaim.TryAcquire(Results, "c2", "run B", out _);
            Assert.NotNull(other); // claims are per cell
        }

        using var again = CellClaim.TryAcquire(Results, "c1", "run B", out _);
        Assert.NotNull(again);
    }

    [Fact]
    public void A_trainer_started_holding_the_claim_keeps_it_when_its_starter_lets_go()
    {
        // What kill -9 of sweep train does to the claim: the starter's hold ends, the trainer's does not.
        var claim = CellClaim.TryAcquire(Results, "c1", "run A", out _)!;
        using var trainer = new Process
        {
            StartInfo = new ProcessStartInfo("sh") { ArgumentList = { "-c", "echo \"$" + CellClaim.EnvironmentVariable + "\"; exec sleep 60" }, RedirectStandardOutput = true },
        };
        claim.StartHolding(trainer);
        try
        {
            Assert.Equal(claim.LockPath, trainer.StandardOutput.ReadLine());
            claim.Dispose();

            Assert.Null(CellClaim.TryAcquire(Results, "c1", "run B", out _));
        }
        finally
        {
            trainer.Kill();
            trainer.WaitForExit();
        }

        using var after = CellClaim.TryAcquire(Results, "c1", "run B", out _);
        Assert.NotNull(after);
    }
}
