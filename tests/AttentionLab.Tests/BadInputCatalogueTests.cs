using AttentionLab.Kernels;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>
/// The library's public entry points, walked with bad input of every kind a learner or a careless teacher
/// types: each gives the exception the catalogue lists, whose ParamName is the argument and whose message
/// names it. Nothing here may end in a silent NaN, a wrong number, or an error from inside a dependency.
/// </summary>
public class BadInputCatalogueTests
{
    private static Matrix<double> M(int rows, int cols) => Matrix<double>.Build.Dense(rows, cols, (i, j) => Math.Sin(1 + i + 2.5 * j));

    private static Matrix<double> With(Matrix<double> m, int i, int j, double value)
    {
        var copy = m.Clone();
        copy[i, j] = value;
        return copy;
    }

    private static readonly TransformerConfig Config = new(SourceVocabularySize: 9, TargetVocabularySize: 10,
        ModelWidth: 6, Heads: 2, FeedForwardWidth: 8, EncoderLayers: 1, DecoderLayers: 1, MaxLength: 6);

    private static readonly Transformer Model = new(Config, seed: 3);
    private static readonly MultiHeadAttention Mha = new(6, 2, seed: 1);
    private static readonly Linear Layer = new(4, 3, seed: 1);
    private static readonly Vocabulary Words = new(["a", "b", "c"]);
    private static readonly Parameter Weight = new("w", [2], [1.0, 2.0]);
    private static readonly SequencePair[] Pairs = [new([4, 5], [6, 7])];

    private sealed record Case(Type Exception, string Argument, Action Call);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Masks (lessons 02, 03)
        ["Masks.Causal of size 0"] = new(typeof(ArgumentOutOfRangeException), "n", () => Masks.Causal(0)),
        ["Masks.Causal with more queries than keys"] = new(typeof(ArgumentException), "keys", () => Masks.Causal(4, 2)),
        ["Masks.Padding of no keys"] = new(typeof(ArgumentException), "keyIsPad", () => Masks.Padding(Array.Empty<bool>(), 2)),
        ["Masks.Padding of null ids"] = new(typeof(ArgumentNullException), "ids", () => Masks.Padding((int[])null!)),
        ["Masks.Padding with no queries"] = new(typeof(ArgumentOutOfRangeException), "queries", () => Masks.Padding([false], 0)),
        ["Masks.Combine of nothing"] = new(typeof(ArgumentException), "masks", () => Masks.Combine()),
        ["Masks.Combine of two shapes"] = new(typeof(ArgumentException), "masks", () => Masks.Combine(Masks.Causal(2), Masks.Causal(3))),
        ["Masks.Combine with +∞"] = new(typeof(ArgumentException), "masks", () => Masks.Combine(With(Masks.Causal(2), 0, 0, double.PositiveInfinity))),
        ["Masks.FromKeep of an empty matrix"] = new(typeof(ArgumentException), "keep", () => Masks.FromKeep(new bool[0, 3])),
        ["Masks.ToKeep of a NaN mask"] = new(typeof(ArgumentException), "mask", () => Masks.ToKeep(With(Masks.Causal(2), 1, 0, double.NaN))),
        // Mask predicates (lesson 12)
        ["Mask.SlidingWindow of width 0"] = new(typeof(ArgumentException), "window", () => Mask.SlidingWindow(4, 0)),
        ["Mask.Prefix longer than the sequence"] = new(typeof(ArgumentException), "prefixLength", () => Mask.Prefix(3, 4)),
        ["Mask.Document of no positions"] = new(typeof(ArgumentException), "documentIds", () => Mask.Document([])),
        ["Mask.Causal with an undefined alignment"] = new(typeof(ArgumentException), "alignment", () => Mask.Causal(2, 2, (CausalAlignment)9)),
        ["Mask.And of two shapes"] = new(typeof(ArgumentException), "other", () => Mask.Causal(2).And(Mask.Causal(3))),
        ["Mask.Plan with key blocks of 0"] = new(typeof(ArgumentException), "keyBlock", () => Mask.Causal(4).Plan(2, 0)),
        ["Mask.FromAdditive with +∞"] = new(typeof(ArgumentException), "additive", () => Mask.FromAdditive(With(M(2, 2), 0, 1, double.PositiveInfinity))),
        // Softmax and attention (lessons 01, 09)
        ["Softmax.Rows of an empty matrix"] = new(typeof(ArgumentException), "scores", () => Softmax.Rows(Matrix<double>.Build.Dense(0, 0))),
        ["Softmax.Rows with a NaN score"] = new(typeof(ArgumentException), "scores", () => Softmax.Rows(With(M(2, 2), 0, 1, double.NaN))),
        ["Softmax.Rows with an undefined policy"] = new(typeof(ArgumentException), "policy", () => Softmax.Rows(M(2, 2), (FullyMaskedRowPolicy)99)),
        ["Attention with Q and K of two widths"] = new(typeof(ArgumentException), "k", () => Attention.ScaledDotProduct(M(3, 4), M(3, 5), M(3, 2))),
        ["Attention with V of another length"] = new(typeof(ArgumentException), "v", () => Attention.ScaledDotProduct(M(3, 4), M(3, 4), M(2, 2))),
        ["Attention with a mask of the wrong shape"] = new(typeof(ArgumentException), "mask", () => Attention.ScaledDotProduct(M(3, 4), M(3, 4), M(3, 2), Masks.Causal(2))),
        ["Attention with a NaN in V"] = new(typeof(ArgumentException), "v", () => Attention.ScaledDotProduct(M(3, 4), M(3, 4), With(M(3, 2), 2, 1, double.NaN))),
        ["Attention with +∞ in K"] = new(typeof(ArgumentException), "k", () => Attention.ScaledDotProduct(M(3, 4), With(M(3, 4), 0, 0, double.PositiveInfinity), M(3, 2))),
        ["Attention with −∞ in Q"] = new(typeof(ArgumentException), "q", () => Attention.ScaledDotProduct(With(M(3, 4), 1, 1, double.NegativeInfinity), M(3, 4), M(3, 2), policy: FullyMaskedRowPolicy.Zeros)),
        ["Attention with an empty Q"] = new(typeof(ArgumentException), "q", () => Attention.ScaledDotProduct(Matrix<double>.Build.Dense(0, 4), M(3, 4), M(3, 2))),
        ["Attention with a Mask of the wrong shape"] = new(typeof(ArgumentException), "mask", () => Attention.ScaledDotProduct(M(3, 4), M(3, 4), M(3, 2), Mask.Causal(4))),
        ["Attention with a fully masked row"] = new(typeof(InvalidOperationException), "", () => Attention.ScaledDotProduct(M(2, 2), M(2, 2), M(2, 2), Matrix<double>.Build.Dense(2, 2, double.NegativeInfinity))),
        // Multi-head attention (lessons 04, 06)
        ["MultiHeadAttention whose heads do not divide the width"] = new(typeof(ArgumentException), "heads", () => new MultiHeadAttention(6, 4, seed: 1)),
        ["MultiHeadAttention with a query of the wrong width"] = new(typeof(ArgumentException), "query", () => Mha.Forward(M(3, 5), M(3, 6), M(3, 6))),
        ["MultiHeadAttention with too few padding flags"] = new(typeof(ArgumentException), "keyIsPad", () => Mha.Forward(M(3, 6), M(3, 6), M(3, 6), keyIsPad: [false])),
        ["MultiHeadAttention with every key PAD"] = new(typeof(ArgumentException), "keyIsPad", () => Mha.Forward(M(2, 6), M(2, 6), M(2, 6), keyIsPad: [true, true])),
        ["MultiHeadAttention with an attention mask of the wrong shape"] = new(typeof(ArgumentException), "attnMask", () => Mha.Forward(M(3, 6), M(3, 6), M(3, 6), Masks.Causal(2))),
        // Layers (lesson 04)
        ["Linear with a bias of the wrong length"] = new(typeof(ArgumentException), "bias", () => new Linear(M(3, 4), Vector<double>.Build.Dense(2))),
        ["Linear on rows of the wrong width"] = new(typeof(ArgumentException), "x", () => Layer.Forward(M(2, 5))),
        ["Linear with zero inputs"] = new(typeof(ArgumentException), "inFeatures", () => new Linear(0, 3, seed: 1)),
        ["LayerNorm with a non-positive epsilon"] = new(typeof(ArgumentException), "epsilon", () => new LayerNorm(Vector<double>.Build.Dense(2, 1), Vector<double>.Build.Dense(2), 0)),
        ["LayerNorm with a bias of another width"] = new(typeof(ArgumentException), "bias", () => new LayerNorm(Vector<double>.Build.Dense(2, 1), Vector<double>.Build.Dense(3))),
        ["FeedForward with layers that do not chain"] = new(typeof(ArgumentException), "linear2", () => new FeedForward(new Linear(4, 8, seed: 1), new Linear(7, 4, seed: 2))),
        ["Embedding of an id out of range"] = new(typeof(ArgumentOutOfRangeException), "ids", () => new Embedding(M(5, 3)).Forward([1, 5])),
        ["PositionalEncoding of width 0"] = new(typeof(ArgumentOutOfRangeException), "modelWidth", () => PositionalEncoding.Sinusoidal(4, 0)),
        ["EncoderLayer on rows of the wrong width"] = new(typeof(ArgumentException), "x", () => new EncoderLayer(6, 2, 8, seed: 1).Forward(M(3, 4))),
        ["DecoderLayer with a memory of the wrong width"] = new(typeof(ArgumentException), "memory", () => new DecoderLayer(6, 2, 8, seed: 1).Forward(M(3, 6), M(2, 5))),
        // The model, decoding and loss (lessons 05–08)
        ["TransformerConfig whose heads do not divide the width"] = new(typeof(ArgumentException), "config", () => new Transformer(Config with { Heads = 4 }, seed: 1)),
        ["Transformer.Encode of an empty source"] = new(typeof(ArgumentException), "sourceIds", () => Model.Encode([])),
        ["Transformer.Encode of a source over the maximum length"] = new(typeof(ArgumentException), "sourceIds", () => Model.Encode([4, 4, 4, 4, 4, 4, 4])),
        ["Transformer.Encode of an all-PAD source"] = new(typeof(ArgumentException), "sourceIds", () => Model.Encode([0, 0])),
        ["Transformer.Decode of an id out of range"] = new(typeof(ArgumentException), "decoderInputIds", () => Model.Decode(Model.Encode([4]), [1, 10])),
        ["Transformer.Decode of an input starting with PAD"] = new(typeof(ArgumentException), "decoderInputIds", () => Model.Decode(Model.Encode([4]), [0, 5])),
        ["Transformer.Step with a cache of another model"] = new(typeof(ArgumentException), "cache", () => Model.Step(new KeyValueCache(new Transformer(Config, seed: 9), Model.Encode([4])), 1)),
        ["Transformer.Step of an id out of range"] = new(typeof(ArgumentException), "token", () => Model.Step(new KeyValueCache(Model, Model.Encode([4])), -1)),
        ["Transformer.FromStateDict missing a tensor"] = new(typeof(ArgumentException), "stateDict", () => Transformer.FromStateDict(new StateDict([]), Config)),
        ["GreedyDecoder with a maximum length of 0"] = new(typeof(ArgumentException), "maxLength", () => GreedyDecoder.Decode(Model, [4], 0)),
        ["TeacherForcing.Shift into a length too short"] = new(typeof(ArgumentException), "target", () => TeacherForcing.Shift([5, 6, 7], 2)),
        ["CrossEntropy with a target out of range"] = new(typeof(ArgumentException), "targets", () => CrossEntropy.Loss(M(2, 3), [1, 3])),
        ["CrossEntropy with every target ignored"] = new(typeof(ArgumentException), "targets", () => CrossEntropy.Loss(M(2, 3), [0, 0])),
        ["CrossEntropy with a NaN logit"] = new(typeof(ArgumentException), "logits", () => CrossEntropy.Loss(With(M(2, 3), 0, 2, double.NaN), [1, 2])),
        ["CrossEntropy with too few targets"] = new(typeof(ArgumentException), "targets", () => CrossEntropy.PerPosition(M(2, 3), [1])),
        // Tokens (lesson 01)
        ["Vocabulary with a token holding a space"] = new(typeof(ArgumentException), "words", () => new Vocabulary(["a b"])),
        ["Vocabulary with a token twice"] = new(typeof(ArgumentException), "words", () => new Vocabulary(["a", "a"])),
        ["Vocabulary.PadTo a length shorter than the sentence"] = new(typeof(ArgumentException), "ids", () => Vocabulary.PadTo([4, 5, 6], 2)),
        ["Vocabulary.PadTo an undefined side"] = new(typeof(ArgumentException), "side", () => Vocabulary.PadTo([4], 2, (PaddingSide)7)),
        ["Vocabulary.Decode of an id out of range"] = new(typeof(ArgumentOutOfRangeException), "ids", () => Words.Decode([99])),
        // State dicts
        ["StateDict with a number beyond float64"] = new(typeof(ArgumentException), "element", () => StateDict.Parse("""{"w": {"shape": [1], "data": [1e400]}}""")),
        ["StateDict with a negative dimension"] = new(typeof(ArgumentException), "element", () => StateDict.Parse("""{"w": {"shape": [-1], "data": []}}""")),
        ["StateDict that is not an object"] = new(typeof(ArgumentException), "element", () => StateDict.Parse("[1, 2]")),
        // The fused kernel (lesson 11)
        ["FusedAttention writing into its own V"] = new(typeof(ArgumentException), "output", () => { var v = M(4, 2); FusedAttention.Compute(M(4, 2), M(4, 2), v, output: v); }),
        ["FusedAttention with a NaN in V"] = new(typeof(ArgumentException), "v", () => FusedAttention.Compute(M(4, 2), M(4, 2), With(M(4, 2), 3, 0, double.NaN))),
        ["FusedAttention causal with more queries than keys"] = new(typeof(ArgumentException), "causal", () => FusedAttention.Compute(M(4, 2), M(3, 2), M(3, 2), causal: true)),
        ["FusedAttention with key blocks not a multiple of 4"] = new(typeof(ArgumentOutOfRangeException), "options", () => FusedAttention.Compute(M(4, 2), M(4, 2), M(4, 2), options: new FusedAttentionOptions { KeyBlock = 6 })),
        ["FusedAttention with an undefined policy"] = new(typeof(ArgumentException), "policy", () => FusedAttention.Compute(M(4, 2), M(4, 2), M(4, 2), policy: (FullyMaskedRowPolicy)99)),
        // Training (lesson 08)
        ["Parameter whose values do not fill its shape"] = new(typeof(ArgumentException), "value", () => new Parameter("w", [2, 2], [1.0])),
        ["Adam with an infinite learning rate"] = new(typeof(ArgumentException), "learningRate", () => new Adam([Weight], double.PositiveInfinity)),
        ["Adam with β₁ of 1"] = new(typeof(ArgumentException), "beta1", () => new Adam([Weight], beta1: 1)),
        ["Trainer with zero epochs"] = new(typeof(ArgumentException), "options", () => Trainer.Train(new Transformer(Config, 1), Pairs, new TrainingOptions { Epochs = 0 })),
        ["Trainer with an example over the maximum length"] = new(typeof(ArgumentException), "train", () => Trainer.Train(new Transformer(Config, 1), [new([4, 4, 4, 4, 4, 4, 4], [5])], new TrainingOptions())),
        ["Trainer.ExactMatch with an id out of range"] = new(typeof(ArgumentException), "pairs", () => Trainer.ExactMatch(new Transformer(Config, 1), [new([40], [5])])),
        ["TrainingBatch.Pad of nothing"] = new(typeof(ArgumentException), "pairs", () => TrainingBatch.Pad([])),
    };

    public static TheoryData<string> Kinds() => [.. Cases.Keys];

    [Fact]
    public void The_catalogue_holds_at_least_60_kinds_of_bad_input() => Assert.True(Cases.Count >= 60, $"{Cases.Count} kinds");

    [Theory, MemberData(nameof(Kinds))]
    public void Bad_input_gets_its_exception_naming_the_argument(string kind)
    {
        var c = Cases[kind];
        var e = Record.Exception(c.Call);
        Assert.True(e is not null, $"{kind}: no exception");
        Assert.True(e.GetType() == c.Exception, $"{kind}: expected {c.Exception.Name}, actual {e.GetType().Name}: {e.Message}");
        if (c.Argument.Length == 0)
            return; // not an argument's fault: a state the policy names (the fully masked row)
        var argumentException = Assert.IsAssignableFrom<ArgumentException>(e);
        Assert.Equal(c.Argument, argumentException.ParamName);
        Assert.Contains(c.Argument, e.Message);
    }
}
