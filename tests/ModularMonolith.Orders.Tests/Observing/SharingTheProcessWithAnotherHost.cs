using ModularMonolith.Testing;
using Shouldly;
using Wolverine.Tracking;
using Xunit;

namespace ModularMonolith.Orders.Tests;

/// <summary>
/// A test process runs several hosts (a fixture of its own per topology), and every meter is visible process-wide:
/// this host's metrics must be this host's alone, and must keep counting after another host in the process stops.
/// </summary>
[Collection(OrdersCollection.Name)]
public sealed class SharingTheProcessWithAnotherHost(OrdersApp app)
{
    private sealed class AnotherHost : AppFixture
    {
        protected override string DatabaseName => "another_host";
    }

    [Fact]
    public async Task Another_host_stopping_in_the_process_leaves_this_hosts_metrics_counting()
    {
        var other = new AnotherHost();
        await other.InitializeAsync();
        await other.DisposeAsync();
        // Any export in between (the in-memory reader's periodic one, another test's collection) sees the other host's
        // instruments gone; a meter provider that had merged them with this host's drops the merged stream for good.
        app.Telemetry.CollectMetrics(app.Host.Services);

        var order = Guid.NewGuid();
        PackingSlips.Jammed[order] = true;
        await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(60)).DoNotAssertOnExceptionsDetected()
            .SendMessageAndWaitAsync(new PrintPackingSlip(order));
        await app.Call(app.AdminToken(), "GET", "/api/admin/dead-letters");

        var names = app.Telemetry.CollectMetrics(app.Host.Services).Select(m => m.Name).ToHashSet();
        string Listed() => string.Join(", ", names.Order());
        names.ShouldContain("wolverine-execution-failure", Listed());
        names.ShouldContain("wolverine-dead-letter-queue", Listed());
        names.ShouldContain("modularmonolith.dead_letters", Listed());
        names.ShouldContain("http.server.request.duration", Listed());
    }
}
