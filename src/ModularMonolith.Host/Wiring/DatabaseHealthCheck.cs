using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ModularMonolith.Host.Wiring;

/// <summary>
/// Ready means PostgreSQL answers. Written here rather than taken from AspNetCore.HealthChecks.NpgSql because the
/// only version the feed serves (3.0.0) predates Npgsql 10.
/// </summary>
internal sealed class DatabaseHealthCheck(ModuleDatabases databases) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken token)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            // Every database this process's modules use (one in the monolith, one per module when apart).
            foreach (var dataSource in databases.All)
            {
                await using var command = dataSource.CreateCommand("select 1");
                await command.ExecuteScalarAsync(timeout.Token);
            }
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL cannot be reached.", e);
        }
    }
}
