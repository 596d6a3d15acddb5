using AttentionLab.Kernels;
using CsCheck;
using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

public class FusedAttentionTests
{
    public enum MaskKind { None, Causal, Padding, CausalAndPadding, General }

    /// <summary>One random comparison: inputs, the mask by its structure, and how the kernel is cut.</summary>
    public sealed record Case(
        MaskKind Kind,
        Matrix<double> Q,
        Matrix<double> K,
        Matrix<double> V,
        bool[] KeyIsPad,
        Matrix<double>? General,
        FullyMaskedRowPolicy Policy,
        bool ReturnWeights,
        FusedAttentionOptions Options)
    {
        public bool Causal => Kind is MaskKind.Causal or MaskKind.CausalAndPadding;
        public bool Padded => Kind is MaskKind.Padding or MaskKind.CausalAndPadding;

        /// <summary>The additive mask the readable attention gets for the same structure.</summary>
        public Matrix<double>? ReadableMask()
        {
            var parts = new List<Matrix<double>>();
            if (Causal) parts.Add(Masks.Causal(Q.RowCount, K.RowCount));
            if (Padded) parts.Add(Masks.Padding(KeyIsPad, Q.RowCount));
            if (General is not null) parts.Add(General);
            return parts.Count == 0 ? null : Masks.Combine([.. parts]);
        }

        public FusedAttentionResult Fused() => FusedAttention.Compute(
            Q, K, V, causal: Causal, keyIsPad: Padded ? KeyIsPad : null, mask: General,
            policy: Policy, returnWeights: ReturnWeights, options: Options);

        public override string ToString() =>
            $"{Kind}: q {Q.RowCount}×{Q.ColumnCount}, k {K.RowCount}, d_v {V.ColumnCount}, pads [{string.Join("", KeyIsPad.Select(p => p ? 'P' : '.'))}], " +
            $"{Policy}, weights {ReturnWeights}, blocks {Options.QueryBlock}×{Options.KeyBlock}, lanes {Options.Lanes}, cores {Options.MaxDegreeOfParallelism}";
    }

    // Sizes around the block sizes used below (32, 64, 96 queries; 4, 8, 12, 64 keys), and small ones.
    private static readonly Gen<int> Size = Gen.OneOf(Gen.Int[1, 40], Gen.OneOf(1, 3, 4, 5, 31, 32, 33, 63, 64, 65, 95, 97, 129));

    private static readonly Gen<FusedAttentionOptions> Options =
        from queryBlock in Gen.OneOf(32, 64, 96)
        from keyBlock in Gen.OneOf(4, 8, 12, 64)
        from lanes in Gen.OneOf(0, 4, 1)
        from cores in Gen.OneOf(1, -1)
        select new FusedAttentionOptions { QueryBlock = queryBlock, KeyBlock = keyBlock, Lanes = lanes, MaxDegreeOfParallelism = cores };

    private static Gen<bool[]> Pads(int keys) =>
        from share in Gen.OneOf(0.0, 0.3, 0.7, 1.0)
        from draws in Gen.Double[0, 1].Array[keys]
        select draws.Select(x => x < share).ToArray();

    // −∞ in about a third of the cells, small finite values elsewhere (a bias, like ALiBi's).
    private static Gen<Matrix<double>> GeneralMask(int queries, int keys) =>
        from hidden in Gen.Double[0, 1].Array[queries * keys]
        from bias in Gen.Double[-2, 2].Array[queries * keys]
        select Matrix<double>.Build.Dense(queries, keys, (i, j) => hidden[j * queries + i] < 0.35 ? Masks.Hidden : bias[j * queries + i]);

    private static readonly Gen<Case> Cases =
        from kind in Gen.OneOf(Enum.GetValues<MaskKind>())
        from nq in Size
        from cached in Gen.OneOf(Gen.Const(0), Gen.Int[1, 40])
        from free in Size
        let nk = kind is MaskKind.Causal or MaskKind.CausalAndPadding ? nq + cached : free
        from dk in Gen.OneOf(Gen.Int[1, 12], Gen.OneOf(16, 33, 64, 70))
        from dv in Gen.OneOf(Gen.Int[1, 12], Gen.OneOf(16, 33, 64, 70))
        from q in Generators.Matrix(nq, dk)
        from k in Generators.Matrix(nk, dk)
        from v in Generators.Matrix(nk, dv)
        from pads in Pads(nk)
        from general in kind == MaskKind.General ? GeneralMask(nq, nk).Select(m => (Matrix<double>?)m) : Gen.Const((Matrix<double>?)null)
        from policy in Gen.OneOf(FullyMaskedRowPolicy.Throw, FullyMaskedRowPolicy.Zeros)
        from weights in Gen.Bool
        from options in Options
        select new Case(kind, q, k, v, pads, general, policy, weights, options);

    /// <summary>Equal within 1e-11 relative to the largest entry (absolute below 1).</summary>
    private static void Same(Matrix<double> expected, Matrix<double> actual, string what)
    {
        double largest = expected.Enumerate().Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        Check.Same(expected, actual, 1e-11 * Math.Max(1, largest), what);
    }

    private static void AssertSameAsReadable(Case c)
    {
        AttentionResult expected;
        try
        {
            expected = Attention.ScaledDotProduct(c.Q, c.K, c.V, c.ReadableMask(), c.Policy);
        }
        catch (InvalidOperationException readable)
        {
            var fused = Assert.Throws<InvalidOperationException>(() => c.Fused());
            Assert.Equal(readable.Message, fused.Message);
            return;
        }
        var actual = c.Fused();
        Same(expected.Output, actual.Output, "output");
        if (c.ReturnWeights) Same(expected.Weights, actual.Weights!, "weights");
        else Assert.Null(actual.Weights);
    }

    [Fact]
    public void Fused_attention_equals_the_readable_one_for_every_mask_size_and_block_size() =>
        Cases.Sample(AssertSameAsReadable, iter: 400, print: c => c.ToString());

    [Fact]
    public void Fully_masked_rows_follow_the_readable_policy_throw_names_the_row_and_zeros_gives_zeros()
    {
        // Left padding under a causal mask: the first queries see only PAD keys.
        var x = Matrix<double>.Build.Dense(70, 5, (i, j) => Math.Sin(i + 2 * j));
        bool[] pads = [.. Enumerable.Range(0, 70).Select(j => j < 37)];
        var mask = Masks.Combine(Masks.Causal(70), Masks.Padding(pads, 70));

        var readable = Assert.Throws<InvalidOperationException>(() => Attention.ScaledDotProduct(x, x, x, mask));
        var fused = Assert.Throws<InvalidOperationException>(() => FusedAttention.Compute(x, x, x, causal: true, keyIsPad: pads));
        Assert.Equal(readable.Message, fused.Message);
        Assert.StartsWith("Row 0 ", fused.Message);

        var zeros = FusedAttention.Compute(x, x, x, causal: true, keyIsPad: pads, policy: FullyMaskedRowPolicy.Zeros, returnWeights: true);
        Same(Attention.ScaledDotProduct(x, x, x, mask, FullyMaskedRowPolicy.Zeros).Output, zeros.Output, "output");
        for (int i = 0; i < 37; i++)
        {
            Assert.All(zeros.Output.Row(i), e => Assert.Equal(0.0, e));
            Assert.All(zeros.Weights!.Row(i), e => Assert.Equal(0.0, e));
        }
    }

    [Fact]
    public void A_general_mask_that_hides_a_later_row_is_reported_with_that_row()
    {
        var x = Matrix<double>.Build.Dense(40, 3, (i, j) => i - j);
        var mask = Matrix<double>.Build.Dense(40, 40);
        mask.SetRow(33, Enumerable.Repeat(Masks.Hidden, 40).ToArray());
        var readable = Assert.Throws<InvalidOperationException>(() => Attention.ScaledDotProduct(x, x, x, mask));
        var fused = Assert.Throws<InvalidOperationException>(() => FusedAttention.Compute(x, x, x, mask: mask));
        Assert.Equal(readable.Message, fused.Message);
        Assert.StartsWith("Row 33 ", fused.Message);
    }

    [Fact]
    public void Cached_decoding_queries_after_the_cached_keys_match_the_rectangular_causal_mask()
    {
        var q = Matrix<double>.Build.Dense(3, 8, (i, j) => Math.Cos(i * 8 + j));
        var k = Matrix<double>.Build.Dense(100, 8, (i, j) => Math.Sin(i * 8 + j));
        var expected = Attention.ScaledDotProduct(q, k, k, Masks.Causal(3, 100));
        var fused = FusedAttention.Compute(q, k, k, causal: true, returnWeights: true);
        Same(expected.Output, fused.Output, "output");
        Same(expected.Weights, fused.Weights!, "weights");
        // One query block: its keys are computed up to the last query's limit, then masked.
        Assert.Equal(3 * 100, fused.ScoresComputed);
    }

    [Fact]
    public void One_token_attends_to_itself_with_weight_one()
    {
        var x = Matrix<double>.Build.Dense(1, 4, (_, j) => j + 1.5);
        var r = FusedAttention.Compute(x, x, x, causal: true, returnWeights: true);
        Assert.Equal(1.0, r.Weights![0, 0]);
        Check.Same(x, r.Output, 0);
    }

    [Fact]
    public void Every_vector_width_gives_the_same_output() =>
        (from n in Gen.Int[1, 150]
         from d in Gen.Int[1, 40]
         from x in Generators.Matrix(n, d)
         select x)
        .Sample(x =>
        {
            var widths = new[] { 8, 4, 1 }.Select(lanes =>
                FusedAttention.Compute(x, x, x, causal: true, options: new FusedAttentionOptions { Lanes = lanes }).Output).ToArray();
            Same(widths[2], widths[0], "8 lanes vs scalar");
            Same(widths[2], widths[1], "4 lanes vs scalar");
        }, iter: 50);

    [Fact]
    public void The_causal_mask_skips_every_block_above_the_diagonal_and_masks_the_diagonal()
    {
        var map = FusedAttention.Blocks(256, 256, causal: true);
        Assert.Equal(4, map.GetLength(0));
        Assert.Equal(4, map.GetLength(1));
        for (int b = 0; b < 4; b++)
            for (int c = 0; c < 4; c++)
                Assert.Equal(c > b ? BlockWork.Skipped : c == b ? BlockWork.Masked : BlockWork.Full, map[b, c]);

        var x = Matrix<double>.Build.Dense(256, 4, (i, j) => Math.Sin(i * j));
        var r = FusedAttention.Compute(x, x, x, causal: true);
        // 6 full blocks + 4 diagonal blocks; in a diagonal block the first 32 queries stop at key 32.
        Assert.Equal(6 * 64 * 64 + 4 * (32 * 32 + 32 * 64), r.ScoresComputed);
        Assert.Equal(256 * 256, r.ScoresInFullMatrix);
    }

    [Fact]
    public void Pad_keys_are_dropped_before_any_score_is_computed()
    {
        var x = Matrix<double>.Build.Dense(100, 4, (i, j) => Math.Cos(i + j));
        bool[] pads = [.. Enumerable.Range(0, 100).Select(j => j % 4 == 3)];
        var r = FusedAttention.Compute(x, x, x, keyIsPad: pads);
        Assert.Equal(100 * 75, r.ScoresComputed);
        Assert.Equal(2, FusedAttention.Blocks(100, 100, keyIsPad: pads).GetLength(1)); // 75 kept keys = 2 blocks of 64
    }

    [Fact]
    public void The_fused_kernel_never_allocates_an_n_by_n_matrix()
    {
        const int n = 2048, d = 64;
        var random = new Random(10);
        var q = Matrix<double>.Build.Dense(n, d, (_, _) => random.NextDouble() - 0.5);
        var k = Matrix<double>.Build.Dense(n, d, (_, _) => random.NextDouble() - 0.5);
        var v = Matrix<double>.Build.Dense(n, d, (_, _) => random.NextDouble() - 0.5);
        // One thread, so every allocation is made on this one and counted.
        var oneThread = new FusedAttentionOptions { MaxDegreeOfParallelism = 1 };
        FusedAttention.Compute(q, k, v, causal: true, options: oneThread); // first call: code and pooled buffers

        long before = GC.GetAllocatedBytesForCurrentThread();
        FusedAttention.Compute(q, k, v, causal: true, options: oneThread);
        long fused = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        Attention.ScaledDotProduct(q, k, v, Masks.Causal(n));
        long readable = GC.GetAllocatedBytesForCurrentThread() - before;

        long square = (long)n * n * sizeof(double);
        Assert.True(fused < (long)n * d * sizeof(double) * 8, $"The fused kernel allocated {fused:N0} bytes; an n × n matrix is {square:N0}.");
        Assert.True(readable >= square, $"The readable attention allocated {readable:N0} bytes, expected at least one n × n matrix ({square:N0}).");
    }

    [Fact]
    public void The_output_can_be_written_into_a_given_matrix()
    {
        var x = Matrix<double>.Build.Dense(50, 6, (i, j) => Math.Sin(i * 3 + j));
        var into = Matrix<double>.Build.Dense(50, 6, double.NaN);
        var r = FusedAttention.Compute(x, x, x, causal: true, output: into);
        Assert.Same(into, r.Output);
        Same(Attention.ScaledDotProduct(x, x, x, Masks.Causal(50)).Output, into, "output");
    }

    [Fact]
    public void Bad_input_gets_an_argument_exception_naming_the_argument()
    {
        var q = Matrix<double>.Build.Dense(4, 3);
        var k = Matrix<double>.Build.Dense(2, 3);
        Assert.Equal("causal", Assert.Throws<ArgumentException>(() => FusedAttention.Compute(q, k, k, causal: true)).ParamName);
        Assert.Equal("keyIsPad", Assert.Throws<ArgumentException>(() => FusedAttention.Compute(q, k, k, keyIsPad: [true])).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => FusedAttention.Compute(q, k, k, mask: Masks.None(2, 4))).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentException>(() => FusedAttention.Compute(q, Matrix<double>.Build.Dense(2, 5), k)).ParamName);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() => FusedAttention.Compute(q, k, q)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => FusedAttention.Compute(q, k, k, output: Matrix<double>.Build.Dense(3, 3))).ParamName);
        var nan = q.Clone();
        nan[2, 1] = double.NaN;
        Assert.Contains("q[2, 1]", Assert.Throws<ArgumentException>(() => FusedAttention.Compute(nan, k, k)).Message);
        var plusInfinity = Masks.None(4, 2);
        plusInfinity[1, 1] = double.PositiveInfinity;
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => FusedAttention.Compute(q, k, k, mask: plusInfinity)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => FusedAttention.Compute(q, k, k, options: new FusedAttentionOptions { QueryBlock = 48 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => FusedAttention.Compute(q, k, k, options: new FusedAttentionOptions { KeyBlock = 6 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => FusedAttention.Compute(q, k, k, options: new FusedAttentionOptions { MaxDegreeOfParallelism = 0 }));
    }

    [Fact]
    public void The_vector_exp_agrees_with_Math_Exp_to_a_few_rounding_errors()
    {
        var random = new Random(3);
        double worst = 0;
        for (int i = 0; i < 200_000; i++)
        {
            double x = i < 100_000 ? -random.NextDouble() * 40 : -random.NextDouble() * 708;
            double e512 = Lanes512.Exp(Vector512.Create(x)).ToScalar();
            double e256 = Lanes256.Exp(Vector256.Create(x)).ToScalar();
            double exact = Math.Exp(x);
            worst = Math.Max(worst, Math.Max(Math.Abs(e512 - exact), Math.Abs(e256 - exact)) / exact);
        }
        Assert.True(worst < 1e-15, $"worst relative error {worst:G3}");
        Assert.Equal(0.0, Lanes512.Exp(Vector512.Create(double.NegativeInfinity)).ToScalar());
        Assert.Equal(1.0, Lanes512.Exp(Vector512<double>.Zero).ToScalar());
    }
}
