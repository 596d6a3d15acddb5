using System.Text.Json.Nodes;
using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>
/// The mask as one predicate (lessons 02, 03, 12): the predicate, its runs of visible keys, the additive
/// matrix and the block plan agree with each other for every kind of mask and their compositions, and with
/// the masks PyTorch builds (Fixtures/masks.json, written by make_mask_fixtures.py).
/// </summary>
public class MaskTests
{
    private static readonly JsonNode Torch = Fixture.Load("masks.json");

    /// <summary>Any mask of the course on an n × n shape.</summary>
    private static Gen<Mask> PrimitiveOf(int n) =>
        from kind in Gen.Int[0, 5]
        from window in Gen.Int[1, 12]
        from prefix in Gen.Int[0, n]
        from pads in Gen.Bool.Array[n]
        from documents in Gen.Int[0, 3].Array[n]
        select kind switch
        {
            0 => Mask.Causal(n),
            1 => Mask.KeyPadding(pads, n),
            2 => Mask.SlidingWindow(n, window),
            3 => Mask.Document(documents),
            4 => Mask.Prefix(n, prefix),
            _ => Mask.All(n, n),
        };

    /// <summary>Any mask of the course on a random square shape, or an and/or of two of them.</summary>
    private static readonly Gen<Mask> AnyMask =
        from n in Gen.Int[1, 12]
        from a in PrimitiveOf(n)
        from b in PrimitiveOf(n)
        from how in Gen.Int[0, 2]
        select how switch { 0 => a, 1 => a & b, _ => a | b };

    /// <summary>Masks with fewer or more queries than keys: the cache step's shapes.</summary>
    private static readonly Gen<Mask> Rectangular =
        from q in Gen.Int[1, 9]
        from k in Gen.Int[1, 9]
        from window in Gen.Int[1, 9]
        from kind in Gen.Int[0, 2]
        select kind switch
        {
            0 => Mask.Causal(q, k, CausalAlignment.LowerRight),
            1 => Mask.Causal(q, k, CausalAlignment.UpperLeft),
            _ => Mask.SlidingWindow(q, k, window),
        };

    private static void PredicateRunsAndMatrixAgree(Mask mask)
    {
        var additive = mask.ToAdditive();
        var keep = mask.ToKeep();
        var ignore = mask.ToIgnore();
        for (int i = 0; i < mask.Queries; i++)
        {
            var runs = mask.VisibleKeys(i);
            Assert.All(runs.Zip(runs.Skip(1)), pair => Assert.True(pair.First.To < pair.Second.From, $"{mask}: runs of row {i} overlap or touch"));
            for (int j = 0; j < mask.Keys; j++)
            {
                bool visible = mask.IsVisible(i, j);
                Assert.Equal(visible, runs.Any(r => r.From <= j && j < r.To));
                Assert.Equal(visible ? 0.0 : double.NegativeInfinity, additive[i, j]);
                Assert.Equal(visible, keep[i, j]);
                Assert.Equal(!visible, ignore[i, j]);
            }
        }

        Assert.Equal(keep.Cast<bool>().Count(k => k), mask.VisibleCount);
        Assert.Equal(Enumerable.Range(0, mask.Queries).Where(i => Enumerable.Range(0, mask.Keys).All(j => !keep[i, j])), mask.FullyMaskedRows());
    }

    [Fact]
    public void Predicate_runs_and_additive_matrix_agree_for_every_mask_and_composition()
    {
        AnyMask.Sample(PredicateRunsAndMatrixAgree, iter: 300);
        Rectangular.Sample(PredicateRunsAndMatrixAgree, iter: 100);
    }

    [Fact]
    public void Block_plan_skips_exactly_the_hidden_blocks_and_computes_whole_exactly_the_visible_ones()
    {
        var gen = from mask in Gen.OneOf(AnyMask, Rectangular)
                  from qb in Gen.Int[1, 5]
                  from kb in Gen.Int[1, 5]
                  select (mask, qb, kb);
        gen.Sample(t =>
        {
            var (mask, qb, kb) = t;
            var plan = mask.Plan(qb, kb);
            var keep = mask.ToKeep();
            Assert.Equal((mask.Queries + qb - 1) / qb, plan.Work.GetLength(0));
            Assert.Equal((mask.Keys + kb - 1) / kb, plan.Work.GetLength(1));
            long computed = 0;
            for (int b = 0; b < plan.Work.GetLength(0); b++)
                for (int c = 0; c < plan.Work.GetLength(1); c++)
                {
                    var cells = (from i in Enumerable.Range(b * qb, Math.Min(mask.Queries, (b + 1) * qb) - b * qb)
                                 from j in Enumerable.Range(c * kb, Math.Min(mask.Keys, (c + 1) * kb) - c * kb)
                                 select keep[i, j]).ToArray();
                    var expected = cells.All(k => k) ? BlockWork.Full : cells.Any(k => k) ? BlockWork.Masked : BlockWork.Skipped;
                    Assert.Equal(expected, plan.Work[b, c]);
                    if (expected != BlockWork.Skipped) computed += cells.Length;
                }
            Assert.Equal((double)computed / (mask.Queries * mask.Keys), plan.ComputedFraction, 12);
            Assert.True(plan.ComputedFraction >= mask.VisibleFraction - 1e-12);
        }, iter: 300);
    }

    [Fact]
    public void The_additive_masks_of_lessons_02_and_03_are_the_predicates_matrices()
    {
        var gen = from n in Gen.Int[1, 10]
                  from pads in Gen.Bool.Array[n]
                  from q in Gen.Int[1, 10]
                  select (n, pads, q);
        gen.Sample(t =>
        {
            var (n, pads, q) = t;
            Check.Same(Masks.Causal(n), Mask.Causal(n).ToAdditive(), 0);
            Check.Same(Masks.Padding(pads, q), Mask.KeyPadding(pads, q).ToAdditive(), 0);
            Check.Same(Masks.Combine(Masks.Causal(n), Masks.Padding(pads, n)), (Mask.Causal(n) & Mask.KeyPadding(pads, n)).ToAdditive(), 0);
            if (q <= n) Check.Same(Masks.Causal(q, n), Mask.Causal(q, n).ToAdditive(), 0);
        }, iter: 100);
    }

    public static TheoryData<int> TorchCases() => [.. Torch["cases"]!.AsArray().Select((_, i) => i)];

    [Theory, MemberData(nameof(TorchCases))]
    public void Each_mask_equals_the_one_PyTorch_builds(int index)
    {
        var c = Torch["cases"]![index]!;
        var expected = c["keep"]!.AsArray().Select(r => r!.AsArray().Select(x => (bool)x!).ToArray()).ToArray();
        int Int(string name) => (int)c[name]!;
        bool[] Flags(string name) => c[name]!.AsArray().Select(x => (bool)x!).ToArray();
        int[] Ids(string name) => c[name]!.AsArray().Select(x => (int)x!).ToArray();
        var mask = (string)c["kind"]! switch
        {
            "causal_upper_left" => Mask.Causal(Int("queries"), Int("keys"), CausalAlignment.UpperLeft),
            "causal_lower_right" => Mask.Causal(Int("queries"), Int("keys"), CausalAlignment.LowerRight),
            "square_subsequent" => Mask.Causal(Int("queries")),
            "key_padding" => Mask.KeyPadding(Flags("keyIsPad"), Int("queries")),
            "causal_and_key_padding" => Mask.Causal(Int("queries")) & Mask.KeyPadding(Flags("keyIsPad"), Int("queries")),
            "sliding_window" => Mask.SlidingWindow(Int("queries"), Int("keys"), Int("window")),
            "document" => Mask.Document(Ids("documentIds")),
            "document_and_causal" => Mask.Document(Ids("documentIds")) & Mask.Causal(Ids("documentIds").Length),
            "prefix" => Mask.Prefix(Int("n"), Int("prefixLength")),
            var kind => throw new InvalidDataException($"Unknown mask kind {kind} in masks.json."),
        };

        var keep = mask.ToKeep();
        Assert.Equal(expected.Length, mask.Queries);
        Assert.Equal(expected[0].Length, mask.Keys);
        for (int i = 0; i < mask.Queries; i++)
            Assert.Equal(expected[i], Enumerable.Range(0, mask.Keys).Select(j => keep[i, j]));
    }

    [Fact]
    public void Upper_left_and_lower_right_differ_exactly_when_queries_and_keys_differ()
    {
        Check.Same(Mask.Causal(4, 4, CausalAlignment.UpperLeft).ToAdditive(), Mask.Causal(4, 4, CausalAlignment.LowerRight).ToAdditive(), 0);
        // A cache step: one query, the last of six positions. Lower right lets it see every key; upper left only the first.
        Assert.Equal([new KeyRange(0, 6)], Mask.Causal(1, 6).VisibleKeys(0));
        Assert.Equal([new KeyRange(0, 1)], Mask.Causal(1, 6, CausalAlignment.UpperLeft).VisibleKeys(0));
        // More queries than keys: lower right leaves the first queries with nothing to see.
        Assert.Equal([0, 1], Mask.Causal(5, 3).FullyMaskedRows());
    }

    [Fact]
    public void Sliding_window_document_and_prefix_masks_see_what_lesson_12_says()
    {
        var window = Mask.SlidingWindow(8, 3);
        Assert.Equal([new KeyRange(3, 6)], window.VisibleKeys(5)); // keys i − w + 1 … i
        Assert.Equal([new KeyRange(0, 1)], window.VisibleKeys(0));

        var packed = Mask.Document([0, 0, 0, 1, 1]) & Mask.Causal(5);
        Assert.Equal([new KeyRange(3, 5)], packed.VisibleKeys(4)); // its own document only, causally
        Assert.Equal("document ∧ causal", packed.Name);

        var prefix = Mask.Prefix(6, 3);
        Assert.Equal([new KeyRange(0, 3)], prefix.VisibleKeys(0)); // the prefix sees itself both ways
        Assert.Equal([new KeyRange(0, 5)], prefix.VisibleKeys(4)); // then causal
        Assert.Equal(0.5, Mask.Document([0, 0, 1, 1]).VisibleFraction);
    }

    [Fact]
    public void Readable_attention_with_a_mask_equals_it_with_the_masks_matrix()
    {
        Generators.Attention.Sample(t =>
        {
            var (q, k, v, keyIsPad) = t;
            var mask = Mask.KeyPadding(keyIsPad, q.RowCount);
            var byMask = Attention.ScaledDotProduct(q, k, v, mask);
            var byMatrix = Attention.ScaledDotProduct(q, k, v, mask.ToAdditive());
            Check.Same(byMatrix.Output, byMask.Output, 0);
            Check.Same(byMatrix.MaskedScores, byMask.MaskedScores, 0);
        }, iter: 50);
    }

    [Fact]
    public void The_fused_kernel_with_a_mask_equals_the_readable_attention_with_it()
    {
        var gen = from mask in Gen.OneOf(AnyMask, Rectangular)
                  from d in Gen.Int[1, 6]
                  from q in Generators.Matrix(mask.Queries, d)
                  from k in Generators.Matrix(mask.Keys, d)
                  from v in Generators.Matrix(mask.Keys, 3)
                  select (mask, q, k, v);
        gen.Sample(t =>
        {
            var (mask, q, k, v) = t;
            const FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Zeros; // random masks may hide a whole row
            var readable = Attention.ScaledDotProduct(q, k, v, mask, policy);
            var fused = AttentionLab.Kernels.FusedAttention.Compute(q, k, v, mask, policy, returnWeights: true);
            Check.Same(readable.Output, fused.Output, 1e-12, $"{mask} output");
            Check.Same(readable.Weights, fused.Weights!, 1e-12, $"{mask} weights");
        }, iter: 300);
    }

    [Fact]
    public void The_fused_kernel_with_a_mask_on_long_sequences_equals_the_readable_one_across_many_blocks()
    {
        // Blocks of 32 × 8 over 100 positions: windows and documents that start and end inside blocks.
        var x = Matrix<double>.Build.Dense(100, 5, (i, j) => Math.Sin(0.3 * i + 1.7 * j));
        var v = Matrix<double>.Build.Dense(100, 3, (i, j) => Math.Cos(0.2 * i - j));
        int[] documents = [.. Enumerable.Range(0, 100).Select(i => i < 13 ? 0 : i < 50 ? 1 : i < 51 ? 2 : 3)];
        bool[] pads = [.. Enumerable.Range(0, 100).Select(i => i % 17 == 5)];
        var options = new AttentionLab.Kernels.FusedAttentionOptions { QueryBlock = 32, KeyBlock = 8 };
        foreach (var mask in new[]
                 {
                     Mask.SlidingWindow(100, 7), Mask.SlidingWindow(100, 7) & Mask.KeyPadding(pads, 100),
                     Mask.Document(documents) & Mask.Causal(100), Mask.Document(documents),
                     Mask.Prefix(100, 21), Mask.Prefix(100, 21) & Mask.KeyPadding(pads, 100),
                 })
        {
            var readable = Attention.ScaledDotProduct(x, x, v, mask, FullyMaskedRowPolicy.Zeros);
            var fused = AttentionLab.Kernels.FusedAttention.Compute(x, x, v, mask, FullyMaskedRowPolicy.Zeros, returnWeights: true, options: options);
            Check.Same(readable.Output, fused.Output, 1e-12, $"{mask} output");
            Check.Same(readable.Weights, fused.Weights!, 1e-12, $"{mask} weights");
        }
    }

    [Fact]
    public void A_sliding_window_computes_about_its_visible_share_of_the_scores()
    {
        var x = Matrix<double>.Build.Dense(1024, 8, (i, j) => Math.Sin(i + 3.0 * j));
        var window = Mask.SlidingWindow(1024, 64);
        var fused = AttentionLab.Kernels.FusedAttention.Compute(x, x, x, window);
        double share = (double)fused.ScoresComputed / fused.ScoresInFullMatrix;
        Assert.InRange(share, window.VisibleFraction, window.Plan(64, 64).ComputedFraction + 1e-12);
        Assert.True(share < 0.15, $"{share:P1} of the scores computed for a window that shows {window.VisibleFraction:P1}");
    }

    [Fact]
    public void The_fused_kernel_skips_what_a_causal_and_padding_mask_hides()
    {
        var x = Matrix<double>.Build.Dense(256, 8, (i, j) => Math.Sin(i + 3.0 * j));
        bool[] pads = [.. Enumerable.Range(0, 256).Select(j => j >= 200)];
        var options = new AttentionLab.Kernels.FusedAttentionOptions { QueryBlock = 64, KeyBlock = 64 };
        var unmasked = AttentionLab.Kernels.FusedAttention.Compute(x, x, x, Mask.All(256, 256), options: options);
        var masked = AttentionLab.Kernels.FusedAttention.Compute(x, x, x, Mask.Causal(256) & Mask.KeyPadding(pads, 256), options: options);
        Assert.Equal(256L * 256, unmasked.ScoresComputed);
        Assert.True(masked.ScoresComputed < 0.6 * unmasked.ScoresComputed, $"{masked.ScoresComputed} of {unmasked.ScoresComputed} scores computed");
    }

    [Fact]
    public void Layers_given_a_mask_equal_the_layers_given_its_matrix_and_padding_flags()
    {
        var x = Matrix<double>.Build.Dense(5, 6, (i, j) => Math.Sin(1 + i + 2.0 * j));
        var memory = Matrix<double>.Build.Dense(4, 6, (i, j) => Math.Cos(i - j));
        bool[] targetPads = [false, false, false, true, true], sourcePads = [false, false, true, true];

        var mha = new MultiHeadAttention(6, 2, seed: 1);
        Check.Same(mha.Forward(x, x, x, Masks.Causal(5), targetPads).Output,
            mha.Forward(x, x, x, Mask.Causal(5) & Mask.KeyPadding(targetPads, 5)).Output, 1e-12, "multi-head attention");

        var encoder = new EncoderLayer(6, 2, 8, seed: 2);
        Check.Same(encoder.Forward(x, null, targetPads).Output, encoder.Forward(x, Mask.KeyPadding(targetPads, 5)).Output, 1e-12, "encoder layer");

        var decoder = new DecoderLayer(6, 2, 8, seed: 3);
        Check.Same(decoder.Forward(x, memory, Masks.Causal(5), targetPads, sourcePads).Output,
            decoder.Forward(x, memory, Mask.Causal(5) & Mask.KeyPadding(targetPads, 5), Mask.KeyPadding(sourcePads, 5)).Output,
            1e-12, "decoder layer");
        Assert.Equal("crossMask", Assert.Throws<ArgumentException>(() =>
            decoder.Forward(x, memory, Mask.Causal(5), Mask.KeyPadding(sourcePads, 4))).ParamName);
    }

    [Fact]
    public void From_keep_ignore_and_additive_round_trip_and_copy_their_input()
    {
        var keep = new[,] { { true, false, true }, { false, false, true } };
        var mask = Mask.FromKeep(keep);
        keep[0, 0] = false; // the mask keeps its own copy
        Assert.Equal(new[,] { { true, false, true }, { false, false, true } }, mask.ToKeep());
        Assert.Equal(mask.ToKeep(), Mask.FromIgnore(mask.ToIgnore()).ToKeep());
        Assert.Equal(mask.ToKeep(), Mask.FromAdditive(mask.ToAdditive()).ToKeep());
        Assert.Equal([new KeyRange(0, 1), new KeyRange(2, 3)], mask.VisibleKeys(0));
    }

    [Fact]
    public void Bad_input_names_the_argument()
    {
        void Names(string argument, Action act) => Assert.Equal(argument, Assert.ThrowsAny<ArgumentException>(act).ParamName);

        Names("n", () => Mask.Causal(0));
        Names("keys", () => Mask.Causal(2, 0));
        Names("alignment", () => Mask.Causal(2, 2, (CausalAlignment)7));
        Names("keyIsPad", () => Mask.KeyPadding([], 2));
        Names("keyIsPad", () => Mask.KeyPadding(null!, 2));
        Names("window", () => Mask.SlidingWindow(4, 0));
        Names("documentIds", () => Mask.Document([]));
        Names("prefixLength", () => Mask.Prefix(4, 5));
        Names("other", () => Mask.Causal(3).And(Mask.Causal(4)));
        Names("other", () => Mask.Causal(3).Or(Mask.Causal(3, 4)));
        Names("query", () => Mask.Causal(3).VisibleKeys(3));
        Names("key", () => Mask.Causal(3).IsVisible(0, -1));
        Names("queryBlock", () => Mask.Causal(3).Plan(0, 2));
        Names("additive", () => Mask.FromAdditive(Matrix<double>.Build.DenseOfArray(new[,] { { 0, double.NaN } })));
        Names("mask", () => Attention.ScaledDotProduct(
            Matrix<double>.Build.Dense(2, 3), Matrix<double>.Build.Dense(4, 3), Matrix<double>.Build.Dense(4, 2), Mask.Causal(2)));
    }
}
