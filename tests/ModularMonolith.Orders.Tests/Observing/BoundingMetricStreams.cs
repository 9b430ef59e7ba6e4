using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.BuildingBlocks.Observability;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Observing;

/// <summary>
/// A metric stream keeps a bounded number of tag combinations (docs/adr/0020): OpenTelemetry reserves a stream's
/// storage for its whole limit, and the default of 2,000 put a 144 KB array per stream on the large-object heap.
/// </summary>
[Collection(OrdersCollection.Name)]
public sealed class BoundingMetricStreams(OrdersApp app)
{
    [Fact]
    public void Tag_combinations_beyond_a_streams_limit_add_up_in_its_overflow_point()
    {
        // The host's own meter (its IMeterFactory hands out the instance OperationsMetrics uses).
        var meter = app.Host.Services.GetRequiredService<IMeterFactory>().Create(EventAppends.MeterName);
        var name = "modularmonolith.test.combinations." + Guid.NewGuid().ToString("N");
        var counter = meter.CreateCounter<long>(name);
        const int combinations = 1_000;
        for (var i = 0; i < combinations; i++)
            counter.Add(1, new KeyValuePair<string, object?>("combination", i));

        var points = app.Telemetry.CollectMetrics(app.Host.Services).Where(m => m.Name == name)
            .SelectMany(Telemetry.Points).ToList();

        var overflow = points.Where(p => p.Tags.ContainsKey("otel.metric.overflow")).ToList();
        overflow.Count.ShouldBe(1, $"{points.Count} points, none of them the overflow point");
        points.Count.ShouldBeLessThan(combinations / 2);
        // Nothing counted is lost: the overflow point holds what the kept points do not.
        points.Sum(p => p.Value).ShouldBe(combinations);
    }
}
