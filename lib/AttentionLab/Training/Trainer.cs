using System.Diagnostics;

namespace AttentionLab;

/// <summary>How to train (lesson 08). The defaults train lesson 08's reversal model.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per mini-batch (per optimiser step).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's learning rate at the start.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Lower the learning rate linearly to 0 over the run (PyTorch's LambdaLR with 1 − step/total): calmer last epochs.</summary>
    public bool DecayLearningRate { get; init; } = true;

    /// <summary>Whether the decoder's self-attention uses the causal mask. false trains the model that reads the answer.</summary>
    public bool Causal { get; init; } = true;

    /// <summary>The seed of the shuffling, so that a run can be repeated exactly.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Report progress every this many steps; 0 = once per epoch.</summary>
    public int ReportEvery { get; init; }

    /// <summary>Stop as soon as a report's held-out exact-match accuracy reaches this (e.g. 0.99), or null to run every epoch.</summary>
    public double? StopAtAccuracy { get; init; }

    /// <summary>
    /// Stop after this many optimiser steps, or null to run every epoch. The learning rate still decays over
    /// all the epochs, so a run cut short takes exactly the first steps of the full run.
    /// </summary>
    public int? MaxSteps { get; init; }

    /// <summary>How many threads share each batch; 0 = one per processor.</summary>
    public int Threads { get; init; }
}

/// <summary>One point of the training curve.</summary>
/// <param name="Epoch">The epoch the step belongs to, from 1 (fractional between epoch ends: 1.5 = half-way through epoch 2).</param>
/// <param name="Step">How many optimiser steps have been taken.</param>
/// <param name="Loss">The mean training loss of the steps since the previous report.</param>
/// <param name="HeldOutAccuracy">The exact-match accuracy of greedy decoding on the held-out set, if one was given.</param>
/// <param name="Elapsed">Training time so far (evaluation excluded).</param>
public sealed record TrainingProgress(double Epoch, int Step, double Loss, double? HeldOutAccuracy, TimeSpan Elapsed);

/// <summary>What a training run did.</summary>
/// <param name="History">Every report, in order.</param>
/// <param name="Steps">How many optimiser steps were taken.</param>
/// <param name="Elapsed">Training time (evaluation excluded).</param>
/// <param name="ReachedAccuracy">When StopAtAccuracy was set and reached: the training time it took.</param>
public sealed record TrainingResult(IReadOnlyList<TrainingProgress> History, int Steps, TimeSpan Elapsed, TimeSpan? ReachedAccuracy)
{
    /// <summary>Optimiser steps per second of training time.</summary>
    public double StepsPerSecond => Steps / Elapsed.TotalSeconds;

    /// <summary>The last report's training loss.</summary>
    public double FinalLoss => History[^1].Loss;

    /// <summary>The last report's held-out accuracy, if measured.</summary>
    public double? FinalAccuracy => History[^1].HeldOutAccuracy;
}

/// <summary>
/// The training loop of lesson 08: shuffle, cut into mini-batches, pad each batch, run teacher forcing
/// forward and backward for every example (<see cref="Transformer.ForwardForTraining"/> and
/// <see cref="Transformer.Backward"/>; the batch split across threads, each with its own gradients), add the
/// gradients up and take one Adam step per batch on the model's own weights. Held-out accuracy is lesson 07's
/// <see cref="GreedyDecoder"/> on the same model. The loss is the mean cross-entropy over every
/// non-PAD target of the batch, as PyTorch's F.cross_entropy(…, ignore_index=PAD) over the flattened batch.
/// </summary>
public static class Trainer
{
    /// <summary>Trains the model in place; progress is called at every report (e.g. to plot the loss curve as it falls).</summary>
    public static TrainingResult Train(
        Transformer model, IReadOnlyList<SequencePair> train, TrainingOptions options,
        IReadOnlyList<SequencePair>? heldOut = null, Action<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        // Everything is checked before the first weight moves: a bad example found in batch 90 would
        // otherwise leave a half-trained model behind.
        Validate(options, heldOut);
        CheckPairs(model.Config, train, nameof(train));
        if (heldOut is not null) CheckPairs(model.Config, heldOut, nameof(heldOut));

        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        int totalSteps = stepsPerEpoch * options.Epochs;
        int lastStep = Math.Min(totalSteps, options.MaxSteps ?? totalSteps);
        int reportEvery = options.ReportEvery > 0 ? options.ReportEvery : stepsPerEpoch;
        var adam = new Adam(model.Parameters, options.LearningRate);
        var workers = new BatchWorkers(model, options.Threads);
        var rng = new Random(options.Seed);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var history = new List<TrainingProgress>();
        var clock = new Stopwatch();
        double lossSum = 0;
        int lossCount = 0, step = 0;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            rng.Shuffle(order);
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                clock.Start();
                var batch = TrainingBatch.Pad(order.Skip(start).Take(options.BatchSize).Select(i => train[i]).ToArray());
                if (options.DecayLearningRate) adam.LearningRate = options.LearningRate * (1 - (double)step / totalSteps);
                lossSum += workers.LossAndGradients(batch, options.Causal);
                adam.Step(workers.Total);
                step++;
                lossCount++;
                clock.Stop();
                if (step % reportEvery != 0 && step != lastStep) continue;
                double? accuracy = heldOut is null ? null : ExactMatch(model, heldOut);
                var report = new TrainingProgress((double)step / stepsPerEpoch, step, lossSum / lossCount, accuracy, clock.Elapsed);
                history.Add(report);
                progress?.Invoke(report);
                lossSum = 0;
                lossCount = 0;
                if (accuracy >= options.StopAtAccuracy)
                    return new TrainingResult(history, step, clock.Elapsed, clock.Elapsed);
                if (step == lastStep)
                    return new TrainingResult(history, step, clock.Elapsed, null);
            }
        }
        return new TrainingResult(history, step, clock.Elapsed, null);
    }

    private static void Validate(TrainingOptions options, IReadOnlyList<SequencePair>? heldOut)
    {
        void Fail(string what, string expected, object actual) =>
            throw new ArgumentException($"options.{what} must be {expected}: actual {actual}.", nameof(options));
        if (options.Epochs < 1) Fail(nameof(options.Epochs), "at least 1", options.Epochs);
        if (options.BatchSize < 1) Fail(nameof(options.BatchSize), "at least 1", options.BatchSize);
        if (options.MaxSteps < 1) Fail(nameof(options.MaxSteps), "at least 1 (or null)", options.MaxSteps);
        if (!(options.LearningRate >= 0 && double.IsFinite(options.LearningRate)))
            Fail(nameof(options.LearningRate), "finite and ≥ 0", Guard.Word(options.LearningRate));
        if (options.Threads < 0) Fail(nameof(options.Threads), "0 (one per processor) or more", options.Threads);
        if (options.ReportEvery < 0) Fail(nameof(options.ReportEvery), "0 (once per epoch) or more", options.ReportEvery);
        if (options.StopAtAccuracy is { } target && !(target >= 0 && target <= 1))
            Fail(nameof(options.StopAtAccuracy), "an accuracy between 0 and 1 (or null)", Guard.Word(target));
        if (options.StopAtAccuracy is not null && heldOut is null)
            throw new ArgumentException(
                "options.StopAtAccuracy needs a held-out set to measure the accuracy on: expected heldOut, actual null.", nameof(heldOut));
    }

    /// <summary>Every example fits the model: no nulls, ids in its vocabularies, lengths within its maximum.</summary>
    private static void CheckPairs(TransformerConfig config, IReadOnlyList<SequencePair> pairs, string name)
    {
        if (pairs.Count == 0) throw new ArgumentException($"{name} is empty: expected at least one example, actual 0.", name);
        for (int i = 0; i < pairs.Count; i++)
        {
            var pair = pairs[i] ?? throw new ArgumentException($"{name}[{i}] is null: expected a source and a target.", name);
            if (pair.Source is null || pair.Target is null)
                throw new ArgumentException($"{name}[{i}] has a null {(pair.Source is null ? "source" : "target")}: expected token ids.", name);
            if (pair.Source.Length == 0 || pair.Source.Length > config.MaxLength)
                throw new ArgumentException(
                    $"{name}[{i}].Source has {pair.Source.Length} tokens: expected 1 to {config.MaxLength} (the model's maximum length).", name);
            if (pair.Target.Length + 1 > config.MaxLength)
                throw new ArgumentException(
                    $"{name}[{i}].Target has {pair.Target.Length} tokens: expected at most {config.MaxLength - 1}, so that <s> + target fits the model's maximum length {config.MaxLength}.", name);
            foreach (var (ids, side, size) in new[] { (pair.Source, "Source", config.SourceVocabularySize), (pair.Target, "Target", config.TargetVocabularySize) })
                for (int t = 0; t < ids.Length; t++)
                    if (ids[t] < 0 || ids[t] >= size)
                        throw new ArgumentException(
                            $"{name}[{i}].{side}[{t}] is {ids[t]}: expected an id in [0, {size}) of the model's {side.ToLowerInvariant()} vocabulary.", name);
        }
    }

    /// <summary>Runs a parallel loop and throws what a worker threw, not an AggregateException around it.</summary>
    private static void InParallel(int count, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>The mean loss of one padded batch and its gradients, without changing the model.</summary>
    public static (double Loss, Gradients Gradients) LossAndGradients(Transformer model, TrainingBatch batch, bool causal = true, int threads = 0)
    {
        var workers = new BatchWorkers(model, threads);
        double loss = workers.LossAndGradients(batch, causal);
        return (loss, workers.Total);
    }

    /// <summary>
    /// The mean teacher-forcing loss over the examples (every non-PAD target counted), forward passes only;
    /// causal chooses the decoder's mask, e.g. to put the causal mask back on a model trained without it.
    /// </summary>
    public static double Loss(Transformer model, IReadOnlyList<SequencePair> pairs, bool causal = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pairs);
        var losses = new double[pairs.Count];
        var counts = new int[pairs.Count];
        CheckPairs(model.Config, pairs, nameof(pairs));
        InParallel(pairs.Count, i =>
        {
            var shifted = TeacherForcing.Shift(pairs[i].Target, pairs[i].Target.Length + 1);
            var logits = model.Run(pairs[i].Source, shifted.DecoderInput, causal).Logits;
            losses[i] = CrossEntropy.PerPosition(logits, shifted.Targets).Sum();
            counts[i] = shifted.Targets.Count(t => t != Vocabulary.Pad);
        });
        return losses.Sum() / counts.Sum();
    }

    /// <summary>The fraction of examples whose greedy decoding is exactly the target followed by &lt;/s&gt;.</summary>
    public static double ExactMatch(Transformer model, IReadOnlyList<SequencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pairs);
        CheckPairs(model.Config, pairs, nameof(pairs));
        var correct = new bool[pairs.Count];
        InParallel(pairs.Count, i =>
        {
            var p = pairs[i];
            var decoded = GreedyDecoder.Decode(model, p.Source, Math.Min(model.Config.MaxLength, p.Target.Length + 1)).Tokens;
            correct[i] = decoded.SequenceEqual([.. p.Target, Vocabulary.End]);
        });
        return (double)correct.Count(c => c) / pairs.Count;
    }

    /// <summary>
    /// Splits each batch into one contiguous share per thread; every thread adds into its own gradients,
    /// which are then summed in a fixed order, so the result does not depend on which thread finishes first.
    /// </summary>
    private sealed class BatchWorkers
    {
        private readonly Transformer _model;
        private readonly Gradients[] _gradients;

        public Gradients Total => _gradients[0];

        public BatchWorkers(Transformer model, int threads)
        {
            _model = model;
            int count = threads > 0 ? threads : Environment.ProcessorCount;
            _gradients = Enumerable.Range(0, count).Select(_ => model.NewGradients()).ToArray();
        }

        public double LossAndGradients(TrainingBatch batch, bool causal)
        {
            double scale = 1.0 / batch.CountedTargets;
            int shares = Math.Min(_gradients.Length, batch.Count);
            var losses = new double[shares];
            InParallel(shares, w =>
            {
                var g = _gradients[w];
                g.Clear();
                int from = w * batch.Count / shares, to = (w + 1) * batch.Count / shares;
                for (int b = from; b < to; b++)
                    losses[w] += _model.AccumulateGradients(batch.Sources[b], batch.DecoderInputs[b], batch.Targets[b], causal, scale, g).LossSum;
            });
            for (int w = 1; w < shares; w++) _gradients[0].Add(_gradients[w]);
            return losses.Sum() * scale;
        }
    }
}
