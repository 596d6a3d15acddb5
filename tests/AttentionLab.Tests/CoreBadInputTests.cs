using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>Bad input to the core gets an error that names the argument and what was wrong.</summary>
public class CoreBadInputTests
{
    private static Matrix<double> M(int r, int c) => Matrix<double>.Build.Dense(r, c, 1.0);

    private static void Fails<T>(Action act, string param, params string[] mentions) where T : ArgumentException
    {
        var e = Assert.ThrowsAny<T>(act);
        Assert.Equal(param, e.ParamName);
        foreach (var m in mentions) Assert.Contains(m, e.Message);
    }

    [Fact] public void Q_and_k_of_different_widths() => Fails<ArgumentException>(() => Attention.ScaledDotProduct(M(3, 4), M(3, 5), M(3, 4)), "k", "3 × 4", "3 × 5");
    [Fact] public void V_with_a_row_count_other_than_k() => Fails<ArgumentException>(() => Attention.ScaledDotProduct(M(3, 4), M(3, 4), M(2, 4)), "v", "2 × 4");
    [Fact] public void A_mask_of_the_wrong_size() => Fails<ArgumentException>(() => Attention.ScaledDotProduct(M(3, 4), M(5, 4), M(5, 2), Masks.Causal(3)), "mask", "3 × 5", "3 × 3");
    [Fact] public void An_empty_query() => Fails<ArgumentException>(() => Attention.ScaledDotProduct(Matrix<double>.Build.Dense(0, 4), M(3, 4), M(3, 4)), "q", "empty");
    [Fact] public void Masks_of_different_shapes() => Fails<ArgumentException>(() => Masks.Combine(Masks.Causal(3), Masks.Causal(4)), "masks", "3 × 3", "4 × 4");
    [Fact] public void A_causal_mask_of_size_zero() => Fails<ArgumentOutOfRangeException>(() => Masks.Causal(0), "n");
    [Fact] public void An_empty_key_sequence() => Fails<ArgumentException>(() => Masks.Padding(Array.Empty<bool>(), 3), "keyIsPad", "empty");
    [Fact] public void An_unknown_token() => Fails<ArgumentException>(() => new Vocabulary(["a"]).Encode("a b"), "token", "\"b\"");
    [Fact] public void An_empty_sentence() => Fails<ArgumentException>(() => new Vocabulary(["a"]).Encode("  "), "sentence", "empty");
    [Fact] public void A_sentence_longer_than_the_maximum_length() => Fails<ArgumentException>(() => Vocabulary.PadTo([4, 5, 6], 2), "ids", "3 tokens", "maximum length 2");
    [Fact] public void A_token_id_outside_the_vocabulary() => Fails<ArgumentOutOfRangeException>(() => new Vocabulary(["a"]).Token(9), "id", "0 to 4");
    [Fact] public void A_token_id_outside_the_embedding_table() => Fails<ArgumentOutOfRangeException>(() => new Embedding(5, 2, 0).Forward([1, 5]), "ids", "ids[1] = 5");
    [Fact] public void A_duplicate_token() => Fails<ArgumentException>(() => new Vocabulary(["a", "b", "a"]), "words", "\"a\"");
    [Fact] public void A_token_with_a_space() => Fails<ArgumentException>(() => new Vocabulary(["a b"]), "words");
    [Fact] public void Scores_holding_nan() => Fails<ArgumentException>(() => Softmax.Rows(Matrix<double>.Build.Dense(1, 2, double.NaN)), "scores", "NaN");
    [Fact] public void A_mask_cell_that_is_nan() => Fails<ArgumentException>(() => Masks.ToKeep(Matrix<double>.Build.Dense(1, 1, double.NaN)), "mask");
    [Fact] public void A_rectangular_causal_mask_with_fewer_keys_than_queries() => Fails<ArgumentException>(() => Masks.Causal(4, 2), "keys");
}
