// One browser and one book for the whole project: its tests run one after another (a 2-core CI machine
// runs Chromium, the Node driver and the test host side by side).
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// dotnet test --filter Category=Browser runs these alone; Category!=Browser leaves them out.
[assembly: AssemblyTrait("Category", "Browser")]
