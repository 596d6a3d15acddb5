using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace CourseRunner.Testing;

/// <summary>
/// The one in-process run of every lesson that the test projects share: Notebooks.Tests asserts that
/// each lesson ran to the end, Book.Tests opens the book it wrote. It is kept under
/// <c>artifacts/test-runs/lessons-KEY/</c>, where KEY hashes everything the run depends on: the
/// lessons' content, the library they load, the runner that ran them and the data folder. The first
/// test process that needs it runs the lessons (holding a lock file, so a test process in parallel
/// waits instead of running them again); the others read the saved record. Change a notebook, the
/// library or the runner and the key changes, so the lessons run again.
/// </summary>
public static class SharedLessonRun
{
    /// <summary>Generous: every lesson of the course, on a slow two-core machine running other tests too.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(20);

    private const string RecordFileName = "run.json";

    private static readonly Lazy<Task<CourseReport>> Run = new(GetOrRunAsync);

    /// <summary>The repository root, found from the test assembly's folder.</summary>
    public static string Root { get; } = RepositoryLayout.FindRoot(AppContext.BaseDirectory)
                                         ?? throw new InvalidOperationException($"No {RepositoryLayout.SolutionFileName} above {AppContext.BaseDirectory}.");

    /// <summary>Where every shared run is kept (git-ignored).</summary>
    public static string CacheFolder => Path.Combine(Root, "artifacts", "test-runs");

    /// <summary>What happened in this process: ran the lessons, or read the run another process made, and how long it took.</summary>
    public static string Provenance { get; private set; } = "";

    /// <summary>The run of every lesson under notebooks/, its book written; made at most once per key.</summary>
    public static Task<CourseReport> GetAsync() => Run.Value;

    /// <summary>The lesson's run, by file name ("02-padding-mask.ipynb") or name ("02-padding-mask").</summary>
    public static NotebookRun RunOf(this CourseReport report, string lesson) =>
        report.Runs.Single(r => r.Notebook.FileName == lesson || r.Notebook.Name == lesson);

    private static async Task<CourseReport> GetOrRunAsync()
    {
        var clock = Stopwatch.StartNew();
        var lessons = RepositoryLayout.Lessons(RepositoryLayout.NotebooksFolder(Root));
        var key = Key(lessons);
        var folder = Path.Combine(CacheFolder, "lessons-" + key);
        Directory.CreateDirectory(CacheFolder);
        await using var held = await LockAsync(folder + ".lock");

        var record = Path.Combine(folder, RecordFileName);
        if (File.Exists(record))
        {
            var saved = RunRecord.Load(record);
            Provenance = $"lessons read from a run saved by another test process ({folder}), {clock.Elapsed.TotalSeconds:0.0} s to wait and read";
            return saved;
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        await RunCourseRunnerAsync(lessons, Path.Combine(folder, "book"), record);
        var report = RunRecord.Load(record);
        RemoveOtherRuns(folder);
        Provenance = $"lessons run by CourseRunner for this process in {clock.Elapsed.TotalSeconds:0.0} s, saved to {folder}";
        return report;
    }

    /// <summary>
    /// The course's main command, run as a process: the lessons then run in-process there, on one core,
    /// while this test process goes on with its own notebooks on the other.
    /// </summary>
    private static async Task RunCourseRunnerAsync(IReadOnlyList<string> lessons, string bookFolder, string record)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[typeof(CourseRun).Assembly.Location, "--output", bookFolder, "--record", record, .. lessons])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(LockTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"CourseRunner did not finish the lessons in {LockTimeout.TotalMinutes} minutes:\n{await output}\n{await error}");
        }

        // 0: every lesson ran; 1: some failed, which the tests report lesson by lesson from the record.
        if (process.ExitCode is not (0 or 1) || !File.Exists(record))
        {
            throw new InvalidOperationException(
                $"CourseRunner exited with {process.ExitCode} and wrote no run record:\n{await output}\n{await error}");
        }
    }

    /// <summary>A short hash of every input of the run.</summary>
    private static string Key(IReadOnlyList<string> lessons)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string name, string path)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name + "\0"));
            hash.AppendData(File.Exists(path) ? File.ReadAllBytes(path) : Encoding.UTF8.GetBytes("(missing)"));
        }

        foreach (var lesson in lessons)
        {
            Add("notebooks/" + Path.GetFileName(lesson), lesson);
        }

        Add("library", Path.Combine(Root, "lib", "AttentionLab", "bin", "AttentionLab.dll"));
        Add("runner", typeof(CourseRun).Assembly.Location);
        var data = Path.Combine(Root, "data");
        if (Directory.Exists(data))
        {
            foreach (var file in Directory.GetFiles(data, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                Add("data/" + Path.GetRelativePath(data, file), file);
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }

    /// <summary>An exclusive lock on <paramref name="path"/>, held by every process's open handle (released if it dies).</summary>
    private static async Task<FileStream> LockAsync(string path)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < LockTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }

    /// <summary>Runs made for other inputs are stale: only the newest is kept.</summary>
    private static void RemoveOtherRuns(string keep)
    {
        foreach (var other in Directory.GetDirectories(CacheFolder, "lessons-*"))
        {
            if (Path.GetFullPath(other) == Path.GetFullPath(keep))
            {
                continue;
            }

            try
            {
                Directory.Delete(other, recursive: true);
                File.Delete(other + ".lock");
            }
            catch (IOException)
            {
                // In use by another test run: it goes next time.
            }
        }
    }
}
