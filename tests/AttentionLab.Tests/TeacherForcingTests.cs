namespace AttentionLab.Tests;

public class TeacherForcingTests
{
    [Fact]
    public void Shift_puts_start_before_the_target_and_end_after_it()
    {
        // The course's example: target g f h (ids 7 8 9), length 5.
        var pair = TeacherForcing.Shift([7, 8, 9], 5);
        Assert.Equal([Vocabulary.Start, 7, 8, 9, Vocabulary.Pad], pair.DecoderInput);
        Assert.Equal([7, 8, 9, Vocabulary.End, Vocabulary.Pad], pair.Targets);
    }

    [Fact]
    public void One_masked_pass_predicts_every_position_and_the_loss_skips_pad_targets()
    {
        var model = new Transformer(new TransformerConfig(12, 12, ModelWidth: 8, Heads: 2, FeedForwardWidth: 8, MaxLength: 8), seed: 2);
        var pair = TeacherForcing.Shift([7, 8, 9], 6);
        var logits = model.Forward([4, 5, 6, 0], pair.DecoderInput);
        Assert.Equal(6, logits.RowCount);
        Assert.Equal(12, logits.ColumnCount);
        var perPosition = CrossEntropy.PerPosition(logits, pair.Targets);
        Assert.Equal(0.0, perPosition[4]);
        Assert.Equal(0.0, perPosition[5]);
        Assert.Equal(perPosition.Take(4).Average(), CrossEntropy.Loss(logits, pair.Targets), 1e-15);
    }
}
