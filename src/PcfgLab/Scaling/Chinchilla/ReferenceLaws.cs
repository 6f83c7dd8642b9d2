namespace PcfgLab.Scaling;

/// <summary>Published Chinchilla laws used as references for frontier crossings.</summary>
public static class ReferenceLaws
{
    /// <summary>
    /// Besiroglu et al. 2024 ("Chinchilla Scaling: A replication attempt"), Epoch AI's refit of Hoffmann et al.'s
    /// Approach 3 on the digitised data: E = 1.82, A = 482.01, B = 2085.43, alpha = 0.3478, beta = 0.3658
    /// (allocation exponent a = 0.5126, close to Approaches 1 and 2).
    /// </summary>
    public static ChinchillaParameters Besiroglu2024 { get; } = new(1.82, 482.01, 2085.43, 0.3478, 0.3658);

    /// <summary>Resolves a reference by name: <c>epoch</c> (Besiroglu et al. 2024), <c>hoffmann</c> (Hoffmann et al. 2022), or E,A,B,alpha,beta.</summary>
    /// <exception cref="UserInputException">Neither a name nor five positive numbers.</exception>
    public static ChinchillaParameters Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (text.Trim().ToLowerInvariant())
        {
            case "epoch":
            case "besiroglu2024":
                return Besiroglu2024;
            case "hoffmann":
            case "hoffmann2022":
            case "chinchilla":
                return ChinchillaParameters.Hoffmann2022;
        }

        var parts = text.Split(',');
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i]) || !(values[i] > 0) || !double.IsFinite(values[i]))
            {
                values = [];
                break;
            }
        }

        if (values.Length != 5)
        {
            throw UserInputException.ForParameters($"{new Parameter("reference")} '{text}': expected epoch, hoffmann or five positive numbers E,A,B,alpha,beta");
        }

        return new ChinchillaParameters(values[0], values[1], values[2], values[3], values[4]);
    }
}
