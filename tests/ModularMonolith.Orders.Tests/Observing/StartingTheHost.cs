using Microsoft.Extensions.Logging;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Observing;

/// <summary>What the host says as it starts: an operator reads a warning there as something to act on.</summary>
[Collection(OrdersCollection.Name)]
public sealed class StartingTheHost(OrdersApp app)
{
    [Fact]
    public void The_http_endpoint_model_starts_without_warnings()
    {
        // E.g. Wolverine's "[DeduplicatedWithResponse] … scopes by DeduplicationScope.User, but the endpoint is marked
        // [AllowAnonymous]": the anonymous sign-up's Idempotency-Key scope is the endpoint's, and says so.
        app.Telemetry.Logs.Where(l => l.Category.StartsWith("Wolverine.Http") && l.Level >= LogLevel.Warning)
            .Select(l => l.Message).ShouldBeEmpty();
    }
}
