namespace AttentionLab.Tests;

public class MasksTests
{
    [Fact]
    public void Causal_mask_hides_exactly_the_future()
    {
        var m = Masks.Causal(4);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(j > i, Masks.IsHidden(m[i, j]));
        Assert.All(m.Enumerate().Where(x => !Masks.IsHidden(x)), x => Assert.Equal(0.0, x));
    }

    [Fact]
    public void Rectangular_causal_mask_lets_new_queries_see_every_cached_key()
    {
        // Two new queries after three cached positions: they sit at positions 3 and 4.
        var m = Masks.Causal(2, 5);
        Assert.Equal(new[] { false, false, false, false, true }, Masks.ToIgnore(m).Cast<bool>().Take(5));
        Assert.False(Masks.ToIgnore(m)[1, 4]);
        Check.Same(Masks.Causal(5).SubMatrix(3, 2, 0, 5), m, 0);
    }

    [Fact]
    public void Padding_mask_hides_pad_columns_in_every_row()
    {
        var m = Masks.Padding([false, false, false, true, true], 3);
        Assert.Equal(3, m.RowCount);
        Assert.Equal(5, m.ColumnCount);
        for (int i = 0; i < 3; i++)
            Assert.Equal(new[] { false, false, false, true, true }, Enumerable.Range(0, 5).Select(j => Masks.IsHidden(m[i, j])));
    }

    [Fact]
    public void Padding_mask_from_ids_uses_the_pad_id()
    {
        var m = Masks.Padding([1, 10, 5, Vocabulary.Pad]);
        Check.Same(Masks.Padding([false, false, false, true], 4), m, 0);
    }

    [Fact]
    public void Combined_mask_hides_a_cell_when_either_mask_hides_it()
    {
        var causal = Masks.Causal(5);
        var padding = Masks.Padding([false, false, false, true, true], 5);
        var combined = Masks.Combine(causal, padding);
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
                Assert.Equal(Masks.IsHidden(causal[i, j]) || Masks.IsHidden(padding[i, j]), Masks.IsHidden(combined[i, j]));
    }

    [Fact]
    public void Combine_leaves_its_inputs_unchanged()
    {
        var causal = Masks.Causal(3);
        Masks.Combine(causal, Masks.Padding([false, true, true], 3));
        Check.Same(Masks.Causal(3), causal, 0);
    }

    [Fact]
    public void Boolean_conversions_spell_out_their_polarity()
    {
        var keep = new bool[,] { { true, false }, { true, true } };
        var fromKeep = Masks.FromKeep(keep);
        Assert.True(Masks.IsHidden(fromKeep[0, 1]));
        Assert.Equal(0.0, fromKeep[0, 0]);
        var ignore = new bool[,] { { false, true }, { false, false } };
        Check.Same(fromKeep, Masks.FromIgnore(ignore), 0);
        Assert.Equal(keep, Masks.ToKeep(fromKeep));
        Assert.Equal(ignore, Masks.ToIgnore(fromKeep));
    }

    [Fact]
    public void None_hides_nothing()
    {
        Assert.All(Masks.None(2, 3).Enumerate(), x => Assert.Equal(0.0, x));
    }
}
