using AttentionLab.Kernels;
namespace AttentionLab.Tests;

/// <summary>The fork–join the fused kernel runs its query blocks with.</summary>
public class ForkJoinTests
{
    private static readonly int Cores = Environment.ProcessorCount;

    [Fact]
    public void Every_item_of_shared_work_is_done_exactly_once_before_Run_returns()
    {
        for (int round = 0; round < 200; round++)
        {
            const int items = 97;
            var done = new int[items];
            int next = -1, copies = 0;
            ForkJoin.Run(Cores, () =>
            {
                Interlocked.Increment(ref copies);
                int i;
                while ((i = Interlocked.Increment(ref next)) < items)
                {
                    Thread.SpinWait(50);
                    Interlocked.Increment(ref done[i]);
                }
            });
            Assert.All(done, count => Assert.Equal(1, count));
            Assert.InRange(copies, 1, Cores); // a helper that had not started is called off, never run late
        }
    }

    [Fact]
    public void A_helper_that_starts_runs_while_the_caller_is_still_working()
    {
        if (Cores < 2) return; // one core: there is no helper
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        for (int round = 0; round < 50 && threads.Count < 2; round++)
        {
            threads.Clear();
            int next = -1;
            ForkJoin.Run(2, () =>
            {
                threads[Environment.CurrentManagedThreadId] = true;
                while (Interlocked.Increment(ref next) < 200) Thread.Sleep(0);
            });
        }
        Assert.Equal(2, threads.Count);
    }

    [Fact]
    public void An_exception_in_any_copy_reaches_the_caller()
    {
        int callerThread = Environment.CurrentManagedThreadId;
        var fromCaller = Assert.Throws<InvalidOperationException>(() => ForkJoin.Run(Cores, () =>
        {
            if (Environment.CurrentManagedThreadId == callerThread) throw new InvalidOperationException("caller");
        }));
        Assert.Equal("caller", fromCaller.Message);

        if (Cores < 2) return;
        // Let the caller's copy wait until a helper has thrown, so the helper's exception is the one.
        for (int round = 0; round < 20; round++)
        {
            int helperThrew = 0;
            var e = Record.Exception(() => ForkJoin.Run(2, () =>
            {
                if (Environment.CurrentManagedThreadId != callerThread)
                {
                    Volatile.Write(ref helperThrew, 1);
                    throw new ArithmeticException("helper");
                }
                var wait = System.Diagnostics.Stopwatch.StartNew();
                while (Volatile.Read(ref helperThrew) == 0 && wait.ElapsedMilliseconds < 200) Thread.Yield();
            }));
            if (Volatile.Read(ref helperThrew) == 0) continue; // the helper was called off this time
            Assert.IsType<ArithmeticException>(e);
            return;
        }
        Assert.Fail("No helper started in 20 rounds of 200 ms.");
    }

    [Fact]
    public async Task Callers_on_many_threads_at_once_each_get_all_their_work_done()
    {
        var totals = await Task.WhenAll(Enumerable.Range(0, 8).Select(caller => Task.Run(() =>
        {
            long total = 0;
            for (int round = 0; round < 50; round++)
            {
                int next = -1;
                long sum = 0;
                ForkJoin.Run(Cores, () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < 100) Interlocked.Add(ref sum, i);
                });
                total += sum;
            }
            return total;
        })));
        Assert.All(totals, total => Assert.Equal(50L * 99 * 100 / 2, total));
    }

    [Fact]
    public void The_fused_kernel_gives_the_same_bits_on_one_core_and_on_all()
    {
        var random = new Random(3);
        var x = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(300, 64, (_, _) => random.NextDouble() - 0.5);
        var one = FusedAttention.Compute(x, x, x, causal: true, options: new FusedAttentionOptions { MaxDegreeOfParallelism = 1 }).Output;
        for (int round = 0; round < 20; round++)
            Assert.Equal(one.AsColumnMajorArray(), FusedAttention.Compute(x, x, x, causal: true).Output.AsColumnMajorArray());
    }
}
