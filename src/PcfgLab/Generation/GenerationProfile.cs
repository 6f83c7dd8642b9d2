namespace PcfgLab.Generation;

/// <summary>How documents are sampled.</summary>
public enum GenerationProfile
{
    /// <summary>Renormalised grammar, document d a pure function of (grammar, seed, d), parallel.</summary>
    Fast,

    /// <summary>The study's reference code bit for bit: sequential, single-threaded, 255- or 256-token documents.</summary>
    Reference,
}
