using AttentionLab;

namespace Playground.Lab;

/// <summary>The masks of today's language models (the lessons on attention at scale and on today's masks).</summary>
public enum TodaysMask { Causal, SlidingWindow, Document, Prefix }

/// <summary>What the learner set on the page of today's masks.</summary>
public sealed record TodaysInputs(
    TodaysMask Kind = TodaysMask.SlidingWindow, int Length = 9, int Window = 3, int[]? Documents = null, int Prefix = 3, int Block = 4,
    bool Causal = true)
{
    public int[] DocumentLengths => Documents ?? [3, 2, 4];
}

/// <summary>A mask of today's models, its additive matrix and the fused kernel's block plan, all by the course library.</summary>
public sealed record TodaysView(TodaysInputs Inputs, AttentionLab.Mask Mask, BlockPlan Plan, string[] Positions)
{
    public static TodaysView Compute(TodaysInputs i)
    {
        int n = i.Kind == TodaysMask.Document ? i.DocumentLengths.Sum() : i.Length;
        if (n < 1 || n > 64) throw new ArgumentException($"The sequence must have 1 to 64 positions; it has {n}.");
        if (i.Block < 1) throw new ArgumentException("The block size must be at least 1.");
        var mask = i.Kind switch
        {
            TodaysMask.SlidingWindow => AttentionLab.Mask.SlidingWindow(n, Math.Max(1, i.Window)),
            TodaysMask.Document => Documented(i),
            TodaysMask.Prefix => AttentionLab.Mask.Prefix(n, Math.Clamp(i.Prefix, 0, n)),
            _ => AttentionLab.Mask.Causal(n),
        };
        string[] positions = i.Kind == TodaysMask.Document
            ? i.DocumentLengths.SelectMany((length, d) => Enumerable.Range(0, length).Select(k => $"d{d}·{k}")).ToArray()
            : Enumerable.Range(0, n).Select(k => k.ToString()).ToArray();
        return new TodaysView(i, mask, mask.Plan(i.Block, i.Block), positions);
    }

    private static AttentionLab.Mask Documented(TodaysInputs i)
    {
        if (i.DocumentLengths.Any(l => l < 1)) throw new ArgumentException("Every document needs at least one position.");
        var ids = i.DocumentLengths.SelectMany((length, d) => Enumerable.Repeat(d, length)).ToArray();
        var document = AttentionLab.Mask.Document(ids);
        return i.Causal ? document & AttentionLab.Mask.Causal(ids.Length) : document;
    }

    /// <summary>The plan in the words of the attention-at-scale lesson: how many blocks a fused kernel skips, masks or computes whole.</summary>
    public string Describe()
    {
        int skipped = Plan.Count(BlockWork.Skipped), partial = Plan.Count(BlockWork.Masked), full = Plan.Count(BlockWork.Full);
        string what = Inputs.Kind switch
        {
            TodaysMask.SlidingWindow => $"Sliding window of {Inputs.Window}: query i sees keys i − {Inputs.Window - 1} … i, never more than {Inputs.Window}.",
            TodaysMask.Document => $"{Inputs.DocumentLengths.Length} documents packed in one row ({string.Join(" + ", Inputs.DocumentLengths)}): "
                                   + $"a query sees only its own document{(Inputs.Causal ? ", causally" : "")}.",
            TodaysMask.Prefix => $"Prefix-LM: the first {Inputs.Prefix} positions see each other both ways; the rest are causal.",
            _ => "Causal: query i sees keys 0 … i.",
        };
        return $"{what} {Mask.VisibleCount} of {Mask.Queries * Mask.Keys} cells visible ({Mask.VisibleFraction:P0}). "
               + $"Blocks of {Inputs.Block}: {skipped} skipped, {partial} partial (computed, then masked), {full} full; "
               + $"a fused kernel computes {Plan.ComputedFraction:P0} of the cells.";
    }
}
