using ModularMonolith.Testing;
using Xunit;

namespace ModularMonolith.Resilience.Tests;

public sealed class ResilienceApp : AppFixture
{
    protected override string DatabaseName => "resilience";
}

[CollectionDefinition(Name)]
public sealed class ResilienceCollection : ICollectionFixture<ResilienceApp>
{
    public const string Name = "resilience";
}
