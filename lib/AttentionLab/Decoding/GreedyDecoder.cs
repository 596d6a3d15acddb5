using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>One step of greedy decoding: the chosen token, the scores it was chosen from, and the newest row of each self-attention head.</summary>
/// <param name="Token">The token picked (the arg-max of Logits).</param>
/// <param name="Logits">The next-token scores of the newest position.</param>
/// <param name="SelfAttentionRows">Per decoder layer, per head: the newest position's self-attention weights over positions 0..t.</param>
/// <param name="CrossAttentionRows">Per decoder layer, per head: the newest position's weights over the source.</param>
public sealed record GreedyStep(
    int Token,
    Vector<double> Logits,
    IReadOnlyList<IReadOnlyList<Vector<double>>> SelfAttentionRows,
    IReadOnlyList<IReadOnlyList<Vector<double>>> CrossAttentionRows);

/// <summary>The outcome of greedy decoding: tokens, per-step logits and attention.</summary>
/// <param name="Tokens">The generated tokens, without the leading &lt;s&gt;, with &lt;/s&gt; if it was generated.</param>
/// <param name="Steps">One entry per generated token.</param>
public sealed record GreedyDecodingResult(IReadOnlyList<int> Tokens, IReadOnlyList<GreedyStep> Steps)
{
    /// <summary>The decoder's input after the last step: &lt;s&gt; followed by every token but the last.</summary>
    public IReadOnlyList<int> DecoderInput => [Vocabulary.Start, .. Tokens.Take(Tokens.Count - 1)];

    /// <summary>
    /// The self-attention of one layer and head as it stood at a step: (step+1) × (step+1), row t being the
    /// row computed at step t; above the diagonal stays 0, the future the causal mask hides. One more row
    /// and column per step: the growing mask of lesson 07.
    /// </summary>
    public Matrix<double> SelfAttention(int step, int layer, int head)
    {
        if (step < 0 || step >= Steps.Count)
            throw new ArgumentException($"step was not decoded: expected 0 to {Steps.Count - 1}, actual {step}.", nameof(step));
        var m = Matrix<double>.Build.Dense(step + 1, step + 1);
        for (int t = 0; t <= step; t++)
        {
            var rows = Steps[t].SelfAttentionRows;
            if (layer < 0 || layer >= rows.Count)
                throw new ArgumentException($"layer is not a decoder layer: expected 0 to {rows.Count - 1}, actual {layer}.", nameof(layer));
            if (head < 0 || head >= rows[layer].Count)
                throw new ArgumentException($"head does not exist: expected 0 to {rows[layer].Count - 1}, actual {head}.", nameof(head));
            m.SetSubMatrix(t, 0, rows[layer][head].ToRowMatrix());
        }
        return m;
    }
}

/// <summary>
/// Greedy decoding: start from &lt;s&gt;, feed the model its own most likely token, stop at &lt;/s&gt; or the
/// maximum length. Only the last position predicts the next token. Every generated token is fed back as
/// a real token (no padding mask), with or without the cache. With the <see cref="KeyValueCache"/>
/// each step costs O(n); without it every step recomputes the whole prefix. Both give the same tokens (lesson 07).
/// </summary>
public static class GreedyDecoder
{
    /// <summary>
    /// Decodes the source. maxLength caps the generated tokens (at most the model's maximum length);
    /// stopAtEnd = false keeps going after &lt;/s&gt;, for measurements that need a fixed number of steps.
    /// </summary>
    public static GreedyDecodingResult Decode(
        Transformer model, IReadOnlyList<int> sourceIds, int maxLength, bool useCache = true, bool stopAtEnd = true)
    {
        Guard.NotNull(model, nameof(model));
        if (maxLength < 1 || maxLength > model.Config.MaxLength)
            throw new ArgumentException(
                $"maxLength must fit the model's maximum length: expected 1 to {model.Config.MaxLength}, actual {maxLength}.", nameof(maxLength));
        var encoder = model.Encode(sourceIds);
        var cache = useCache ? new KeyValueCache(model, encoder) : null;
        var decoderInput = new List<int> { Vocabulary.Start };
        var tokens = new List<int>();
        var steps = new List<GreedyStep>();
        while (tokens.Count < maxLength)
        {
            GreedyStep step;
            if (cache is not null)
            {
                var cached = model.Step(cache, decoderInput[^1]);
                step = Make(cached.Logits, cached.Layers, lastRow: 0);
            }
            else
            {
                // Generated tokens are all real, even a (rare) predicted <pad>: no target padding mask,
                // exactly what the cache sees.
                var pass = model.DecodeEmbedded(encoder, model.EmbedTarget(decoderInput), new bool[decoderInput.Count]);
                int last = pass.Logits.RowCount - 1;
                step = Make(pass.Logits.Row(last), pass.Layers, last);
            }
            steps.Add(step);
            tokens.Add(step.Token);
            if (stopAtEnd && step.Token == Vocabulary.End) break;
            decoderInput.Add(step.Token);
        }
        return new GreedyDecodingResult(tokens, steps);
    }

    private static GreedyStep Make(Vector<double> logits, IReadOnlyList<DecoderLayerResult> layers, int lastRow)
    {
        IReadOnlyList<IReadOnlyList<Vector<double>>> Rows(Func<DecoderLayerResult, MultiHeadAttentionResult> pick) =>
            layers.Select(l => (IReadOnlyList<Vector<double>>)pick(l).HeadWeights.Select(w => w.Row(lastRow)).ToArray()).ToArray();
        return new GreedyStep(logits.MaximumIndex(), logits, Rows(l => l.SelfAttention), Rows(l => l.CrossAttention));
    }
}
