namespace CourseRunner;

/// <summary>
/// How the .NET runtime of a process that runs many notebooks should compile: the notebook worker, and the test
/// processes that run lessons in-process. These settings change no result, only when the JIT does its work.
/// </summary>
/// <remarks>
/// <para>
/// Every cell is compiled by Roslyn, so a notebook process keeps meeting new methods. The runtime waits for
/// 100 ms without a new method before it counts calls and recompiles the hot ones optimised
/// (<c>TC_CallCountingDelayMs</c>). Short cells never leave it 100 ms, so that work piles up over the lessons
/// and falls due in the first long cell: lesson 08's training, which then shared the machine's two cores with
/// the JIT (5 s of compilation, mostly of Roslyn itself, during one 6 s cell). Counting at once spreads that
/// work over the lessons where it belongs. Dynamic PGO's extra instrumented tier doubles the recompiling of
/// the compiler's own code and buys a notebook nothing measurable, so it is off.
/// </para>
/// <para>
/// Measured on the two-core machine, quiet, the whole course in one worker: 54 s with the defaults (lesson 08
/// 15.5 s, lesson 11 10.6 s), 33.5–36.8 s with these settings (lesson 08 6.8–7.1 s, lesson 11 6.4–6.9 s). Since
/// charts are written quickly (AttentionLab's PlotlyJson), 31–34 s against 25 s, and less processor time too
/// (40–42 s against 36 s).
/// </para>
/// <para>
/// A process that runs one notebook and ends gains nothing from it: the real engine (dotnet-repl) running lesson
/// 04 took 5.4 s of processor time with the defaults and 8.7 s with these settings, so the tests start it as a
/// learner would, with the defaults.
/// </para>
/// </remarks>
public static class WorkerJitSettings
{
    /// <summary>The environment variables, by name, with their values.</summary>
    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>
    {
        ["DOTNET_TC_CallCountingDelayMs"] = "0",
        ["DOTNET_TieredPGO"] = "0",
    };

    /// <summary>Adds the settings to a child process's <paramref name="environment"/>, keeping any the caller set.</summary>
    public static void ApplyTo(IDictionary<string, string?> environment)
    {
        foreach (var (name, value) in Variables)
        {
            if (!environment.TryGetValue(name, out var existing) || string.IsNullOrEmpty(existing))
            {
                environment[name] = value;
            }
        }
    }
}
