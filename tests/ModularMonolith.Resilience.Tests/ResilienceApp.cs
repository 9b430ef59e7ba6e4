using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModularMonolith.Testing;
using Xunit;

namespace ModularMonolith.Resilience.Tests;

public sealed class ResilienceApp : AppFixture
{
    protected override string DatabaseName => "resilience";

    /// <summary>Every log entry, for the corpora that assert a refusal logs nothing at Warning or above.</summary>
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}

[CollectionDefinition(Name)]
public sealed class ResilienceCollection : ICollectionFixture<ResilienceApp>
{
    public const string Name = "resilience";
}
