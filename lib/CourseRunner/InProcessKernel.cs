using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace CourseRunner;

/// <summary>Builds the kernel a notebook runs in: the C# kernel the real engine uses, in this process.</summary>
public static class InProcessKernel
{
    /// <summary>
    /// A fresh composite kernel with a "csharp" kernel that understands <c>#r "nuget: ..."</c>,
    /// the kernel helpers (<c>display</c>, <c>HTML</c>, ...) and value sharing, and that loads the
    /// kernel extensions of NuGet packages (e.g. Plotly.NET.Interactive's chart formatter).
    /// </summary>
    public static CompositeKernel Create()
    {
        var csharp = new CSharpKernel()
            .UseNugetDirective((kernel, packages) =>
            {
                kernel.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                return Task.CompletedTask;
            })
            .UseKernelHelpers()
            .UseValueSharing();

        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = csharp.Name;
        return composite.UseNuGetExtensions();
    }
}
