using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ModularMonolith.Host.Operations;

/// <summary>
/// Part of <c>/health/ready</c>: degraded when an async projection lags beyond <c>Projections:LagThreshold</c> events
/// and has not advanced for <c>Projections:StallAfter</c>; healthy while it lags but advances (a burst of writes, a
/// rebuild) — a lag alone is not a fault.
/// </summary>
public sealed class ProjectionLagHealthCheck(ProjectionMonitor monitor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation)
    {
        return Evaluate(await monitor.ReadAsync(cancellation), monitor.Options.LagThreshold);
    }

    public static HealthCheckResult Evaluate(IReadOnlyList<ShardStatus> shards, long lagThreshold)
    {
        var stuck = shards.Where(s => s.State is ShardState.Stale or ShardState.NotStarted
                                      && s.LagEvents > lagThreshold).ToList();
        var data = shards.Where(s => s.LagEvents > 0)
            .ToDictionary(s => $"{s.Module}/{s.Shard}", s => (object)$"{s.LagEvents} events behind, {s.State}");
        return stuck.Count == 0
            ? HealthCheckResult.Healthy("Async projections are caught up or advancing.", data)
            : HealthCheckResult.Degraded(
                "Stalled: " + string.Join(", ", stuck.Select(s => $"{s.Module}/{s.Projection} {s.LagEvents} events behind")), data: data);
    }
}
