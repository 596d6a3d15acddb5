// One browser and one served playground for the whole project: its tests run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// dotnet test --filter Category=Browser runs these with the book's; Category!=Browser leaves them out.
[assembly: AssemblyTrait("Category", "Browser")]
