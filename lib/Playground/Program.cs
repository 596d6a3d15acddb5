using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Playground;
using Playground.Lab;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
var http = new HttpClient { BaseAddress = new Uri(builder.HostEnvironment.BaseAddress) };
builder.Services.AddSingleton(new ReverseModel(http));
await builder.Build().RunAsync();
