using AttentionLab;

namespace Playground.Lab;

/// <summary>A typed sentence as the model reads it: ids, and the words as typed (an unknown word reads &lt;unk&gt; but keeps its label).</summary>
public sealed record TypedSentence(int[] Ids, string[] Labels)
{
    /// <summary>The words of <paramref name="text"/> (split at spaces), each a token of the vocabulary or &lt;unk&gt;.</summary>
    public static TypedSentence Read(Vocabulary vocabulary, string? text)
    {
        var words = (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var ids = words.Select(w => vocabulary.Contains(w) ? vocabulary.Id(w) : Vocabulary.Unknown).ToArray();
        return new TypedSentence(ids, words);
    }

    /// <summary>The words the vocabulary does not know (read as &lt;unk&gt;).</summary>
    public IEnumerable<string> Unknown => Labels.Where((_, i) => Ids[i] == Vocabulary.Unknown && Labels[i] != Vocabulary.UnknownToken);

    /// <summary>Padded to <paramref name="length"/> on <paramref name="side"/>: ids and labels (&lt;pad&gt; for the padding).</summary>
    public TypedSentence PadTo(int length, PaddingSide side)
    {
        var ids = Vocabulary.PadTo(Ids, length, side);
        var labels = new string[length];
        int offset = side == PaddingSide.Left ? length - Ids.Length : 0;
        for (int i = 0; i < length; i++)
            labels[i] = i >= offset && i < offset + Ids.Length ? Labels[i - offset] : Vocabulary.PadToken;
        return new TypedSentence(ids, labels);
    }

    /// <summary>&lt;s&gt; in front: the decoder's input.</summary>
    public TypedSentence WithStart() => new([Vocabulary.Start, .. Ids], [Vocabulary.StartToken, .. Labels]);
}
