using AttentionLab;
using MathNet.Numerics.LinearAlgebra;

namespace Playground.Lab;

/// <summary>Which attention of the encoder–decoder the masks page shows (the first lesson's three attentions).</summary>
public enum AttentionKind { Encoder, Decoder, Cross }

/// <summary>Which masks are on.</summary>
public enum MaskChoice { None, Padding, Causal, Both }

/// <summary>What the learner set on the masks page.</summary>
public sealed record MaskInputs(
    string Source = "a b c", string Target = "g f h", int MaxLength = 5, PaddingSide Side = PaddingSide.Right,
    AttentionKind Attention = AttentionKind.Encoder, MaskChoice Masks = MaskChoice.Padding, int Head = 0)
{
    public bool Padding => Masks is MaskChoice.Padding or MaskChoice.Both;

    public bool Causal => Masks is MaskChoice.Causal or MaskChoice.Both;
}

/// <summary>One attention as the masks page draws it: the tokens, the mask and, for the chosen head, scores → masked scores → weights.</summary>
public sealed record MaskView(
    MaskInputs Inputs, string[] Queries, string[] Keys, bool[] KeyIsPad, Matrix<double> Mask,
    Matrix<double> Scores, Matrix<double> MaskedScores, Matrix<double> Weights, IReadOnlyList<int> FullyMaskedRows)
{
    /// <summary>The PAD keys' columns.</summary>
    public int PadKeys => KeyIsPad.Count(p => p);

    /// <summary>The largest weight any query gives a PAD key.</summary>
    public double MaxPadWeight => Max((i, j) => KeyIsPad[j]);

    /// <summary>The largest weight above the diagonal (a query looking at a later key).</summary>
    public double MaxFutureWeight => Max((i, j) => j > i);

    private double Max(Func<int, int, bool> where)
    {
        double max = 0;
        for (int i = 0; i < Weights.RowCount; i++)
            for (int j = 0; j < Weights.ColumnCount; j++)
                if (where(i, j)) max = Math.Max(max, Weights[i, j]);
        return max;
    }
}

/// <summary>
/// The masks page's sums, all by the course library: the trained model's first layer (data/reverse-model.json)
/// embeds the sentences, and its multi-head attention computes each head's scores, masked scores and weights
/// under the masks the learner chose (<see cref="AttentionLab.Mask"/>). A fully masked row gets zeros, as
/// PyTorch ≥ 2.5 does (the pitfalls lesson on the numbers behind a mask).
/// </summary>
public static class MaskLab
{
    public static MaskView Compute(Vocabulary vocabulary, Transformer model, MaskInputs inputs)
    {
        if (inputs.MaxLength < 1 || inputs.MaxLength > model.Config.MaxLength)
            throw new ArgumentException($"The maximum length must be 1 to {model.Config.MaxLength}; it is {inputs.MaxLength}.");
        var source = Read(vocabulary, inputs.Source, "source").PadTo(inputs.MaxLength, inputs.Side);
        var target = Read(vocabulary, inputs.Target, "target").WithStart().PadTo(inputs.MaxLength, inputs.Side);
        int head = Math.Clamp(inputs.Head, 0, model.Config.Heads - 1);
        const FullyMaskedRowPolicy policy = Policy;

        MultiHeadAttentionResult result;
        TypedSentence queries, keys;
        Mask mask;
        switch (inputs.Attention)
        {
            case AttentionKind.Encoder:
            {
                var layer = model.EncoderLayers[0];
                (queries, keys, mask, result) = Self(layer.SelfAttention, layer.NormFirst ? layer.Norm1 : null, model.EmbedSource(source.Ids), source, inputs);
                break;
            }
            case AttentionKind.Decoder:
            {
                var layer = model.DecoderLayers[0];
                (queries, keys, mask, result) = Self(layer.SelfAttention, layer.NormFirst ? layer.Norm1 : null, model.EmbedTarget(target.Ids), target, inputs);
                break;
            }
            default:
            {
                // Queries: the decoder's states after its own (causal + padding) self-attention sublayer;
                // keys and values: the encoder's output, the memory.
                var memory = model.EncodeEmbedded(model.EmbedSource(source.Ids), source.Ids.Select(Vocabulary.IsPad).ToArray()).Memory;
                var layer = model.DecoderLayers[0];
                var x = model.EmbedTarget(target.Ids);
                var self = AttentionLab.Mask.Causal(x.RowCount) & AttentionLab.Mask.Padding(target.Ids);
                Matrix<double> query;
                if (layer.NormFirst)
                {
                    var y = x + layer.SelfAttention.Forward(layer.Norm1.Forward(x), layer.Norm1.Forward(x), layer.Norm1.Forward(x), self, policy).Output;
                    query = layer.Norm2.Forward(y);
                }
                else
                {
                    query = layer.Norm1.Forward(x + layer.SelfAttention.Forward(x, x, x, self, policy).Output);
                }
                (queries, keys) = (target, source);
                // Cross-attention has no causal mask (the cross-attention lesson): only the source's padding can be hidden.
                mask = inputs.Padding
                    ? AttentionLab.Mask.KeyPadding(source.Ids.Select(Vocabulary.IsPad).ToArray(), target.Ids.Length)
                    : AttentionLab.Mask.All(target.Ids.Length, source.Ids.Length);
                result = layer.CrossAttention.Forward(query, memory, memory, mask, policy);
                break;
            }
        }

        return new MaskView(inputs with { Head = head }, queries.Labels, keys.Labels, keys.Ids.Select(Vocabulary.IsPad).ToArray(),
            mask.ToAdditive(), result.HeadScores[head], result.HeadMaskedScores[head], result.HeadWeights[head], mask.FullyMaskedRows());
    }

    private const FullyMaskedRowPolicy Policy = FullyMaskedRowPolicy.Zeros;

    /// <summary>A self-attention (the layer's first sublayer: its input, normalised first in a pre-norm layer) under the chosen masks.</summary>
    private static (TypedSentence, TypedSentence, Mask, MultiHeadAttentionResult) Self(
        MultiHeadAttention attention, LayerNorm? normFirst, Matrix<double> embedded, TypedSentence sentence, MaskInputs inputs)
    {
        var x = normFirst is null ? embedded : normFirst.Forward(embedded);
        var mask = Choose(inputs, sentence.Ids.Length, sentence.Ids.Length, sentence.Ids);
        return (sentence, sentence, mask, attention.Forward(x, x, x, mask, Policy));
    }

    private static Mask Choose(MaskInputs inputs, int queries, int keys, int[] keyIds)
    {
        var mask = AttentionLab.Mask.All(queries, keys);
        if (inputs.Padding) mask &= AttentionLab.Mask.Padding(keyIds);
        if (inputs.Causal) mask &= AttentionLab.Mask.Causal(queries);
        return mask;
    }

    private static TypedSentence Read(Vocabulary vocabulary, string text, string name)
    {
        var sentence = TypedSentence.Read(vocabulary, text);
        if (sentence.Ids.Length == 0)
            throw new ArgumentException($"The {name} is empty: type at least one word (tokens a … z, separated by spaces).");
        return sentence;
    }

    /// <summary>
    /// What changed between two views, in words: which mask went on or off and what that did to the weights,
    /// or what the new sentence, length, padding side, attention or head changed.
    /// </summary>
    public static string Describe(MaskView? before, MaskView now)
    {
        var i = now.Inputs;
        var said = new List<string>();
        var b = before?.Inputs;
        if (b is null)
        {
            said.Add(Summary(now));
        }
        else
        {
            if (b.Attention != i.Attention) said.Add(Summary(now));
            if (b.Padding != i.Padding && i.Padding)
                said.Add(now.PadKeys == 0
                    ? "The padding mask is on, but there is no PAD key to hide: raise the maximum length."
                    : $"The padding mask is on: the {Count(now.PadKeys, "PAD key column")} became −∞, so PAD keys now get weight exactly 0.");
            if (b.Padding != i.Padding && !i.Padding)
                said.Add($"The padding mask is off: PAD keys now take weight (up to {now.MaxPadWeight:0.00} in a row) — real tokens read the padding.");
            if (i.Attention != AttentionKind.Cross && b.Causal != i.Causal && i.Causal)
                said.Add("The causal mask is on: every cell above the diagonal became −∞, so no position sees a later one (weight exactly 0).");
            if (i.Attention != AttentionKind.Cross && b.Causal != i.Causal && !i.Causal)
                said.Add($"The causal mask is off: the cells above the diagonal now get weight (up to {now.MaxFutureWeight:0.00}) — each position sees the future.");
            if (b.Source != i.Source && i.Attention != AttentionKind.Decoder || b.Target != i.Target && i.Attention != AttentionKind.Encoder)
                said.Add($"New tokens: {string.Join(" ", now.Keys)} — the scores change, {(i.Masks == MaskChoice.None ? "and no mask hides anything" : "the mask follows the PAD and the positions")}.");
            if (b.MaxLength != i.MaxLength)
                said.Add($"Padded to {i.MaxLength}: {Count(now.PadKeys, "PAD key")}{(i.Padding ? ", each with weight exactly 0" : ", none of them hidden")}.");
            if (b.Side != i.Side)
                said.Add($"The PAD now sits on the {i.Side.ToString().ToLowerInvariant()}: the hidden columns move with it.");
            if (b.Head != i.Head)
                said.Add($"Head {i.Head}: other scores and weights, the same mask — a mask never depends on the head.");
            if (said.Count == 0) said.Add(Summary(now));
        }
        if (now.FullyMaskedRows.Count > 0)
            said.Add($"Row{(now.FullyMaskedRows.Count > 1 ? "s" : "")} {string.Join(", ", now.FullyMaskedRows.Select(r => now.Queries[r]))} "
                     + "see no key at all: a plain softmax would give NaN; here they get zeros, as PyTorch ≥ 2.5 does (the pitfalls lesson on the numbers behind a mask).");
        return string.Join(" ", said);
    }

    private static string Summary(MaskView v)
    {
        var i = v.Inputs;
        string what = i.Attention switch
        {
            AttentionKind.Encoder => "Encoder self-attention: every source token reads every source token",
            AttentionKind.Decoder => "Decoder self-attention over <s> + target",
            _ => "Cross-attention: each decoder position (row) reads the encoder's output for each source token (column)",
        };
        string masks = (i.Attention, i.Padding, i.Causal) switch
        {
            (AttentionKind.Cross, true, _) => $"the source's padding mask hides {Count(v.PadKeys, "PAD key")} (weight exactly 0); cross-attention has no causal mask",
            (AttentionKind.Cross, false, _) => "no mask: PAD source keys take weight too; cross-attention has no causal mask",
            (_, true, true) => $"the combined mask hides the future and {Count(v.PadKeys, "PAD key")} (weight exactly 0)",
            (_, true, false) => $"the padding mask hides {Count(v.PadKeys, "PAD key")} (weight exactly 0)",
            (_, false, true) => "the causal mask hides every later position (weight exactly 0 above the diagonal)",
            _ => "no mask: every query reads every key, PAD and future included",
        };
        return $"{what}; {masks}.";
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
