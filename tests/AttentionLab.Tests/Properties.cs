// The library's unit, property and PyTorch-parity tests: the fast part of the inner loop
// (dotnet test --filter "Category=Library|Category=InProcess", see the README).
[assembly: AssemblyTrait("Category", "Library")]
