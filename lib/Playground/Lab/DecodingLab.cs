using AttentionLab;
using MathNet.Numerics.LinearAlgebra;

namespace Playground.Lab;

/// <summary>One step of greedy decoding as the decoding page draws it (the inference lesson).</summary>
/// <param name="Inputs">The decoder's input at this step: &lt;s&gt; and the tokens generated before it.</param>
/// <param name="Mask">The causal mask of the decoder's self-attention, one row and column more each step.</param>
/// <param name="SelfAttention">The chosen layer and head's self-attention so far: row t was computed at step t.</param>
/// <param name="CachedKeys">The key/value cache's keys of the chosen layer and head after this step: one row per position.</param>
/// <param name="Predicted">The token the last row predicts.</param>
/// <param name="Probability">Its probability (softmax of the last row's logits).</param>
public sealed record DecodingStep(
    string[] Inputs, Matrix<double> Mask, Matrix<double> SelfAttention, Matrix<double> CachedKeys, string Predicted, double Probability);

/// <summary>Greedy decoding by the course library (<see cref="GreedyDecoder"/>, with its key/value cache), step by step.</summary>
public sealed class DecodingLab
{
    private readonly Vocabulary _vocabulary;
    private readonly Transformer _model;
    private readonly int[] _source;

    public DecodingLab(Vocabulary vocabulary, Transformer model, string source, int maxLength, int maxDecode)
    {
        _vocabulary = vocabulary;
        _model = model;
        var typed = TypedSentence.Read(vocabulary, source);
        if (typed.Ids.Length == 0)
            throw new ArgumentException("The source is empty: type one to five letters from a … h, separated by spaces.");
        Source = typed.PadTo(maxLength, PaddingSide.Right);
        _source = Source.Ids;
        Result = GreedyDecoder.Decode(model, _source, Math.Clamp(maxDecode, 1, model.Config.MaxLength));
        Tokens = vocabulary.ToTokens(Result.Tokens);
    }

    /// <summary>The padded source the encoder reads.</summary>
    public TypedSentence Source { get; }

    /// <summary>What <see cref="GreedyDecoder.Decode"/> returned.</summary>
    public GreedyDecodingResult Result { get; }

    /// <summary>The generated tokens, &lt;/s&gt; included when it came.</summary>
    public string[] Tokens { get; }

    public int Steps => Result.Steps.Count;

    /// <summary>Step <paramref name="step"/> (0-based) seen through decoder layer <paramref name="layer"/>, head <paramref name="head"/>.</summary>
    public DecodingStep At(int step, int layer, int head)
    {
        step = Math.Clamp(step, 0, Steps - 1);
        layer = Math.Clamp(layer, 0, _model.Config.DecoderLayers - 1);
        head = Math.Clamp(head, 0, _model.Config.Heads - 1);
        var inputs = _vocabulary.ToTokens([Vocabulary.Start, .. Result.Tokens.Take(step)]);

        // The cache as it stands after this step: the same steps again, one token each.
        var cache = new KeyValueCache(_model, _model.Encode(_source));
        foreach (var token in (int[])[Vocabulary.Start, .. Result.Tokens.Take(step)])
            _model.Step(cache, token);
        int width = _model.Config.ModelWidth / _model.Config.Heads;
        var keys = cache.Keys(layer).SubMatrix(0, step + 1, head * width, width);

        var logits = Result.Steps[step].Logits;
        double max = logits.Maximum();
        var exp = logits.Map(v => Math.Exp(v - max));
        return new DecodingStep(inputs, AttentionLab.Mask.Causal(step + 1).ToAdditive(), Result.SelfAttention(step, layer, head), keys,
            _vocabulary.Token(Result.Tokens[step]), exp[logits.MaximumIndex()] / exp.Sum());
    }
}
