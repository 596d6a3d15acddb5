using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;

namespace CourseRunner;

/// <summary>
/// Loads the kernel extensions that NuGet packages carry, as the dotnet-interactive tool does.
/// A package such as Plotly.NET.Interactive ships an assembly under
/// <c>&lt;PackageRoot&gt;/interactive-extensions/dotnet/</c> whose <see cref="IKernelExtension"/>
/// registers HTML formatters. The loader for those lives in the tool, not in any library package,
/// so an in-process kernel has to do it itself: after each command, every package added by
/// <c>#r "nuget: ..."</c> is checked for that folder and its extensions are loaded.
/// </summary>
internal static class KernelExtensionLoader
{
    /// <summary>Makes <paramref name="kernel"/> load the extensions of packages added to it.</summary>
    public static CompositeKernel UseNuGetExtensions(this CompositeKernel kernel)
    {
        var added = new ConcurrentQueue<PackageAdded>();
        var seenRoots = new ConcurrentDictionary<string, bool>();

        kernel.AddMiddleware(async (command, context, next) =>
        {
            await next(command, context);

            while (added.TryDequeue(out var packageAdded))
            {
                var folder = new DirectoryInfo(Path.Combine(
                    packageAdded.PackageReference.PackageRoot, "interactive-extensions", "dotnet"));
                if (folder.Exists)
                {
                    var package = $"{packageAdded.PackageReference.PackageName} {packageAdded.PackageReference.PackageVersion}";
                    await LoadFromFolderAsync(folder, package, kernel, context);
                }
            }
        });

        kernel.RegisterForDisposal(kernel.KernelEvents.Subscribe(e =>
        {
            if (e is PackageAdded { PackageReference.PackageRoot: { } root } packageAdded && seenRoots.TryAdd(root, true))
            {
                added.Enqueue(packageAdded);
            }
        }));

        return kernel;
    }

    /// <summary>
    /// Loads the extensions in <paramref name="folder"/>. Messages name the <paramref name="package"/> and
    /// its version, never the folder: that is a path on this machine, and it would appear in every book page.
    /// </summary>
    private static async Task LoadFromFolderAsync(DirectoryInfo folder, string package, Kernel kernel, KernelInvocationContext context)
    {
        foreach (var file in folder.GetFiles("*.dll", SearchOption.TopDirectoryOnly).OrderBy(f => f.Name))
        {
            var assembly = LoadOnce(file.FullName);
            var extensionTypes = assembly.ExportedTypes
                .Where(t => t is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false }
                            && typeof(IKernelExtension).IsAssignableFrom(t))
                .ToArray();
            if (extensionTypes.Length > 0)
            {
                // The real engine's message, with the package in place of its path in the NuGet cache.
                KernelInvocationContextExtensions.Display(context, $"Loading extensions from the package `{package}`");
            }

            foreach (var type in extensionTypes)
            {
                try
                {
                    var extension = (IKernelExtension)Activator.CreateInstance(type)!;
                    await extension.OnLoadAsync(kernel);
                    context.Publish(new KernelExtensionLoaded(extension, context.Command));
                }
                catch (Exception e)
                {
                    context.Fail(context.Command, e,
                        $"Failed to load kernel extension \"{type.Name}\" from the package {package}: {e.Message}");
                }
            }
        }
    }

    /// <summary>
    /// Assemblies stay loaded for the life of the process (notebooks run one after another in one
    /// process), so a second notebook reuses the assembly and only re-runs the extension on its own kernel.
    /// </summary>
    private static Assembly LoadOnce(string path)
    {
        var name = AssemblyName.GetAssemblyName(path);
        return AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(name, a.GetName())
                                                                          && a.GetName().Version == name.Version)
               ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }
}
