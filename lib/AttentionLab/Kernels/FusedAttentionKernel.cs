using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AttentionLab.Kernels;

/// <summary>
/// Everything one fused attention call shares between its workers, laid out for the kernel.
/// Every array is flat. Q, the optional mask and the output are MathNet's own column-major
/// storage, used in place: column-major Q is Qᵀ row-major, so the kernel works on the transposed
/// problem (Sᵀ = K Qᵀ, Oᵀ = Vᵀ Pᵀ) and its vectors run along the queries. That makes the
/// softmax's max and sum over keys plain lane-wise operations, with no horizontal reductions.
/// </summary>
internal sealed class FusedProblem
{
    public required int Queries, KeyWidth, ValueWidth, ValueWidthPadded;
    public required double Scale;

    /// <summary>Q column-major (Qᵀ row-major): q[i, t] is at [t · Queries + i].</summary>
    public required double[] Q;

    /// <summary>See <see cref="FusedAttentionOptions.LibraryExp"/>.</summary>
    public bool LibraryExp;

    /// <summary>
    /// The visible keys, transposed (d_k rows of keys): K's own column-major storage when no key is
    /// PAD and the keys come in whole groups of 4 (the kernel reads 4 keys at a time), else a copy
    /// without the PAD keys, one panel per key block ([block][t][j], KeyBlock wide).
    /// </summary>
    public required double[] Keys;

    /// <summary>True when <see cref="Keys"/> is K's own storage (row t of Kᵀ is KeptCount long), false for panels.</summary>
    public required bool KeysInPlace;

    /// <summary>
    /// The kept keys' values, column-major (value c of kept key j at [c · KeptCount + j]): V's own
    /// storage when no key is PAD, so the values are never copied.
    /// </summary>
    public required double[] Values;

    /// <summary>How many keys are kept (not PAD).</summary>
    public required int KeptCount;

    /// <summary>Original index of each kept key: compacted key c is key KeptKeys[c].</summary>
    public required int[] KeptKeys;

    /// <summary>Query i may see compacted keys Start[i] .. Limit[i] − 1 (causal and padding masks in one number).</summary>
    public required int[] Limit;

    /// <summary>The first compacted key each query may see (a sliding window's or a document's start), or null for 0.</summary>
    public int[]? Start;

    /// <summary>A general additive mask, column-major (mask[i, j] at [j · Queries + i]), or null.</summary>
    public required double[]? Mask;

    public required int QueryBlock, KeyBlock;
    public required double[] Output;
    public required double[]? Weights;
}

/// <summary>
/// One thread's private tiles, kept by that thread from call to call and grown when a call needs
/// more. They live in one pinned array, each tile starting on a 64-byte boundary: the kernel's
/// 512-bit loads and stores of a tile then never straddle two cache lines. With tiles wherever
/// the allocator put them, the same call measured 10–35% slower in some processes than in others.
/// </summary>
internal sealed class FusedScratch
{
    private const int Line = 8; // doubles per 64-byte cache line

    [ThreadStatic] private static FusedScratch? _mine;

    private double[] _buffer = [];
    private int _q, _s, _o, _max, _sum, _rescale, _limit, _start, _lanes, _width, _tileQ, _tileS, _tileO;

    /// <summary>For each group of 32 queries, how many keys of the current key block it needs.</summary>
    public int[] GroupKeys { get; private set; } = [];

    /// <summary>Scaled queries of the block, transposed: d_k rows of QueryBlock.</summary>
    public Span<double> Q => _buffer.AsSpan(_q, _tileQ);

    /// <summary>The score tile, then the unnormalised weights: KeyBlock rows of QueryBlock.</summary>
    public Span<double> S => _buffer.AsSpan(_s, _tileS);

    /// <summary>The output accumulator, transposed: d_v (rounded up to 4) rows of QueryBlock.</summary>
    public Span<double> O => _buffer.AsSpan(_o, _tileO);

    public Span<double> RunningMax => _buffer.AsSpan(_max, _width);
    public Span<double> RunningSum => _buffer.AsSpan(_sum, _width);
    public Span<double> Rescale => _buffer.AsSpan(_rescale, _width);
    public Span<double> Limit => _buffer.AsSpan(_limit, _width);
    public Span<double> Start => _buffer.AsSpan(_start, _width);
    public Span<double> Lanes => _buffer.AsSpan(_lanes, 16);

    /// <summary>This thread's tiles, sized for <paramref name="p"/>.</summary>
    public static FusedScratch For(FusedProblem p)
    {
        var scratch = _mine ??= new FusedScratch();
        scratch.Fit(p);
        return scratch;
    }

    private void Fit(FusedProblem p)
    {
        static int Round(int n) => (n + Line - 1) / Line * Line;
        int width = p.QueryBlock;
        int q = Round(p.KeyWidth * width), s = Round(p.KeyBlock * width), o = Round(p.ValueWidthPadded * width), w = Round(width);
        int length = q + s + o + 5 * w + 16;
        if (_buffer.Length < length + Line)
        {
            _buffer = GC.AllocateUninitializedArray<double>(length + Line, pinned: true);
            var handle = GCHandle.Alloc(_buffer, GCHandleType.Pinned); // the array never moves; this only reads its address
            long address = handle.AddrOfPinnedObject();
            handle.Free();
            _q = (int)((64 - address % 64) % 64 / sizeof(double));
        }
        (_width, _tileQ, _tileS, _tileO) = (width, q, s, o);
        _s = _q + q;
        _o = _s + s;
        _max = _o + o;
        _sum = _max + w;
        _rescale = _sum + w;
        _limit = _rescale + w;
        _start = _limit + w;
        _lanes = _start + w;
        if (GroupKeys.Length < width / FusedAttentionKernel.Group) GroupKeys = new int[width / FusedAttentionKernel.Group];
    }
}

internal static class FusedAttentionKernel
{
    /// <summary>
    /// Queries share one count of needed keys per group of this many (a whole number of register
    /// tiles at every vector width): in a key block that straddles the causal diagonal, the first
    /// group of a query block stops at its own last key instead of the block's last.
    /// </summary>
    public const int Group = 32;
}

/// <summary>
/// The fused kernel, written once over a vector width (<see cref="ILanes{TVec}"/>). One call of
/// <see cref="QueryBlock"/> handles QueryBlock queries against every key block they can see.
/// Its methods are compiled fully optimised at their first call: a lesson calls the kernel a few times,
/// and unoptimised (tier-0) code ran it about ten times slower, long enough to mislead a timing.
/// </summary>
internal static class FusedAttentionKernel<TVec, TL>
    where TVec : struct
    where TL : struct, ILanes<TVec>
{
    /// <summary>Output rows for one query block; returns the scores computed and the first fully masked row (or −1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (long Computed, int FirstFullyMasked) QueryBlock(FusedProblem p, FusedScratch s, int q0)
    {
        int width = p.QueryBlock, rows = Math.Min(width, p.Queries - q0);
        // The 1/√d_k scale is folded into the copy of Q, so every score comes out scaled.
        for (int t = 0; t < p.KeyWidth; t++)
        {
            var from = p.Q.AsSpan(t * p.Queries + q0, rows);
            var to = s.Q.Slice(t * width, width);
            int i = 0;
            for (; i + TL.Count <= rows; i += TL.Count)
                TL.Store(TL.Multiply(TL.Load(ref Unsafe.AsRef(in from[i])), TL.Splat(p.Scale)), ref to[i]);
            for (; i < rows; i++) to[i] = from[i] * p.Scale;
            to[rows..].Clear();
        }
        // Lanes past the last query repeat its limit and start, so they never widen the range of key blocks.
        for (int i = 0; i < width; i++)
        {
            int row = Math.Min(q0 + i, p.Queries - 1);
            s.Limit[i] = p.Limit[row];
            s.Start[i] = p.Start?[row] ?? 0;
        }
        s.RunningMax.Fill(double.NegativeInfinity);
        s.RunningSum.Clear();
        s.O.Clear();

        // Only the key blocks between the block's lowest start and its highest limit are touched: that is
        // where the causal, padding, sliding-window and document masks save their work. A block is partly
        // hidden when some row's window does not cover it whole.
        var (lowest, highestStart, fewest, most) = Range(p, q0, rows);
        long computed = 0;
        int first = lowest / p.KeyBlock * p.KeyBlock;
        for (int k0 = first; k0 < most; k0 += p.KeyBlock)
        {
            int keys = Math.Min(p.KeyBlock, most - k0);
            bool partlyHidden = k0 + keys > fewest || k0 < highestStart;
            computed += GroupKeys(p, s, q0, rows, k0, keys, partlyHidden);
            Scores(p, s, k0);
            OnlineSoftmax(p, s, q0, k0, partlyHidden);
            AccumulateValues(p, s, k0);
        }

        int firstFullyMasked = WriteOutput(p, s, q0, rows);
        if (p.Weights is not null)
            for (int k0 = first; k0 < most; k0 += p.KeyBlock)
            {
                int keys = Math.Min(p.KeyBlock, most - k0);
                bool partlyHidden = k0 + keys > fewest || k0 < highestStart;
                GroupKeys(p, s, q0, rows, k0, keys, partlyHidden);
                Scores(p, s, k0);
                WriteWeights(p, s, q0, rows, k0, partlyHidden);
            }
        return (computed, firstFullyMasked);
    }

    /// <summary>The lowest and highest start and the fewest and most keys seen by rows q0 … q0 + rows − 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int Lowest, int HighestStart, int Fewest, int Most) Range(FusedProblem p, int q0, int rows)
    {
        int lowest = int.MaxValue, highestStart = 0, fewest = int.MaxValue, most = 0;
        for (int i = q0; i < q0 + rows; i++)
        {
            int start = p.Start?[i] ?? 0;
            lowest = Math.Min(lowest, start);
            highestStart = Math.Max(highestStart, start);
            fewest = Math.Min(fewest, p.Limit[i]);
            most = Math.Max(most, p.Limit[i]);
        }
        return (lowest, highestStart, fewest, most);
    }

    /// <summary>Fills <see cref="FusedScratch.GroupKeys"/> for the key block at k0; returns the number of scores that will be computed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long GroupKeys(FusedProblem p, FusedScratch s, int q0, int rows, int k0, int keys, bool partlyHidden)
    {
        const int group = FusedAttentionKernel.Group;
        long computed = 0;
        for (int g = 0; g * group < p.QueryBlock; g++)
        {
            int first = g * group, last = Math.Min(first + group, rows) - 1;
            int needed = 0;
            if (last >= first && !partlyHidden)
                needed = keys;
            else if (last >= first)
            {
                // A group needs the block's keys up to its rows' highest limit, and none if every row starts after it.
                var (lowest, _, _, most) = Range(p, q0 + first, last - first + 1);
                needed = lowest >= k0 + keys ? 0 : Math.Clamp(most - k0, 0, keys);
            }
            s.GroupKeys[g] = needed;
            computed += (long)Math.Max(0, last - first + 1) * needed;
        }
        return computed;
    }

    /// <summary>
    /// The score tile Sᵀ[j, i] = k_j · q_i / √d_k for the key block starting at k0 (rows rounded up to 4).
    /// Register blocked: 4 keys × 4 vectors of queries = 16 accumulators stay in registers for the
    /// whole dot product, so each loaded value feeds 4 multiply-adds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores(FusedProblem p, FusedScratch s, int k0)
    {
        int w = TL.Count, width = p.QueryBlock, keyBlock = p.KeyBlock, depth = p.KeyWidth;
        ref double q = ref MemoryMarshal.GetReference(s.Q);
        int stride = p.KeysInPlace ? p.KeptCount : keyBlock;
        ref double panel = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(p.Keys), p.KeysInPlace ? k0 : (nint)(k0 / keyBlock) * depth * keyBlock);
        ref double tile = ref MemoryMarshal.GetReference(s.S);
        for (int i = 0; i < width; i += 4 * w)
            for (int j = 0, keys = s.GroupKeys[i / FusedAttentionKernel.Group]; j < keys; j += 4)
            {
                TVec a00 = TL.Zero, a01 = TL.Zero, a02 = TL.Zero, a03 = TL.Zero;
                TVec a10 = TL.Zero, a11 = TL.Zero, a12 = TL.Zero, a13 = TL.Zero;
                TVec a20 = TL.Zero, a21 = TL.Zero, a22 = TL.Zero, a23 = TL.Zero;
                TVec a30 = TL.Zero, a31 = TL.Zero, a32 = TL.Zero, a33 = TL.Zero;
                ref double qt = ref Unsafe.Add(ref q, i);
                ref double kt = ref Unsafe.Add(ref panel, j);
                for (int t = 0; t < depth; t++)
                {
                    TVec x0 = TL.Load(ref qt), x1 = TL.Load(ref Unsafe.Add(ref qt, w));
                    TVec x2 = TL.Load(ref Unsafe.Add(ref qt, 2 * w)), x3 = TL.Load(ref Unsafe.Add(ref qt, 3 * w));
                    TVec b = TL.Splat(kt);
                    a00 = TL.MultiplyAdd(b, x0, a00); a01 = TL.MultiplyAdd(b, x1, a01); a02 = TL.MultiplyAdd(b, x2, a02); a03 = TL.MultiplyAdd(b, x3, a03);
                    b = TL.Splat(Unsafe.Add(ref kt, 1));
                    a10 = TL.MultiplyAdd(b, x0, a10); a11 = TL.MultiplyAdd(b, x1, a11); a12 = TL.MultiplyAdd(b, x2, a12); a13 = TL.MultiplyAdd(b, x3, a13);
                    b = TL.Splat(Unsafe.Add(ref kt, 2));
                    a20 = TL.MultiplyAdd(b, x0, a20); a21 = TL.MultiplyAdd(b, x1, a21); a22 = TL.MultiplyAdd(b, x2, a22); a23 = TL.MultiplyAdd(b, x3, a23);
                    b = TL.Splat(Unsafe.Add(ref kt, 3));
                    a30 = TL.MultiplyAdd(b, x0, a30); a31 = TL.MultiplyAdd(b, x1, a31); a32 = TL.MultiplyAdd(b, x2, a32); a33 = TL.MultiplyAdd(b, x3, a33);
                    qt = ref Unsafe.Add(ref qt, width);
                    kt = ref Unsafe.Add(ref kt, stride);
                }
                ref double r0 = ref Unsafe.Add(ref tile, j * width + i);
                ref double r1 = ref Unsafe.Add(ref r0, width);
                ref double r2 = ref Unsafe.Add(ref r1, width);
                ref double r3 = ref Unsafe.Add(ref r2, width);
                TL.Store(a00, ref r0); TL.Store(a01, ref Unsafe.Add(ref r0, w)); TL.Store(a02, ref Unsafe.Add(ref r0, 2 * w)); TL.Store(a03, ref Unsafe.Add(ref r0, 3 * w));
                TL.Store(a10, ref r1); TL.Store(a11, ref Unsafe.Add(ref r1, w)); TL.Store(a12, ref Unsafe.Add(ref r1, 2 * w)); TL.Store(a13, ref Unsafe.Add(ref r1, 3 * w));
                TL.Store(a20, ref r2); TL.Store(a21, ref Unsafe.Add(ref r2, w)); TL.Store(a22, ref Unsafe.Add(ref r2, 2 * w)); TL.Store(a23, ref Unsafe.Add(ref r2, 3 * w));
                TL.Store(a30, ref r3); TL.Store(a31, ref Unsafe.Add(ref r3, w)); TL.Store(a32, ref Unsafe.Add(ref r3, 2 * w)); TL.Store(a33, ref Unsafe.Add(ref r3, 3 * w));
            }
    }

    /// <summary>
    /// Turns the score tile into unnormalised weights, updating each query's running max and sum.
    /// </summary>
    /// <remarks>
    /// Why an online softmax: the readable softmax needs a whole row of scores before it can start
    /// (its max, then its sum), which means holding the n × n matrix. Here the row arrives one key
    /// block at a time. We keep, per query, the largest score seen so far (m) and the sum of
    /// exp(score − m) so far (l), and an output accumulated with the same offset m. When a new
    /// block raises the max from m to m', everything accumulated so far was exponentiated against
    /// the old m and is too large by exp(m' − m): multiplying l and the output by
    /// exp(m − m') (the rescale factor, ≤ 1) puts them on the new offset, exactly as if m' had been
    /// known from the start. After the last block, output / l is the softmax-weighted sum of the
    /// values. Subtracting a running max keeps every exponent ≤ 0, so nothing overflows, which is
    /// the same reason the readable softmax subtracts the row max.
    /// A query that has seen only hidden keys so far has m = −∞; we then subtract 0 instead, so
    /// exp(−∞ − (−∞)) = NaN never happens and its weights stay exactly 0.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OnlineSoftmax(FusedProblem p, FusedScratch s, int q0, int k0, bool partlyHidden)
    {
        int w = TL.Count, width = p.QueryBlock;
        TVec zero = TL.Zero;
        ref double tile = ref MemoryMarshal.GetReference(s.S);
        bool plain = p.Mask is null && !partlyHidden;
        if (plain && p.LibraryExp)
        {
            LibraryExpSoftmax(p, s);
            return;
        }
        for (int i = 0; i < width; i += w)
        {
            int keys = s.GroupKeys[i / FusedAttentionKernel.Group];
            TVec oldMax = TL.Load(ref s.RunningMax[i]);
            TVec max = oldMax;
            ref double cell = ref Unsafe.Add(ref tile, i);
            if (plain)
                for (int j = 0; j < keys; j++, cell = ref Unsafe.Add(ref cell, width))
                    max = TL.Max(max, TL.Load(ref cell));
            else
                max = TL.Max(max, Hide(p, s, q0, i, k0, keys, partlyHidden));
            TVec offset = TL.ReplaceNegativeInfinity(max, zero);
            TVec rescale = TL.Exp(TL.Subtract(oldMax, offset));
            TVec sum = zero;
            cell = ref Unsafe.Add(ref tile, i);
            for (int j = 0; j < keys; j++, cell = ref Unsafe.Add(ref cell, width))
            {
                TVec e = TL.Exp(TL.Subtract(TL.Load(ref cell), offset)); // exp(−∞) is exactly 0
                TL.Store(e, ref cell);
                sum = TL.Add(sum, e);
            }
            TL.Store(TL.MultiplyAdd(TL.Load(ref s.RunningSum[i]), rescale, sum), ref s.RunningSum[i]);
            TL.Store(max, ref s.RunningMax[i]);
            TL.Store(rescale, ref s.Rescale[i]);
        }
    }

    /// <summary>
    /// The online softmax step of a fully visible tile (every score finite, so each running max is finite after
    /// it and is its own offset) with the exponentials taken by TensorPrimitives.Exp over the tile's rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LibraryExpSoftmax(FusedProblem p, FusedScratch s)
    {
        int w = TL.Count, width = p.QueryBlock, active = 0, keys = 0;
        ref double tile = ref MemoryMarshal.GetReference(s.S);
        for (int i = 0; i < width; i += w)
        {
            int groupKeys = s.GroupKeys[i / FusedAttentionKernel.Group];
            if (groupKeys == 0) continue;
            (active, keys) = (i + w, groupKeys);
            TVec oldMax = TL.Load(ref s.RunningMax[i]), max = oldMax;
            ref double cell = ref Unsafe.Add(ref tile, i);
            for (int j = 0; j < groupKeys; j++, cell = ref Unsafe.Add(ref cell, width))
                max = TL.Max(max, TL.Load(ref cell));
            TVec rescale = TL.Exp(TL.Subtract(oldMax, max));
            TL.Store(TL.Multiply(TL.Load(ref s.RunningSum[i]), rescale), ref s.RunningSum[i]);
            TL.Store(max, ref s.RunningMax[i]);
            TL.Store(rescale, ref s.Rescale[i]);
        }
        var offsets = s.RunningMax[..active];
        var sums = s.RunningSum[..active];
        var scores = s.S;
        for (int j = 0; j < keys; j++)
        {
            var row = scores.Slice(j * width, active);
            TensorPrimitives.Subtract(row, offsets, row);
            if (active < width) TensorPrimitives.Exp(row, row);
        }
        if (active == width) TensorPrimitives.Exp(scores[..(keys * width)], scores[..(keys * width)]);
        for (int j = 0; j < keys; j++) TensorPrimitives.Add(sums, scores.Slice(j * width, active), sums);
    }

    /// <summary>
    /// Adds the general mask and hides the keys past each query's limit, in one column of the
    /// score tile (queries i.., every key row); returns the column's max. Kept out of the plain
    /// loop so that loop stays a load and a max.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TVec Hide(FusedProblem p, FusedScratch s, int q0, int i, int k0, int keys, bool partlyHidden)
    {
        int width = p.QueryBlock;
        TVec limit = TL.Load(ref s.Limit[i]);
        TVec start = TL.Load(ref s.Start[i]);
        bool starts = p.Start is not null;
        TVec max = TL.Splat(double.NegativeInfinity);
        for (int j = 0; j < keys; j++)
        {
            ref double cell = ref s.S[j * width + i];
            TVec x = TL.Load(ref cell);
            if (p.Mask is not null) x = TL.Add(x, MaskLanes(p, s, q0 + i, k0 + j));
            if (partlyHidden) x = TL.HideFrom(x, k0 + j, limit);
            if (partlyHidden && starts) x = TL.HideBefore(x, k0 + j, start);
            TL.Store(x, ref cell);
            max = TL.Max(max, x);
        }
        return max;
    }

    /// <summary>
    /// Oᵀ ← Oᵀ · rescale + Vᵀ Pᵀ for one key block, register blocked like <see cref="Scores"/>:
    /// 4 value columns × 4 vectors of queries. The 4 value columns are read straight from V's
    /// column-major storage, each in order, so V needs no copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateValues(FusedProblem p, FusedScratch s, int k0)
    {
        int w = TL.Count, width = p.QueryBlock, dv = p.ValueWidthPadded, stride = p.KeptCount;
        ref double tile = ref MemoryMarshal.GetReference(s.S);
        ref double values = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(p.Values), k0);
        ref double output = ref MemoryMarshal.GetReference(s.O);
        ref double rescale = ref MemoryMarshal.GetReference(s.Rescale);
        for (int c = 0; c < dv; c += 4)
            for (int i = 0; i < width; i += 4 * w)
            {
                TVec f0 = TL.Load(ref Unsafe.Add(ref rescale, i)), f1 = TL.Load(ref Unsafe.Add(ref rescale, i + w));
                TVec f2 = TL.Load(ref Unsafe.Add(ref rescale, i + 2 * w)), f3 = TL.Load(ref Unsafe.Add(ref rescale, i + 3 * w));
                ref double r0 = ref Unsafe.Add(ref output, c * width + i);
                ref double r1 = ref Unsafe.Add(ref r0, width);
                ref double r2 = ref Unsafe.Add(ref r1, width);
                ref double r3 = ref Unsafe.Add(ref r2, width);
                TVec a00 = TL.Multiply(TL.Load(ref r0), f0), a01 = TL.Multiply(TL.Load(ref Unsafe.Add(ref r0, w)), f1), a02 = TL.Multiply(TL.Load(ref Unsafe.Add(ref r0, 2 * w)), f2), a03 = TL.Multiply(TL.Load(ref Unsafe.Add(ref r0, 3 * w)), f3);
                TVec a10 = TL.Multiply(TL.Load(ref r1), f0), a11 = TL.Multiply(TL.Load(ref Unsafe.Add(ref r1, w)), f1), a12 = TL.Multiply(TL.Load(ref Unsafe.Add(ref r1, 2 * w)), f2), a13 = TL.Multiply(TL.Load(ref Unsafe.Add(ref r1, 3 * w)), f3);
                TVec a20 = TL.Multiply(TL.Load(ref r2), f0), a21 = TL.Multiply(TL.Load(ref Unsafe.Add(ref r2, w)), f1), a22 = TL.Multiply(TL.Load(ref Unsafe.Add(ref r2, 2 * w)), f2), a23 = TL.Multiply(TL.Load(ref Unsafe.Add(ref r2, 3 * w)), f3);
                TVec a30 = TL.Multiply(TL.Load(ref r3), f0), a31 = TL.Multiply(TL.Load(ref Unsafe.Add(ref r3, w)), f1), a32 = TL.Multiply(TL.Load(ref Unsafe.Add(ref r3, 2 * w)), f2), a33 = TL.Multiply(TL.Load(ref Unsafe.Add(ref r3, 3 * w)), f3);
                int keys = s.GroupKeys[i / FusedAttentionKernel.Group];
                ref double pj = ref Unsafe.Add(ref tile, i);
                // Past the last value column (d_v not a multiple of 4) repeat the last one: those
                // rows of Oᵀ are computed and never written out.
                int last = p.ValueWidth - 1;
                nint v1 = (nint)Math.Min(c + 1, last) * stride - (nint)c * stride;
                nint v2 = (nint)Math.Min(c + 2, last) * stride - (nint)c * stride;
                nint v3 = (nint)Math.Min(c + 3, last) * stride - (nint)c * stride;
                ref double vj = ref Unsafe.Add(ref values, (nint)c * stride);
                for (int j = 0; j < keys; j++)
                {
                    TVec x0 = TL.Load(ref pj), x1 = TL.Load(ref Unsafe.Add(ref pj, w));
                    TVec x2 = TL.Load(ref Unsafe.Add(ref pj, 2 * w)), x3 = TL.Load(ref Unsafe.Add(ref pj, 3 * w));
                    TVec b = TL.Splat(vj);
                    a00 = TL.MultiplyAdd(b, x0, a00); a01 = TL.MultiplyAdd(b, x1, a01); a02 = TL.MultiplyAdd(b, x2, a02); a03 = TL.MultiplyAdd(b, x3, a03);
                    b = TL.Splat(Unsafe.Add(ref vj, v1));
                    a10 = TL.MultiplyAdd(b, x0, a10); a11 = TL.MultiplyAdd(b, x1, a11); a12 = TL.MultiplyAdd(b, x2, a12); a13 = TL.MultiplyAdd(b, x3, a13);
                    b = TL.Splat(Unsafe.Add(ref vj, v2));
                    a20 = TL.MultiplyAdd(b, x0, a20); a21 = TL.MultiplyAdd(b, x1, a21); a22 = TL.MultiplyAdd(b, x2, a22); a23 = TL.MultiplyAdd(b, x3, a23);
                    b = TL.Splat(Unsafe.Add(ref vj, v3));
                    a30 = TL.MultiplyAdd(b, x0, a30); a31 = TL.MultiplyAdd(b, x1, a31); a32 = TL.MultiplyAdd(b, x2, a32); a33 = TL.MultiplyAdd(b, x3, a33);
                    pj = ref Unsafe.Add(ref pj, width);
                    vj = ref Unsafe.Add(ref vj, 1);
                }
                TL.Store(a00, ref r0); TL.Store(a01, ref Unsafe.Add(ref r0, w)); TL.Store(a02, ref Unsafe.Add(ref r0, 2 * w)); TL.Store(a03, ref Unsafe.Add(ref r0, 3 * w));
                TL.Store(a10, ref r1); TL.Store(a11, ref Unsafe.Add(ref r1, w)); TL.Store(a12, ref Unsafe.Add(ref r1, 2 * w)); TL.Store(a13, ref Unsafe.Add(ref r1, 3 * w));
                TL.Store(a20, ref r2); TL.Store(a21, ref Unsafe.Add(ref r2, w)); TL.Store(a22, ref Unsafe.Add(ref r2, 2 * w)); TL.Store(a23, ref Unsafe.Add(ref r2, 3 * w));
                TL.Store(a30, ref r3); TL.Store(a31, ref Unsafe.Add(ref r3, w)); TL.Store(a32, ref Unsafe.Add(ref r3, 2 * w)); TL.Store(a33, ref Unsafe.Add(ref r3, 3 * w));
            }
    }

    /// <summary>Output row i = accumulated row / running sum; returns the first row with nothing visible (or −1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WriteOutput(FusedProblem p, FusedScratch s, int q0, int rows)
    {
        int w = TL.Count, width = p.QueryBlock, n = p.Queries;
        TVec one = TL.Splat(1.0);
        for (int c = 0; c < p.ValueWidth; c++)
        {
            int i = 0;
            for (; i + w <= rows; i += w)
            {
                // A fully masked row has sum 0 and an all-zero accumulator: dividing by 1 keeps it 0.
                TVec sum = TL.ReplaceZero(TL.Load(ref s.RunningSum[i]), one);
                TL.Store(TL.Divide(TL.Load(ref s.O[c * width + i]), sum), ref p.Output[c * n + q0 + i]);
            }
            for (; i < rows; i++)
            {
                double sum = s.RunningSum[i];
                p.Output[c * n + q0 + i] = sum == 0 ? 0 : s.O[c * width + i] / sum;
            }
        }
        for (int i = 0; i < rows; i++)
            if (s.RunningSum[i] == 0) return q0 + i;
        return -1;
    }

    /// <summary>Second pass, only when weights are asked for: recompute the scores and normalise them with the final max and sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteWeights(FusedProblem p, FusedScratch s, int q0, int rows, int k0, bool partlyHidden)
    {
        int w = TL.Count, width = p.QueryBlock, n = p.Queries;
        TVec zero = TL.Zero, one = TL.Splat(1.0);
        double[] weights = p.Weights!;
        for (int i = 0; i < rows; i += w)
        {
            int keys = s.GroupKeys[i / FusedAttentionKernel.Group];
            TVec offset = TL.ReplaceNegativeInfinity(TL.Load(ref s.RunningMax[i]), zero);
            TVec sum = TL.ReplaceZero(TL.Load(ref s.RunningSum[i]), one);
            if (p.Mask is not null || partlyHidden) Hide(p, s, q0, i, k0, keys, partlyHidden);
            for (int j = 0; j < keys; j++)
            {
                TVec x = TL.Load(ref s.S[j * width + i]);
                TVec weight = TL.Divide(TL.Exp(TL.Subtract(x, offset)), sum);
                int at = p.KeptKeys[k0 + j] * n + q0 + i;
                if (i + w <= rows)
                    TL.Store(weight, ref weights[at]);
                else
                {
                    TL.Store(weight, ref s.Lanes[0]);
                    s.Lanes[..(rows - i)].CopyTo(weights.AsSpan(at));
                }
            }
        }
    }

    /// <summary>The general mask's values for queries query0.. (one vector) and compacted key c; −∞ past the last query.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec MaskLanes(FusedProblem p, FusedScratch s, int query0, int c)
    {
        int at = p.KeptKeys[c] * p.Queries + query0;
        int valid = p.Queries - query0;
        if (valid >= TL.Count) return TL.Load(ref p.Mask![at]);
        if (valid <= 0) return TL.Splat(double.NegativeInfinity);
        Span<double> lanes = s.Lanes[..TL.Count];
        lanes.Fill(double.NegativeInfinity);
        p.Mask.AsSpan(at, valid).CopyTo(lanes);
        return TL.Load(ref lanes[0]);
    }
}
