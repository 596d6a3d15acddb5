using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// How a causal mask lines queries up with keys when there are fewer queries than keys. The names are
/// PyTorch's (<c>torch.nn.attention.bias.causal_upper_left</c> / <c>causal_lower_right</c>).
/// </summary>
public enum CausalAlignment
{
    /// <summary>
    /// Query i sees keys 0 … i, counted from the top left: what <c>is_causal=True</c> means in PyTorch.
    /// Right for a square matrix; wrong for a cache step, whose one query is the last position.
    /// </summary>
    UpperLeft,

    /// <summary>
    /// Query i sees keys 0 … i + (keys − queries), counted from the bottom right: the last query sees every
    /// key. What a key/value cache needs (lesson 07): the new queries come after the cached positions.
    /// </summary>
    LowerRight,
}

/// <summary>A run of keys a query may see: from <paramref name="From"/> up to, not including, <paramref name="To"/>.</summary>
public readonly record struct KeyRange(int From, int To)
{
    /// <summary>How many keys the run holds.</summary>
    public int Length => To - From;
}

/// <summary>
/// A mask as one predicate: may query i look at key j? (lessons 02, 03 and 12). Causal, key padding,
/// sliding window, document (packed sequences) and prefix masks are built in, and any two masks of one
/// shape compose with <see cref="And"/> (both allow it) and <see cref="Or"/> (either allows it), as Hugging
/// Face's <c>and_masks</c>/<c>or_masks</c> and PyTorch FlexAttention's <c>mask_mod</c>. From one mask come
/// the additive matrix the lessons plot (<see cref="ToAdditive"/>: 0 where a query may look, −∞ where it
/// must not) and the block plan a fused kernel uses to skip work (<see cref="Plan"/>).
/// </summary>
/// <remarks>
/// Besides its predicate, every mask knows the keys each query sees as runs of consecutive keys
/// (<see cref="VisibleKeys"/>): a causal row is one run, a padded row one run per stretch of real tokens.
/// The runs make the matrix and the block plan cost a pass over the runs, not a call per cell; tests hold
/// them equal to the predicate cell by cell.
/// </remarks>
public sealed class Mask
{
    private readonly Func<int, int, bool> _visible;
    private readonly Func<int, KeyRange[]> _runs;

    private Mask(int queries, int keys, string name, Func<int, int, bool> visible, Func<int, KeyRange[]> runs, MaskParts? parts = null)
    {
        Queries = queries;
        Keys = keys;
        Name = name;
        _visible = visible;
        _runs = runs;
        Parts = parts ?? MaskParts.Other;
    }

    /// <summary>
    /// What the mask is made of, when every query sees one window of keys (causal, sliding window, contiguous
    /// documents, prefix) less the PAD keys: the fused kernel then skips what it hides, block by block.
    /// </summary>
    internal MaskParts Parts { get; }

    /// <summary>The number of queries (rows).</summary>
    public int Queries { get; }

    /// <summary>The number of keys (columns).</summary>
    public int Keys { get; }

    /// <summary>What the mask is, in words: "causal", "key padding", "causal ∧ key padding", …</summary>
    public string Name { get; }

    /// <summary>The predicate: true when query <paramref name="query"/> may look at key <paramref name="key"/>.</summary>
    public bool IsVisible(int query, int key)
    {
        Guard.Index(query, Queries, nameof(query));
        Guard.Index(key, Keys, nameof(key));
        return _visible(query, key);
    }

    /// <summary>The keys query <paramref name="query"/> may see, as sorted, disjoint runs (empty for a fully masked row).</summary>
    public IReadOnlyList<KeyRange> VisibleKeys(int query)
    {
        Guard.Index(query, Queries, nameof(query));
        return _runs(query);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Queries} × {Keys})";

    // ---- the masks of the course ----

    /// <summary>A mask that hides nothing.</summary>
    public static Mask All(int queries, int keys)
    {
        Guard.Positive(queries, nameof(queries));
        Guard.Positive(keys, nameof(keys));
        KeyRange[] all = [new(0, keys)];
        return new Mask(queries, keys, "no mask", (_, _) => true, _ => all, new MaskParts(null, null, false));
    }

    /// <summary>The square causal (look-ahead) mask of lesson 03: query i sees keys 0 … i.</summary>
    public static Mask Causal(int n)
    {
        Guard.Positive(n, nameof(n));
        return Causal(n, n);
    }

    /// <summary>
    /// The causal mask for <paramref name="queries"/> × <paramref name="keys"/>, lined up as
    /// <paramref name="alignment"/> says. With <see cref="CausalAlignment.LowerRight"/> (the default) and
    /// more queries than keys, the first queries see nothing (PyTorch's <c>causal_lower_right</c> too).
    /// </summary>
    public static Mask Causal(int queries, int keys, CausalAlignment alignment = CausalAlignment.LowerRight)
    {
        Guard.Positive(queries, nameof(queries));
        Guard.Positive(keys, nameof(keys));
        Guard.Defined(alignment, nameof(alignment));
        int offset = alignment == CausalAlignment.LowerRight ? keys - queries : 0;
        var name = queries == keys ? "causal" : $"causal ({(alignment == CausalAlignment.LowerRight ? "lower right" : "upper left")})";
        return new Mask(queries, keys, name,
            (i, j) => j <= i + offset,
            i => Runs(0, Math.Min(keys, i + offset + 1)),
            new MaskParts(i => (0, Math.Clamp(i + offset + 1, 0, keys)), null, false));
    }

    /// <summary>
    /// The padding mask of lesson 02: every query sees every key that is not PAD. Use the source's flags for
    /// cross-attention (lesson 06).
    /// </summary>
    public static Mask KeyPadding(IReadOnlyList<bool> keyIsPad, int queries)
    {
        Guard.NotNull(keyIsPad, nameof(keyIsPad));
        Guard.Positive(keyIsPad.Count, nameof(keyIsPad), "keys");
        Guard.Positive(queries, nameof(queries));
        var pad = keyIsPad.ToArray();
        var real = RunsWhere(pad.Length, j => !pad[j]);
        return new Mask(queries, pad.Length, "key padding", (_, j) => !pad[j], _ => real, new MaskParts(null, pad, false));
    }

    /// <summary>The square padding mask of one padded sequence of token ids (PAD is id 0).</summary>
    public static Mask Padding(IReadOnlyList<int> ids)
    {
        Guard.NotNull(ids, nameof(ids));
        return KeyPadding(ids.Select(Vocabulary.IsPad).ToArray(), ids.Count);
    }

    /// <summary>
    /// A causal sliding window of <paramref name="window"/> keys (Mistral's): query i sees keys
    /// i − window + 1 … i, so every query sees at most <paramref name="window"/> keys (lesson 12).
    /// </summary>
    public static Mask SlidingWindow(int n, int window)
    {
        Guard.Positive(n, nameof(n));
        return SlidingWindow(n, n, window);
    }

    /// <summary>The sliding window for a cache step: lined up lower right, as <see cref="Causal(int, int, CausalAlignment)"/>.</summary>
    public static Mask SlidingWindow(int queries, int keys, int window)
    {
        Guard.Positive(queries, nameof(queries));
        Guard.Positive(keys, nameof(keys));
        Guard.Positive(window, nameof(window));
        int offset = keys - queries;
        return new Mask(queries, keys, $"sliding window {window}",
            (i, j) => j <= i + offset && j > i + offset - window,
            i => Runs(Math.Max(0, i + offset - window + 1), Math.Min(keys, i + offset + 1)),
            new MaskParts(i => (Math.Clamp(i + offset - window + 1, 0, keys), Math.Clamp(i + offset + 1, 0, keys)), null, false));
    }

    /// <summary>
    /// The document mask of packed sequences (lesson 12): several sequences share one row, and a query sees
    /// only the keys of its own document. <paramref name="documentIds"/> gives each position's document.
    /// Combine with <see cref="Causal(int)"/> for a decoder: block-diagonal and causal.
    /// </summary>
    public static Mask Document(IReadOnlyList<int> documentIds)
    {
        Guard.NotNull(documentIds, nameof(documentIds));
        Guard.Positive(documentIds.Count, nameof(documentIds), "positions");
        var document = documentIds.ToArray();
        var runs = document.Distinct().ToDictionary(d => d, d => RunsWhere(document.Length, j => document[j] == d));
        // Contiguous documents (packed sequences) are one window per query, which the fused kernel can skip by.
        var parts = runs.Values.All(r => r.Length == 1)
            ? new MaskParts(i => (runs[document[i]][0].From, runs[document[i]][0].To), null, false)
            : null;
        return new Mask(document.Length, document.Length, "document",
            (i, j) => document[i] == document[j],
            i => runs[document[i]],
            parts);
    }

    /// <summary>
    /// The prefix-LM mask (lesson 12): the first <paramref name="prefixLength"/> positions see each other in
    /// both directions, the rest are causal: query i sees key j when j &lt; prefixLength or j ≤ i.
    /// </summary>
    public static Mask Prefix(int n, int prefixLength)
    {
        Guard.Positive(n, nameof(n));
        Guard.InRange(prefixLength, 0, n, nameof(prefixLength));
        return new Mask(n, n, $"prefix {prefixLength}",
            (i, j) => j < prefixLength || j <= i,
            i => Runs(0, Math.Max(prefixLength, i + 1)),
            new MaskParts(i => (0, Math.Max(prefixLength, i + 1)), null, false));
    }

    /// <summary>Any mask, as its predicate (its runs are found by asking the predicate for every cell).</summary>
    public static Mask FromPredicate(int queries, int keys, Func<int, int, bool> visible, string name = "custom")
    {
        Guard.Positive(queries, nameof(queries));
        Guard.Positive(keys, nameof(keys));
        Guard.NotNull(visible, nameof(visible));
        Guard.NotNull(name, nameof(name));
        var rows = new KeyRange[queries][];
        return new Mask(queries, keys, name, visible, i => rows[i] ??= RunsWhere(keys, j => visible(i, j)));
    }

    /// <summary>From a boolean matrix where true means KEEP (attend): PyTorch's SDPA bool mask, Hugging Face's attention_mask.</summary>
    public static Mask FromKeep(bool[,] keep)
    {
        Guard.NotNull(keep, nameof(keep));
        Guard.Positive(keep.GetLength(0), nameof(keep), "rows");
        Guard.Positive(keep.GetLength(1), nameof(keep), "columns");
        var copy = (bool[,])keep.Clone();
        return FromPredicate(copy.GetLength(0), copy.GetLength(1), (i, j) => copy[i, j], "from keep");
    }

    /// <summary>From a boolean matrix where true means IGNORE: nn.MultiheadAttention's attn_mask and key_padding_mask.</summary>
    public static Mask FromIgnore(bool[,] ignore)
    {
        Guard.NotNull(ignore, nameof(ignore));
        Guard.Positive(ignore.GetLength(0), nameof(ignore), "rows");
        Guard.Positive(ignore.GetLength(1), nameof(ignore), "columns");
        var copy = (bool[,])ignore.Clone();
        return FromPredicate(copy.GetLength(0), copy.GetLength(1), (i, j) => !copy[i, j], "from ignore");
    }

    /// <summary>From an additive mask: a cell is hidden when it is −∞ (other values must be finite).</summary>
    public static Mask FromAdditive(Matrix<double> additive)
    {
        Guard.NotNull(additive, nameof(additive));
        Guard.NonEmptyMatrix(additive, nameof(additive));
        var keep = new bool[additive.RowCount, additive.ColumnCount];
        for (int i = 0; i < additive.RowCount; i++)
            for (int j = 0; j < additive.ColumnCount; j++)
            {
                double cell = additive[i, j];
                Guard.FiniteOrMinusInfinity(cell, nameof(additive), i, j);
                keep[i, j] = !double.IsNegativeInfinity(cell);
            }
        return FromPredicate(additive.RowCount, additive.ColumnCount, (i, j) => keep[i, j], "from additive");
    }

    // ---- composition ----

    /// <summary>Both masks allow the cell (Hugging Face's and_masks): causal ∧ padding is the decoder's combined mask.</summary>
    public Mask And(Mask other)
    {
        SameShape(other, nameof(other));
        return new Mask(Queries, Keys, $"{Name} ∧ {other.Name}",
            (i, j) => _visible(i, j) && other._visible(i, j),
            i => Intersect(_runs(i), other._runs(i)),
            Parts.And(other.Parts));
    }

    /// <summary>Either mask allows the cell (Hugging Face's or_masks).</summary>
    public Mask Or(Mask other)
    {
        SameShape(other, nameof(other));
        return new Mask(Queries, Keys, $"({Name} ∨ {other.Name})",
            (i, j) => _visible(i, j) || other._visible(i, j),
            i => Union(_runs(i), other._runs(i)));
    }

    /// <summary>Both masks allow the cell: <see cref="And"/>.</summary>
    public static Mask operator &(Mask left, Mask right)
    {
        Guard.NotNull(left, nameof(left));
        return left.And(right);
    }

    /// <summary>Either mask allows the cell: <see cref="Or"/>.</summary>
    public static Mask operator |(Mask left, Mask right)
    {
        Guard.NotNull(left, nameof(left));
        return left.Or(right);
    }

    // ---- what derives from a mask ----

    /// <summary>The additive matrix the lessons add to the scores: 0 where a query may look, −∞ where it must not.</summary>
    public Matrix<double> ToAdditive()
    {
        var m = Matrix<double>.Build.Dense(Queries, Keys, Masks.Hidden);
        for (int i = 0; i < Queries; i++)
            foreach (var run in _runs(i))
                for (int j = run.From; j < run.To; j++) m[i, j] = Masks.Visible;
        return m;
    }

    /// <summary>True where a query may look (PyTorch SDPA's and Hugging Face's polarity).</summary>
    public bool[,] ToKeep()
    {
        var keep = new bool[Queries, Keys];
        for (int i = 0; i < Queries; i++)
            foreach (var run in _runs(i))
                for (int j = run.From; j < run.To; j++) keep[i, j] = true;
        return keep;
    }

    /// <summary>True where a query must not look (nn.MultiheadAttention's polarity).</summary>
    public bool[,] ToIgnore()
    {
        var keep = ToKeep();
        var ignore = new bool[Queries, Keys];
        for (int i = 0; i < Queries; i++)
            for (int j = 0; j < Keys; j++) ignore[i, j] = !keep[i, j];
        return ignore;
    }

    /// <summary>How many (query, key) cells are visible.</summary>
    public long VisibleCount
    {
        get
        {
            long count = 0;
            for (int i = 0; i < Queries; i++)
                foreach (var run in _runs(i)) count += run.Length;
            return count;
        }
    }

    /// <summary>The visible share of the queries × keys matrix: the work an ideal kernel must do.</summary>
    public double VisibleFraction => (double)VisibleCount / ((long)Queries * Keys);

    /// <summary>The queries that see no key at all (their softmax is 0/0: lesson 09).</summary>
    public IReadOnlyList<int> FullyMaskedRows() => Enumerable.Range(0, Queries).Where(i => _runs(i).Length == 0).ToArray();

    /// <summary>
    /// The block plan (lesson 12): the matrix cut into <paramref name="queryBlock"/> × <paramref name="keyBlock"/>
    /// blocks, each one skipped (every cell hidden), partial (some hidden) or full (none hidden), as PyTorch
    /// FlexAttention's <c>create_block_mask</c> derives it from a mask_mod.
    /// </summary>
    public BlockPlan Plan(int queryBlock, int keyBlock)
    {
        Guard.Positive(queryBlock, nameof(queryBlock));
        Guard.Positive(keyBlock, nameof(keyBlock));
        int rows = (Queries + queryBlock - 1) / queryBlock, columns = (Keys + keyBlock - 1) / keyBlock;
        var work = new BlockWork[rows, columns];
        var seen = new int[columns];
        for (int qb = 0; qb < rows; qb++)
        {
            int first = qb * queryBlock, last = Math.Min(Queries, first + queryBlock);
            var anyVisible = new bool[columns];
            var allVisible = Enumerable.Repeat(true, columns).ToArray();
            for (int i = first; i < last; i++)
            {
                Array.Clear(seen);
                foreach (var run in _runs(i))
                    for (int kb = run.From / keyBlock; kb * keyBlock < run.To; kb++)
                        seen[kb] += Math.Min(run.To, (kb + 1) * keyBlock) - Math.Max(run.From, kb * keyBlock);
                for (int kb = 0; kb < columns; kb++)
                {
                    int width = Math.Min(Keys, (kb + 1) * keyBlock) - kb * keyBlock;
                    anyVisible[kb] |= seen[kb] > 0;
                    allVisible[kb] &= seen[kb] == width;
                }
            }
            for (int kb = 0; kb < columns; kb++)
                work[qb, kb] = allVisible[kb] ? BlockWork.Full : anyVisible[kb] ? BlockWork.Masked : BlockWork.Skipped;
        }
        return new BlockPlan(queryBlock, keyBlock, Queries, Keys, work);
    }

    // ---- runs of keys ----

    private static KeyRange[] Runs(int from, int to) => to > from ? [new KeyRange(from, to)] : [];

    private static KeyRange[] RunsWhere(int keys, Func<int, bool> visible)
    {
        var runs = new List<KeyRange>();
        for (int j = 0; j < keys;)
        {
            if (!visible(j)) { j++; continue; }
            int start = j;
            while (j < keys && visible(j)) j++;
            runs.Add(new KeyRange(start, j));
        }
        return runs.ToArray();
    }

    private static KeyRange[] Intersect(KeyRange[] a, KeyRange[] b)
    {
        var result = new List<KeyRange>();
        for (int x = 0, y = 0; x < a.Length && y < b.Length;)
        {
            int from = Math.Max(a[x].From, b[y].From), to = Math.Min(a[x].To, b[y].To);
            if (to > from) result.Add(new KeyRange(from, to));
            if (a[x].To < b[y].To) x++; else y++;
        }
        return result.ToArray();
    }

    private static KeyRange[] Union(KeyRange[] a, KeyRange[] b)
    {
        var result = new List<KeyRange>();
        foreach (var run in a.Concat(b).OrderBy(r => r.From))
        {
            if (result.Count > 0 && run.From <= result[^1].To)
                result[^1] = new KeyRange(result[^1].From, Math.Max(result[^1].To, run.To));
            else
                result.Add(run);
        }
        return result.ToArray();
    }

    private void SameShape(Mask other, string name)
    {
        Guard.NotNull(other, name);
        if (other.Queries != Queries || other.Keys != Keys)
            throw new ArgumentException(
                $"Masks combine cell by cell, so they must have one shape: expected {Queries} × {Keys}, actual {other.Queries} × {other.Keys}.", name);
    }
}

/// <summary>
/// A mask seen as the fused kernel sees it: per query one window of keys (from, to) and the PAD keys, hidden
/// from every query (an and of such masks is still one); anything else is <see cref="Other"/>, read cell by cell.
/// </summary>
internal sealed record MaskParts(Func<int, (int From, int To)>? Window, bool[]? KeyIsPad, bool IsOther)
{
    public static readonly MaskParts Other = new(null, null, true);

    public MaskParts And(MaskParts other)
    {
        if (IsOther || other.IsOther) return Other;
        bool[]? pads = (KeyIsPad, other.KeyIsPad) switch
        {
            (null, var b) => b,
            (var a, null) => a,
            var (a, b) => a.Zip(b, (x, y) => x || y).ToArray(),
        };
        var (mine, theirs) = (Window, other.Window);
        Func<int, (int, int)>? window = (mine, theirs) switch
        {
            (null, var b) => b,
            (var a, null) => a,
            _ => i =>
            {
                var (a, b) = (mine!(i), theirs!(i));
                return (Math.Max(a.From, b.From), Math.Min(a.To, b.To));
            },
        };
        return new MaskParts(window, pads, false);
    }
}
