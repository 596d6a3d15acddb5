namespace AttentionLab;

/// <summary>One example of a sequence-to-sequence task: the source ids and the target ids, without special tokens (lesson 08).</summary>
/// <param name="Source">The encoder's tokens, e.g. <c>a b c</c>.</param>
/// <param name="Target">The tokens the decoder must produce before &lt;/s&gt;, e.g. <c>c b a</c>.</param>
public sealed record SequencePair(int[] Source, int[] Target)
{
    /// <summary>
    /// Reads a task file: one example a line, <c>source&lt;TAB&gt;target</c>, tokens separated by spaces;
    /// blank lines and lines starting with # are skipped.
    /// </summary>
    public static IReadOnlyList<SequencePair> Load(string path, Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No task file at {Path.GetFullPath(path)}.", path);
        var pairs = new List<SequencePair>();
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Trim().Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('\t');
            if (parts.Length != 2)
                throw new InvalidDataException($"{path}:{number}: expected source<TAB>target, actual {parts.Length} tab-separated fields.");
            pairs.Add(new SequencePair(vocabulary.Encode(parts[0]), vocabulary.Encode(parts[1])));
        }
        return pairs;
    }
}

/// <summary>
/// A mini-batch ready for teacher forcing: every source right-padded to the batch's longest source, every
/// target shifted into a decoder input (&lt;s&gt; + target) and targets (target + &lt;/s&gt;), right-padded
/// to the longest of those (lessons 05 and 08).
/// </summary>
/// <param name="Sources">The padded sources, one row per example.</param>
/// <param name="DecoderInputs">The padded decoder inputs.</param>
/// <param name="Targets">The padded targets; PAD targets are ignored by the loss.</param>
public sealed record TrainingBatch(int[][] Sources, int[][] DecoderInputs, int[][] Targets)
{
    /// <summary>How many examples.</summary>
    public int Count => Sources.Length;

    /// <summary>How many targets the loss counts (every one that is not PAD): the mean's denominator.</summary>
    public int CountedTargets => Targets.Sum(t => t.Count(id => id != Vocabulary.Pad));

    /// <summary>Pads a list of examples into one batch.</summary>
    public static TrainingBatch Pad(IReadOnlyList<SequencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new ArgumentException("pairs is empty: expected at least one example, actual 0.", nameof(pairs));
        int sourceLength = pairs.Max(p => p.Source.Length);
        int targetLength = pairs.Max(p => p.Target.Length) + 1; // room for <s> in front, or </s> behind
        var shifted = pairs.Select(p => TeacherForcing.Shift(p.Target, targetLength)).ToArray();
        return new TrainingBatch(
            pairs.Select(p => Vocabulary.PadTo(p.Source, sourceLength)).ToArray(),
            shifted.Select(s => s.DecoderInput).ToArray(),
            shifted.Select(s => s.Targets).ToArray());
    }
}
