namespace CourseRunner;

/// <summary>
/// How the .NET runtime of a process that runs many notebooks should compile: a notebook worker given at least
/// <see cref="MinimumNotebooks"/> notebooks (the course), and the test processes that run lessons in-process
/// (tests/notebooks.runsettings). These settings change no result, only when the JIT does its work.
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
/// (40–42 s against 36 s). The in-process notebook tests: 1 min 56 s–2 min 11 s with the defaults, 1 min 30 s
/// with these settings.
/// </para>
/// <para>
/// A process that runs one notebook and ends gains nothing from them and pays processor time for the extra
/// recompiling: lesson 08 alone in a worker took 10 s either way and 17–18 s of processor time with the defaults
/// against 21–22 s; a small test notebook 3.6–4.3 s against 4.8–5.6 s; lesson 04 in the real engine (dotnet-repl)
/// 5.4 s against 8.7 s. So a worker with fewer notebooks, and the real engine, start with the runtime's defaults
/// (<see cref="UseDefaults"/>), also when started from a test process that has these settings.
/// </para>
/// </remarks>
public static class WorkerJitSettings
{
    /// <summary>The fewest notebooks a worker runs for these settings to be used.</summary>
    public const int MinimumNotebooks = 4;

    /// <summary>The environment variables, by name, with their values.</summary>
    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>
    {
        ["DOTNET_TC_CallCountingDelayMs"] = "0",
        ["DOTNET_TieredPGO"] = "0",
    };

    /// <summary>
    /// Sets a child process's <paramref name="environment"/> for a worker that runs <paramref name="notebooks"/>
    /// notebooks: these settings (keeping a value the caller set) from <see cref="MinimumNotebooks"/> on, the
    /// runtime's defaults below.
    /// </summary>
    public static void ApplyTo(IDictionary<string, string?> environment, int notebooks)
    {
        if (notebooks < MinimumNotebooks)
        {
            UseDefaults(environment);
            return;
        }

        foreach (var (name, value) in Variables)
        {
            if (!environment.TryGetValue(name, out var existing) || string.IsNullOrEmpty(existing))
            {
                environment[name] = value;
            }
        }
    }

    /// <summary>Leaves these settings out of a child process's <paramref name="environment"/>, whatever this process has.</summary>
    public static void UseDefaults(IDictionary<string, string?> environment)
    {
        foreach (var name in Variables.Keys)
        {
            environment.Remove(name);
        }
    }
}
