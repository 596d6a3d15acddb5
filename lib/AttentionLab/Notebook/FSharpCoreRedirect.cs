using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace AttentionLab;

/// <summary>
/// Lets Plotly.NET run inside the notebook engines (VS Code, Jupyter, dotnet-repl).
/// </summary>
/// <remarks>
/// Those engines load their own FSharp.Core (10.0.0.0) at start-up. Plotly.NET 6.0.0 is built
/// against FSharp.Core 10.1.0.0, so without help every Plotly.NET call in a notebook fails with
/// a FileNotFoundException for FSharp.Core 10.1.0.0 (in-process tests never see this, because
/// there the newer FSharp.Core is the one on the path). When the default load context cannot
/// find the requested FSharp.Core, we answer with the FSharp.Core that is already loaded: the
/// F# runtime keeps its public API compatible across these versions, and Plotly.NET only needs
/// its collections, options and functions. The handler is registered as soon as this library
/// is first used, which is why a notebook's setup cell calls <see cref="Course.Ready"/> before
/// anything touches Plotly.
/// </remarks>
internal static class FSharpCoreRedirect
{
    private static int registered;

#pragma warning disable CA2255 // a library module initializer is the point here: see the remarks above
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        AssemblyLoadContext.Default.Resolving += ResolveFSharpCore;
    }

    /// <summary>True once the handler is in place (the module initializer has run).</summary>
    internal static bool IsRegistered => Volatile.Read(ref registered) == 1;

    private static Assembly? ResolveFSharpCore(AssemblyLoadContext context, AssemblyName requested)
    {
        if (!string.Equals(requested.Name, "FSharp.Core", StringComparison.Ordinal)) return null;
        // Any FSharp.Core already loaded, the newest first; null lets the load fail as before.
        return AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => string.Equals(a.GetName().Name, "FSharp.Core", StringComparison.Ordinal))
            .OrderByDescending(a => a.GetName().Version)
            .FirstOrDefault();
    }
}
