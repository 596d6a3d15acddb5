namespace AttentionLab.Tests;

/// <summary>The training loop of notebook 08: padded batches, the batch loss and its gradient, determinism, and learning.</summary>
public class TrainerTests
{
    private static readonly TransformerConfig Config = new(14, 14, ModelWidth: 8, Heads: 2, FeedForwardWidth: 16, EncoderLayers: 1, DecoderLayers: 1, MaxLength: 8);

    private static SequencePair Reverse(params int[] source) => new(source, source.Reverse().ToArray());

    private static IReadOnlyList<SequencePair> Data(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => Reverse(Enumerable.Range(0, rng.Next(1, 5)).Select(_ => 4 + rng.Next(10)).ToArray()))
            .ToArray();
    }

    [Fact]
    public void A_batch_pads_sources_and_shifted_targets_to_its_longest()
    {
        var batch = TrainingBatch.Pad([Reverse(4, 5, 6), Reverse(7)]);
        Assert.Equal([[4, 5, 6], [7, 0, 0]], batch.Sources);
        Assert.Equal([[1, 6, 5, 4], [1, 7, 0, 0]], batch.DecoderInputs);
        Assert.Equal([[6, 5, 4, 2], [7, 2, 0, 0]], batch.Targets);
        Assert.Equal(6, batch.CountedTargets);
    }

    [Fact]
    public void Batch_loss_is_the_mean_over_every_counted_target_and_its_gradient_matches_finite_differences()
    {
        var model = new Transformer(Config, seed: 2);
        var batch = TrainingBatch.Pad([Reverse(4, 5, 6, 7), Reverse(8), Reverse(9, 10)]);
        var (loss, g) = Trainer.LossAndGradients(model, batch, threads: 2);
        double Loss() => Enumerable.Range(0, batch.Count).Sum(b =>
            CrossEntropy.PerPosition(model.Forward(batch.Sources[b], batch.DecoderInputs[b]), batch.Targets[b]).Sum()) / batch.CountedTargets;
        Assert.Equal(Loss(), loss, 12);
        foreach (var p in model.Parameters)
            GradientCheck.Matches(Loss, p.Value, g[p], p.Name, maxChecks: 10);
    }

    [Fact]
    public void Loss_of_a_set_is_the_batch_loss_and_depends_on_the_mask()
    {
        var model = new Transformer(Config, seed: 3);
        SequencePair[] pairs = [Reverse(4, 5, 6, 7), Reverse(8), Reverse(9, 10)];
        var (batchLoss, _) = Trainer.LossAndGradients(model, TrainingBatch.Pad(pairs));
        Assert.Equal(batchLoss, Trainer.Loss(model, pairs), 12);
        Assert.NotEqual(Trainer.Loss(model, pairs, causal: true), Trainer.Loss(model, pairs, causal: false));
    }

    [Fact]
    public void The_same_seed_and_thread_count_train_the_same_model()
    {
        var data = Data(64, 1);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 3, Threads = 2 };
        var a = new Transformer(Config, seed: 1);
        var b = new Transformer(Config, seed: 1);
        var ra = Trainer.Train(a, data, options);
        var rb = Trainer.Train(b, data, options);
        Assert.Equal(ra.History.Select(h => h.Loss), rb.History.Select(h => h.Loss));
        Check.Same(a.Forward([4, 5], [1, 5]), b.Forward([4, 5], [1, 5]), 0, "logits");
    }

    [Fact]
    public void Training_lowers_the_loss_and_reports_every_k_steps()
    {
        var data = Data(200, 2);
        var reports = new List<TrainingProgress>();
        var result = Trainer.Train(new Transformer(Config, seed: 1), data,
            new TrainingOptions { Epochs = 3, BatchSize = 20, LearningRate = 5e-3, ReportEvery = 5 }, data.Take(20).ToArray(), reports.Add);
        Assert.Equal(30, result.Steps);
        Assert.Equal(6, reports.Count);
        Assert.Equal(reports, result.History);
        Assert.All(reports, r => Assert.InRange(r.HeldOutAccuracy!.Value, 0, 1));
        Assert.True(result.FinalLoss < 0.9 * reports[0].Loss, $"loss fell from {reports[0].Loss} to {result.FinalLoss}");
    }

    [Fact]
    public void Training_stops_once_the_held_out_accuracy_is_reached()
    {
        var data = Data(40, 3);
        var result = Trainer.Train(new Transformer(Config, seed: 1), data,
            new TrainingOptions { Epochs = 5, BatchSize = 8, StopAtAccuracy = 0.0 }, data);
        Assert.Equal(5, result.Steps); // the first report (end of epoch 1) already has accuracy ≥ 0
        Assert.NotNull(result.ReachedAccuracy);
    }

    [Fact]
    public void A_run_cut_short_by_MaxSteps_takes_exactly_the_first_steps_of_the_full_run()
    {
        var data = Data(64, 4);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Seed = 5, Threads = 2, ReportEvery = 2 };
        var full = Trainer.Train(new Transformer(Config, seed: 1), data, options);
        var cut = new Transformer(Config, seed: 1);
        var shortRun = Trainer.Train(cut, data, options with { MaxSteps = 5 });

        Assert.Equal(5, shortRun.Steps);
        Assert.Equal([2, 4, 5], shortRun.History.Select(h => h.Step));
        Assert.Equal(full.History.Take(2).Select(h => h.Loss), shortRun.History.Take(2).Select(h => h.Loss));
        Assert.Null(shortRun.ReachedAccuracy);
        Assert.Throws<ArgumentException>(() => Trainer.Train(cut, data, options with { MaxSteps = 0 }));
    }

    [Fact]
    public void Bad_options_are_errors_that_name_them()
    {
        var model = new Transformer(Config, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => Trainer.Train(model, Data(4, 1), new TrainingOptions { Epochs = 0 }));
        Assert.Contains("Epochs", e.Message);
        Assert.Throws<ArgumentException>(() => Trainer.Train(model, [], new TrainingOptions()));
    }
}
