using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Wolverine.Persistence.Durability.DeadLetterManagement;

namespace ModularMonolith.Host.Operations;

/// <summary>Section <c>DeadLetters</c>: how many dead letters an operator tolerates before readiness says Degraded.</summary>
public sealed class DeadLetterHealthOptions
{
    public const string Section = "DeadLetters";

    /// <summary>Degraded when more than this many messages wait in dead-letter storage (0: any dead letter).</summary>
    public int DegradedAbove { get; set; } = 0;
}

/// <summary>
/// Part of <c>/health/ready</c>: degraded when more dead letters wait than <c>DeadLetters:DegradedAbove</c>. A dead
/// letter is work a customer is waiting for; the node still serves traffic (Degraded answers 200).
/// </summary>
public sealed class DeadLetterHealthCheck(DeadLetterReader reader, IOptions<DeadLetterHealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation)
    {
        return Evaluate(await reader.CountAsync(cancellation), options.Value.DegradedAbove);
    }

    public static HealthCheckResult Evaluate(IReadOnlyList<DeadLetterQueueCount> counts, int threshold)
    {
        var total = counts.Sum(c => c.Count);
        var data = counts.GroupBy(c => c.MessageType)
            .ToDictionary(g => g.Key, g => (object)g.Sum(c => c.Count));
        return total > threshold
            ? HealthCheckResult.Degraded($"{total} dead letters (more than DeadLetters:DegradedAbove = {threshold}); see GET /api/admin/dead-letters.", data: data)
            : HealthCheckResult.Healthy($"{total} dead letters.", data);
    }
}
