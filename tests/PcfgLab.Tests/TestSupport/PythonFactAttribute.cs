namespace PcfgLab.Tests.TestSupport;

/// <summary>A fact that runs python3; skipped, with the reason, where python3 is not on PATH.</summary>
internal sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (ReferencePython.Executable is null)
        {
            Skip = "needs python3 on PATH to run src/trainers/torch/train_cell.py";
        }
    }
}
