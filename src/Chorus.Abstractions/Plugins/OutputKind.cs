namespace Chorus.Plugins;

/// <summary>What a model's score output holds.</summary>
public enum OutputKind
{
    /// <summary>Probabilities that sum to 1 per sample; used as they are.</summary>
    Probabilities,

    /// <summary>Unnormalised logits; the host applies a softmax.</summary>
    Logits,
}
