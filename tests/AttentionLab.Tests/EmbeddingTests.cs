namespace AttentionLab.Tests;

public class EmbeddingTests
{
    [Fact]
    public void The_same_seed_gives_the_same_table()
    {
        Check.Same(new Embedding(10, 4, seed: 7).Weight, new Embedding(10, 4, seed: 7).Weight, 0);
        Assert.NotEqual(new Embedding(10, 4, seed: 7).Weight, new Embedding(10, 4, seed: 8).Weight);
    }

    [Fact]
    public void Forward_picks_one_row_per_id()
    {
        var e = new Embedding(10, 3, seed: 1);
        var x = e.Forward([2, 5, 2]);
        Assert.Equal(e.Weight.Row(5), x.Row(1));
        Assert.Equal(x.Row(0), x.Row(2));
    }

    [Fact]
    public void Sinusoidal_positions_start_with_sin_0_and_cos_0()
    {
        var pe = PositionalEncoding.Sinusoidal(3, 4);
        Assert.Equal([0.0, 1.0, 0.0, 1.0], pe.Row(0).ToArray());
        Assert.Equal(Math.Sin(1), pe[1, 0], 15);
        Assert.Equal(Math.Cos(1 / 100.0), pe[1, 3], 15);
    }
}
