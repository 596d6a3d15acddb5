using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Kernels;

/// <summary>How the fused kernel of lesson 11 cuts the work: block sizes and how many cores it may use.</summary>
public sealed record FusedAttentionOptions
{
    /// <summary>Queries per block (a multiple of 32): one worker computes a block's outputs from start to end.</summary>
    public int QueryBlock { get; init; } = 64;

    /// <summary>Keys per block (a multiple of 4): the unit of work the causal mask can skip.</summary>
    public int KeyBlock { get; init; } = 64;

    /// <summary>How many query blocks may run at once; −1 (the default) uses every core, 1 runs on the calling thread.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Vector width to use: 0 picks the widest the hardware accelerates; 8, 4 or 1 force one (tests use this).</summary>
    internal int Lanes { get; init; }

    /// <summary>
    /// Exponentiate fully visible score tiles with TensorPrimitives.Exp (one span call per tile) instead of the
    /// kernel's own exp in registers; the benchmarks measure both.
    /// </summary>
    internal bool LibraryExp { get; init; }
}

/// <summary>The result of <c>FusedAttention.Compute</c> (lesson 11).</summary>
/// <param name="Output">softmax(Q Kᵀ / √d_k + mask) V, queries × d_v: the same as <see cref="AttentionResult.Output"/>.</param>
/// <param name="Weights">The attention weights (queries × keys) when asked for with returnWeights, otherwise null (never built).</param>
/// <param name="ScoresComputed">How many query–key scores the kernel computed (a skipped block counts 0).</param>
/// <param name="ScoresInFullMatrix">queries × keys: what the readable attention computes.</param>
public sealed record FusedAttentionResult(
    Matrix<double> Output,
    Matrix<double>? Weights,
    long ScoresComputed,
    long ScoresInFullMatrix);

/// <summary>
/// Scaled dot-product attention, the fast way (lesson 11): the same result as
/// <see cref="Attention.ScaledDotProduct(MathNet.Numerics.LinearAlgebra.Matrix{double}, MathNet.Numerics.LinearAlgebra.Matrix{double}, MathNet.Numerics.LinearAlgebra.Matrix{double}, MathNet.Numerics.LinearAlgebra.Matrix{double}?, FullyMaskedRowPolicy)"/>, without ever building the queries × keys matrix.
/// Tiled over query and key blocks with an online softmax, so memory grows with n, not n²; key
/// blocks the causal mask hides are skipped and PAD keys are dropped before any work;
/// vectorised, and parallel over query blocks.
/// </summary>
public static class FusedAttention
{
    /// <summary>
    /// softmax(Q Kᵀ / √d_k + mask) V with the mask given by its structure, so hidden work can be skipped:
    /// <paramref name="causal"/> is <see cref="Masks.Causal(int, int)"/> (query i sees keys up to
    /// i + keys − queries), <paramref name="keyIsPad"/> is <see cref="Masks.Padding(IReadOnlyList{bool}, int)"/>,
    /// and <paramref name="mask"/> is any additive queries × keys mask (added, not skipped). All
    /// given masks combine as in <see cref="Masks.Combine"/>. Fully masked rows follow
    /// <paramref name="policy"/> exactly as <see cref="Softmax.Rows"/> does.
    /// </summary>
    /// <param name="q">Queries × d_k.</param>
    /// <param name="k">Keys × d_k.</param>
    /// <param name="v">Keys × d_v.</param>
    /// <param name="causal">Hide the keys after each query's position (the look-ahead mask).</param>
    /// <param name="keyIsPad">One flag per key: true hides that key from every query (the padding mask).</param>
    /// <param name="mask">Any additional additive mask, queries × keys (0 visible, −∞ hidden).</param>
    /// <param name="policy">What to do with a query that sees no key at all.</param>
    /// <param name="returnWeights">Also build the queries × keys weights (costs the n² memory the kernel otherwise avoids).</param>
    /// <param name="options">Block sizes and parallelism.</param>
    /// <param name="output">A dense queries × d_v matrix to write the output into (its old contents are overwritten), instead of a new one.</param>
    /// <exception cref="InvalidOperationException">A query sees no key and the policy is <see cref="FullyMaskedRowPolicy.Throw"/>.</exception>
    public static FusedAttentionResult Compute(
        Matrix<double> q,
        Matrix<double> k,
        Matrix<double> v,
        bool causal = false,
        IReadOnlyList<bool>? keyIsPad = null,
        Matrix<double>? mask = null,
        FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Throw,
        bool returnWeights = false,
        FusedAttentionOptions? options = null,
        Matrix<double>? output = null)
    {
        Validate(q, k, v, causal, keyIsPad, mask);
        var (kept, limit) = Visibility(q.RowCount, k.RowCount, causal, keyIsPad);
        return Visible(q, k, v, kept, null, limit, mask, policy, returnWeights, options, output);
    }

    /// <summary>
    /// The attention once the mask is known as the keys kept (not PAD) and, per query, the window of kept keys it
    /// sees (start, or 0, up to limit), with an optional additive mask on top.
    /// </summary>
    private static FusedAttentionResult Visible(
        Matrix<double> q, Matrix<double> k, Matrix<double> v, int[] kept, int[]? start, int[] limit, Matrix<double>? mask,
        FullyMaskedRowPolicy policy, bool returnWeights, FusedAttentionOptions? options, Matrix<double>? output)
    {
        Guard.Defined(policy, nameof(policy));
        if (output is not null && output.AsColumnMajorArray() is { } target
            && new[] { q, k, v }.Any(input => ReferenceEquals(input.AsColumnMajorArray(), target)))
            throw new ArgumentException(
                "output shares its storage with q, k or v: expected a matrix of its own, actual one the kernel would overwrite "
                + "while it still reads it.", nameof(output));
        if (output is not null && (output.RowCount != q.RowCount || output.ColumnCount != v.ColumnCount || output.AsColumnMajorArray() is null))
            throw new ArgumentException(
                $"output must be a dense queries × d_v = {q.RowCount} × {v.ColumnCount} matrix, but it is {(output.AsColumnMajorArray() is null ? "not dense, " : "")}{Masks.Shape(output)}.",
                nameof(output));
        options ??= new FusedAttentionOptions();
        var (queryBlock, keyBlock) = BlockSizes(q.RowCount, k.RowCount, options);
        if (options.MaxDegreeOfParallelism is 0 or < -1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be −1 (all cores) or at least 1.");

        // Without a general mask the visible keys are known before any arithmetic: a query with
        // none visible is reported now. With one, it is found by the kernel (its sum stays 0).
        if (mask is null && policy == FullyMaskedRowPolicy.Throw)
            for (int i = 0; i < limit.Length; i++)
                if (limit[i] <= (start?[i] ?? 0))
                    throw Softmax.FullyMaskedRow(i);

        int nq = q.RowCount, nk = k.RowCount, dk = q.ColumnCount, dv = v.ColumnCount;
        // The kernel writes every cell of the output, so a new one need not be zeroed first.
        output ??= Matrix<double>.Build.Dense(nq, dv, GC.AllocateUninitializedArray<double>(nq * dv));
        var weights = returnWeights ? Matrix<double>.Build.Dense(nq, nk) : null;
        bool keysInPlace = kept.Length == nk && nk % 4 == 0;
        var keys = keysInPlace ? ColumnMajor(k) : KeyPanels(ColumnMajor(k), nk, dk, kept, keyBlock);
        var values = kept.Length == nk ? ColumnMajor(v) : KeptValues(ColumnMajor(v), nk, dv, kept);
        try
        {
            var result = Run(q, nk, mask, policy, options, queryBlock, keyBlock, kept, start, limit, output, weights, keys, keysInPlace, values);
            if (policy is FullyMaskedRowPolicy.NaN or FullyMaskedRowPolicy.Uniform)
                FillFullyMaskedRows(result, v, kept, start, limit, mask, policy);
            return result;
        }
        finally
        {
            if (!keysInPlace) ReturnCopy(keys);
            if (kept.Length != nk) ReturnCopy(values);
        }
    }

    /// <summary>
    /// The same attention with the mask given as a <see cref="Mask"/> (lessons 11 and 12). A causal mask, a key
    /// padding mask and their and are skipped block by block as with <c>causal</c> and <c>keyIsPad</c>; any other
    /// mask is added cell by cell (its additive matrix), which is exact but skips nothing.
    /// </summary>
    public static FusedAttentionResult Compute(
        Matrix<double> q,
        Matrix<double> k,
        Matrix<double> v,
        Mask mask,
        FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Throw,
        bool returnWeights = false,
        FusedAttentionOptions? options = null,
        Matrix<double>? output = null)
    {
        Guard.NotNull(q, nameof(q));
        Guard.NotNull(k, nameof(k));
        Guard.MaskShape(mask, q.RowCount, k.RowCount, nameof(mask));
        var parts = mask.Parts;
        if (parts.IsOther)
            return Compute(q, k, v, mask: mask.ToAdditive(), policy: policy, returnWeights: returnWeights, options: options, output: output);
        Validate(q, k, v, false, null, null);

        // The window each query sees, counted in kept (non-PAD) keys: keptBefore[j] kept keys come before key j.
        int nq = q.RowCount, nk = k.RowCount;
        int[] kept = parts.KeyIsPad is { } pads ? [.. Enumerable.Range(0, nk).Where(j => !pads[j])] : [.. Enumerable.Range(0, nk)];
        var keptBefore = new int[nk + 1];
        for (int j = 0; j < nk; j++) keptBefore[j + 1] = keptBefore[j] + (parts.KeyIsPad?[j] == true ? 0 : 1);
        var start = new int[nq];
        var limit = new int[nq];
        for (int i = 0; i < nq; i++)
        {
            var (from, to) = parts.Window?.Invoke(i) ?? (0, nk);
            start[i] = keptBefore[Math.Clamp(from, 0, nk)];
            limit[i] = Math.Max(start[i], keptBefore[Math.Clamp(to, 0, nk)]);
        }
        return Visible(q, k, v, kept, start, limit, null, policy, returnWeights, options, output);
    }

    /// <summary>
    /// The kernel leaves a query that sees no key at 0 (the <see cref="FullyMaskedRowPolicy.Zeros"/> answer);
    /// under NaN or Uniform its row is rewritten as <see cref="Softmax.Rows"/> would have it: NaN, or equal
    /// weights on every key (PAD keys included) and the mean of all values.
    /// </summary>
    private static void FillFullyMaskedRows(
        FusedAttentionResult result, Matrix<double> v, int[] kept, int[]? start, int[] limit, Matrix<double>? mask, FullyMaskedRowPolicy policy)
    {
        int nq = result.Output.RowCount, nk = v.RowCount;
        Vector<double>? mean = null;
        for (int i = 0; i < nq; i++)
        {
            bool seesAKey = false;
            for (int j = start?[i] ?? 0; j < limit[i] && !seesAKey; j++)
                seesAKey = mask is null || !double.IsNegativeInfinity(mask[i, kept[j]]);
            if (seesAKey) continue;
            mean ??= v.ColumnSums() / nk;
            result.Output.SetRow(i, policy == FullyMaskedRowPolicy.NaN
                ? Vector<double>.Build.Dense(v.ColumnCount, double.NaN)
                : mean);
            result.Weights?.SetRow(i, Softmax.FullyMaskedWeights(nk, policy));
        }
    }

    private static FusedAttentionResult Run(
        Matrix<double> q, int nk, Matrix<double>? mask, FullyMaskedRowPolicy policy, FusedAttentionOptions options,
        int queryBlock, int keyBlock, int[] kept, int[]? start, int[] limit, Matrix<double> output, Matrix<double>? weights,
        double[] keys, bool keysInPlace, double[] values)
    {
        int nq = q.RowCount, dk = q.ColumnCount, dv = output.ColumnCount;
        var problem = new FusedProblem
        {
            Queries = nq, KeyWidth = dk, ValueWidth = dv, ValueWidthPadded = (dv + 3) / 4 * 4,
            Scale = 1.0 / Math.Sqrt(dk),
            Q = ColumnMajor(q),
            Keys = keys,
            KeysInPlace = keysInPlace,
            Values = values,
            KeptCount = kept.Length,
            KeptKeys = kept,
            Limit = limit,
            Start = start,
            Mask = mask is null ? null : CheckedMask(mask),
            QueryBlock = queryBlock,
            KeyBlock = keyBlock,
            LibraryExp = options.LibraryExp,
            Output = output.AsColumnMajorArray(),
            Weights = weights?.AsColumnMajorArray(),
        };

        var run = Kernel(options.Lanes);
        int blocks = (nq + queryBlock - 1) / queryBlock;
        int workers = Math.Min(options.MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : options.MaxDegreeOfParallelism, blocks);
        long computed = 0;
        int firstFullyMasked = int.MaxValue;
        int next = -1;

        // Workers take query blocks from a shared counter, last block first: under a causal mask
        // the last blocks see the most keys, and starting with them keeps the cores evenly busy.
        void Work(FusedScratch scratch)
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < blocks)
            {
                var (c, f) = run(problem, scratch, (blocks - 1 - b) * queryBlock);
                Interlocked.Add(ref computed, c);
                if (f >= 0)
                {
                    int seen;
                    while (f < (seen = Volatile.Read(ref firstFullyMasked)) &&
                           Interlocked.CompareExchange(ref firstFullyMasked, f, seen) != seen) { }
                }
            }
        }

        if (workers == 1)
            Work(FusedScratch.For(problem));
        else
            ForkJoin.Run(workers, () => Work(FusedScratch.For(problem)));

        if (firstFullyMasked != int.MaxValue && policy == FullyMaskedRowPolicy.Throw)
            throw Softmax.FullyMaskedRow(firstFullyMasked);
        return new FusedAttentionResult(output, weights, computed, (long)nq * nk);
    }

    /// <summary>
    /// Which (query block, key block) pairs <c>Compute</c> computes, skips or masks, for
    /// the causal and padding masks (lesson 11's heatmap). Columns are blocks of the keys that
    /// remain once PAD keys are dropped.
    /// </summary>
    public static BlockWork[,] Blocks(
        int queries,
        int keys,
        bool causal = false,
        IReadOnlyList<bool>? keyIsPad = null,
        FusedAttentionOptions? options = null)
    {
        if (queries <= 0) throw new ArgumentOutOfRangeException(nameof(queries), queries, $"queries must be at least 1, got {queries}.");
        if (keys <= 0) throw new ArgumentOutOfRangeException(nameof(keys), keys, $"keys must be at least 1, got {keys}.");
        ValidateStructure(queries, keys, causal, keyIsPad);
        var (queryBlock, keyBlock) = BlockSizes(queries, keys, options ?? new FusedAttentionOptions());
        var (kept, limit) = Visibility(queries, keys, causal, keyIsPad);
        int rows = (queries + queryBlock - 1) / queryBlock, cols = Math.Max(1, (kept.Length + keyBlock - 1) / keyBlock);
        var map = new BlockWork[rows, cols];
        for (int b = 0; b < rows; b++)
        {
            int q0 = b * queryBlock, fewest = limit[q0], most = limit[Math.Min(q0 + queryBlock, queries) - 1];
            for (int c = 0; c < cols; c++)
            {
                int k0 = c * keyBlock, k1 = Math.Min(k0 + keyBlock, kept.Length);
                map[b, c] = k0 >= most ? BlockWork.Skipped : k1 > fewest ? BlockWork.Masked : BlockWork.Full;
            }
        }
        return map;
    }

    private static Func<FusedProblem, FusedScratch, int, (long, int)> Kernel(int lanes) => lanes switch
    {
        0 when Vector512.IsHardwareAccelerated => FusedAttentionKernel<Vector512<double>, Lanes512>.QueryBlock,
        0 when Vector256.IsHardwareAccelerated => FusedAttentionKernel<Vector256<double>, Lanes256>.QueryBlock,
        0 or 1 => FusedAttentionKernel<double, LanesScalar>.QueryBlock,
        8 => FusedAttentionKernel<Vector512<double>, Lanes512>.QueryBlock,
        4 => FusedAttentionKernel<Vector256<double>, Lanes256>.QueryBlock,
        _ => throw new ArgumentOutOfRangeException(nameof(lanes), lanes, "Lanes must be 0 (automatic), 8, 4 or 1."),
    };

    private static (int Query, int Key) BlockSizes(int queries, int keys, FusedAttentionOptions options)
    {
        if (options.QueryBlock <= 0 || options.QueryBlock % 32 != 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.QueryBlock, $"QueryBlock must be a positive multiple of 32, got {options.QueryBlock}.");
        if (options.KeyBlock <= 0 || options.KeyBlock % 4 != 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.KeyBlock, $"KeyBlock must be a positive multiple of 4, got {options.KeyBlock}.");
        // A short sequence needs no block wider than itself (rounded up to the kernel's 32 lanes, keys to 4).
        int query = (int)Math.Min(options.QueryBlock, ((long)queries + 31) / 32 * 32);
        int key = (int)Math.Min(options.KeyBlock, ((long)keys + 3) / 4 * 4);
        const long largestTile = 1 << 24; // 128 MB of scores per thread: past this a block is no longer a tile
        if ((long)query * key > largestTile)
            throw new ArgumentOutOfRangeException(nameof(options), $"QueryBlock × KeyBlock = {query} × {key} scores per tile: "
                + $"expected at most {largestTile} (blocks are meant to fit the cache: 64 × 64 is the default).");
        return (query, key);
    }

    /// <summary>
    /// The causal and padding masks reduced to two arrays: the keys that are not PAD (in order),
    /// and for each query how many of those it may see. Because the kept keys stay in order, the
    /// keys a query sees under causal + padding are always a prefix of them.
    /// </summary>
    private static (int[] Kept, int[] Limit) Visibility(int queries, int keys, bool causal, IReadOnlyList<bool>? keyIsPad)
    {
        int[] kept = keyIsPad is null
            ? Enumerable.Range(0, keys).ToArray()
            : Enumerable.Range(0, keys).Where(j => !keyIsPad[j]).ToArray();
        var limit = new int[queries];
        int offset = keys - queries, seen = 0;
        for (int i = 0; i < queries; i++)
        {
            if (!causal) { limit[i] = kept.Length; continue; }
            while (seen < kept.Length && kept[seen] <= i + offset) seen++;
            limit[i] = seen;
        }
        return (kept, limit);
    }

    // The copies of K and V made when some keys are PAD come from the shared pool and go back to it.
    private static double[] RentCopy(int length) => System.Buffers.ArrayPool<double>.Shared.Rent(length);

    private static void ReturnCopy(double[] array) => System.Buffers.ArrayPool<double>.Shared.Return(array);

    /// <summary>K's kept rows, transposed into one d_k × KeyBlock panel per key block.</summary>
    private static double[] KeyPanels(double[] k, int nk, int dk, int[] kept, int keyBlock)
    {
        int blocks = Math.Max(1, (kept.Length + keyBlock - 1) / keyBlock);
        // Rented, not cleared: past the kept keys a panel holds leftovers, which only reach score
        // rows the kernel then ignores (it computes keys 4 at a time).
        var panels = RentCopy(blocks * dk * keyBlock);
        bool contiguous = kept.Length == nk;
        for (int b = 0; b < blocks; b++)
        {
            int k0 = b * keyBlock, count = Math.Min(keyBlock, kept.Length - k0);
            for (int t = 0; t < dk; t++)
            {
                var row = panels.AsSpan((b * dk + t) * keyBlock, count);
                // Column-major K is Kᵀ row-major: without PAD keys a panel row is one copy.
                if (contiguous) k.AsSpan(t * nk + k0, count).CopyTo(row);
                else for (int j = 0; j < count; j++) row[j] = k[t * nk + kept[k0 + j]];
            }
        }
        return panels;
    }

    /// <summary>V without its PAD rows, still column-major (only needed when some key is PAD).</summary>
    private static double[] KeptValues(double[] v, int nk, int dv, int[] kept)
    {
        var values = RentCopy(Math.Max(1, kept.Length * dv));
        for (int c = 0; c < dv; c++)
        {
            var from = v.AsSpan(c * nk, nk);
            var to = values.AsSpan(c * kept.Length, kept.Length);
            for (int j = 0; j < to.Length; j++) to[j] = from[kept[j]];
        }
        return values;
    }

    private static double[] ColumnMajor(Matrix<double> m) => m.AsColumnMajorArray() ?? m.ToColumnMajorArray();

    private static double[] CheckedMask(Matrix<double> mask)
    {
        var data = ColumnMajor(mask);
        int at = Array.FindIndex(data, x => double.IsNaN(x) || double.IsPositiveInfinity(x));
        if (at >= 0)
            throw new ArgumentException(
                $"mask[{at % mask.RowCount}, {at / mask.RowCount}] is {data[at]}: an additive mask holds finite numbers or −∞.",
                nameof(mask));
        return data;
    }


    private static void Validate(Matrix<double> q, Matrix<double> k, Matrix<double> v, bool causal, IReadOnlyList<bool>? keyIsPad, Matrix<double>? mask)
    {
        Attention.CheckShapes(q, k, v, mask);
        ValidateStructure(q.RowCount, k.RowCount, causal, keyIsPad);
        Attention.CheckFinite(q, k, v);
    }

    private static void ValidateStructure(int queries, int keys, bool causal, IReadOnlyList<bool>? keyIsPad)
    {
        if (causal && queries > keys)
            throw new ArgumentException(
                $"A causal mask needs at least as many keys as queries: expected keys ≥ {queries}, got keys = {keys}.",
                nameof(causal));
        if (keyIsPad is not null && keyIsPad.Count != keys)
            throw new ArgumentException(
                $"keyIsPad needs one flag per key: expected {keys} flags, got {keyIsPad.Count}.",
                nameof(keyIsPad));
    }

    // x · 0 is 0 for every finite x and NaN for ±∞ and NaN, so one vectorised pass finds any. Four
    // running sums instead of one, so the adds need not wait for each other.

}
