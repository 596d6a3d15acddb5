using AttentionLab;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

/// <summary>
/// Lesson 08's training run with its default inputs (2 + 2 layers, d_model 32, 2 heads, feed-forward 64,
/// batches of 32, Adam at 2e-3 decaying to 0 over 5 epochs, seed 1) on data/reverse: the time to reach
/// 99% held-out exact match (greedy decoding of the 200 held-out sources every 25 steps, included in the
/// time), and one epoch of 157 steps without evaluation (steps per second = 157 / its time). Each iteration
/// trains a fresh model; no warm-up, so the first iteration pays for the JIT as a notebook does.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 3)]
public class TrainingBenchmarks
{
    private IReadOnlyList<SequencePair> _train = null!;
    private IReadOnlyList<SequencePair> _heldOut = null!;
    private TransformerConfig _config = null!;

    private static readonly TrainingOptions Options = new() { Epochs = 5, BatchSize = 32, LearningRate = 2e-3, Seed = 1, ReportEvery = 25 };

    [GlobalSetup]
    public void Setup()
    {
        string data = DataFolder();
        var vocabulary = Vocabulary.Load(Path.Combine(data, "vocabulary.txt"));
        _train = SequencePair.Load(Path.Combine(data, "reverse", "train.tsv"), vocabulary);
        _heldOut = SequencePair.Load(Path.Combine(data, "reverse", "heldout.tsv"), vocabulary);
        _config = new TransformerConfig(vocabulary.Count, vocabulary.Count, ModelWidth: 32, Heads: 2, FeedForwardWidth: 64,
                                        EncoderLayers: 2, DecoderLayers: 2, MaxLength: 8);
    }

    [Benchmark(Description = "train to 99% held-out exact match")]
    public int TrainToTarget()
    {
        var result = Trainer.Train(new Transformer(_config, seed: 1), _train, Options with { StopAtAccuracy = 0.99 }, _heldOut);
        if (result.ReachedAccuracy is null)
            throw new InvalidOperationException($"99% was not reached in {result.Steps} steps (final {result.FinalAccuracy:P1}).");
        Console.WriteLine($"// reached {result.History[^1].HeldOutAccuracy:P1} after {result.Steps} steps; training {result.Elapsed.TotalSeconds:F2} s, {result.StepsPerSecond:F1} steps/s");
        return result.Steps;
    }

    [Benchmark(Description = "one epoch (157 steps of 32)")]
    public int OneEpoch() =>
        Trainer.Train(new Transformer(_config, seed: 1), _train, Options with { Epochs = 1, ReportEvery = 0 }).Steps;

    // The repository's data/ folder, found from the benchmark's bin folder upwards.
    private static string DataFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "data", "reverse", "train.tsv");
            if (File.Exists(candidate)) return Path.Combine(dir.FullName, "data");
        }
        throw new DirectoryNotFoundException($"No data/reverse/train.tsv above {AppContext.BaseDirectory}: run the benchmarks from the repository.");
    }
}
