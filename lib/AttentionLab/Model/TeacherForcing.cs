namespace AttentionLab;

/// <summary>A teacher-forcing pair: what the decoder reads and what each of its positions must predict.</summary>
/// <param name="DecoderInput">&lt;s&gt; followed by the target, padded: <c>&lt;s&gt; g f h &lt;pad&gt; …</c>.</param>
/// <param name="Targets">The target followed by &lt;/s&gt;, padded: <c>g f h &lt;/s&gt; &lt;pad&gt; …</c>.</param>
public sealed record TeacherForcingPair(int[] DecoderInput, int[] Targets);

/// <summary>Teacher forcing: the decoder reads the true target shifted right by one, so that one causally masked pass trains every position at once (lesson 05).</summary>
public static class TeacherForcing
{
    /// <summary>Shifts a target (without special tokens) into the decoder input and the targets, both padded on the right to length.</summary>
    public static TeacherForcingPair Shift(IReadOnlyList<int> target, int length)
    {
        Guard.NotNull(target, nameof(target));
        if (target.Count + 1 > length)
            throw new ArgumentException(
                $"target with <s> or </s> added must fit in length: expected at most {length - 1} tokens, actual {target.Count}.", nameof(target));
        for (int i = 0; i < target.Count; i++)
            if (target[i] is Vocabulary.Pad or Vocabulary.Start or Vocabulary.End || target[i] < 0)
                throw new ArgumentException(
                    $"target[{i}] must be an ordinary token (Shift adds <s> and </s> itself): expected an id other than <pad>, <s>, </s> and ≥ 0, actual {target[i]}.", nameof(target));
        int[] input = [Vocabulary.Start, .. target];
        int[] targets = [.. target, Vocabulary.End];
        return new TeacherForcingPair(Vocabulary.PadTo(input, length), Vocabulary.PadTo(targets, length));
    }
}
