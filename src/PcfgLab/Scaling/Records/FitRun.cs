namespace PcfgLab.Scaling;

/// <summary>
/// One training run: the dataset it was trained on, parameters N, training tokens D, the final loss, and
/// optionally the dataset's gzip compressibility H (median ratio) and training compute C.
/// </summary>
/// <param name="Dataset">Dataset name (empty when the input has no dataset column).</param>
/// <param name="Parameters">Model parameters N (positive).</param>
/// <param name="Tokens">Training tokens D (positive).</param>
/// <param name="Loss">Final loss L (positive).</param>
/// <param name="Compressibility">Median gzip compressibility H of the dataset, when known.</param>
/// <param name="Flops">Training compute C; 6ND when the input gives none.</param>
/// <param name="Row">1-based data row number in the input (header excluded), for messages.</param>
public sealed record FitRun(string Dataset, double Parameters, double Tokens, double Loss, double? Compressibility, double Flops, int Row)
{
    /// <summary>Creates a run with C = 6ND and no compressibility.</summary>
    public FitRun(string dataset, double parameters, double tokens, double loss)
        : this(dataset, parameters, tokens, loss, null, 6 * parameters * tokens, 0)
    {
    }
}
