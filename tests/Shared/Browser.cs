using Xunit;

namespace CourseRunner.Testing;

/// <summary>
/// Which Chromium the browser tests drive, and whether they may be skipped. Debian's
/// <c>/usr/bin/chromium</c> comes first; otherwise a Chromium that Playwright installed itself
/// (<c>pwsh bin/Debug/net10.0/playwright.ps1 install chromium</c>, which needs the network). Where
/// neither exists the browser tests are skipped with one line saying how to get one, except in CI
/// (<c>CI=true</c>), where a missing browser is a failure: CI must run them.
/// </summary>
public static class Browser
{
    /// <summary>Debian's Chromium (apt-get install chromium).</summary>
    public const string DebianChromium = "/usr/bin/chromium";

    /// <summary>Why the browser tests are skipped here, or null when they run.</summary>
    public static string? SkipReason { get; } = FindSkipReason();

    /// <summary>The executable to launch, or null to let Playwright use the Chromium it installed.</summary>
    public static string? ExecutablePath => File.Exists(DebianChromium) ? DebianChromium : null;

    /// <summary>True when this run must not skip: CI=true.</summary>
    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a Chromium exists: Debian's, or one Playwright installed.</summary>
    public static bool Installed => File.Exists(DebianChromium) || PlaywrightChromiumInstalled();

    private static string? FindSkipReason() =>
        Installed || Required
            ? null
            : $"No Chromium on this machine: browser tests skipped. Get one with `apt-get install chromium` ({DebianChromium}) "
              + "or Playwright's own `playwright.ps1 install chromium`; CI (CI=true) requires it.";

    private static bool PlaywrightChromiumInstalled()
    {
        var folder = Environment.GetEnvironmentVariable("PLAYWRIGHT_BROWSERS_PATH") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "ms-playwright");
        return Directory.Exists(folder) && Directory.EnumerateDirectories(folder, "chromium*").Any();
    }
}

/// <summary>A test that drives Chromium: skipped with <see cref="Browser.SkipReason"/> where there is none (never in CI).</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Browser.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that drives Chromium: skipped with <see cref="Browser.SkipReason"/> where there is none (never in CI).</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        if (Browser.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
