using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.Host.Operations;
using Npgsql;

namespace ModularMonolith.Host.AdminConsole.Projections;

public sealed record RebuildProgress(string Module, string Projection, uint Version, long Total, long Position,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Error)
{
    public bool Running => FinishedAt is null;
    public double Percent => Total == 0 || FinishedAt is not null && Error is null ? 100 : Math.Min(100, 100.0 * Position / Total);
}

/// <summary>
/// Rebuilds the console starts, run in the background of this node with the same Marten daemon call as the
/// <c>rebuild</c> verb (<see cref="RebuildCommand"/>), and where each stands, for the progress bar: the position
/// Marten records in <c>mt_event_progression</c> against the head of the module's log when it started.
/// </summary>
public sealed class ProjectionRebuilds(IServiceProvider services, NpgsqlDataSource dataSource, TimeProvider clock,
    ILogger<ProjectionRebuilds> logger)
{
    private readonly ConcurrentDictionary<string, RebuildProgress> _rebuilds = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<RebuildProgress> All => _rebuilds.Values.OrderByDescending(r => r.StartedAt).ToList();

    public async Task<RebuildProgress> StartAsync(string module, string projectionName, CancellationToken cancellation)
    {
        if (!ModuleStores.ByModule.ContainsKey(module))
            throw RequestRefused.Invalid("module", $"module must be one of {string.Join(", ", ModuleStores.ByModule.Keys)}.");
        var store = ModuleStores.Resolve(services, module);
        var projection = store.Options.Projections.All.FirstOrDefault(p => string.Equals(p.Name, projectionName, StringComparison.OrdinalIgnoreCase))
                         ?? throw new RequestRefused(StatusCodes.Status404NotFound, "No such projection.",
                             $"Module {module} has no projection '{projectionName}'.", "projection");

        var key = $"{module}/{projection.Name}";
        if (_rebuilds.TryGetValue(key, out var running) && running.Running)
            throw new RequestRefused(StatusCodes.Status409Conflict, "A rebuild is already running.",
                $"{projection.Name} in {module} is being rebuilt since {running.StartedAt:O}.", "projection");

        var schema = store.Options.Events.DatabaseSchemaName;
        var total = await ScalarAsync($"select coalesce(max(seq_id), 0) from {schema}.mt_events", cancellation);
        var progress = new RebuildProgress(module, projection.Name, projection.Version, total, 0, clock.GetUtcNow(), null, null);
        _rebuilds[key] = progress;

        _ = Task.Run(async () =>
        {
            try
            {
                using var daemon = await store.BuildProjectionDaemonAsync();
                await daemon.RebuildProjectionAsync(projection.Name, TimeSpan.FromMinutes(30), CancellationToken.None);
                _rebuilds[key] = _rebuilds[key] with { Position = total, FinishedAt = clock.GetUtcNow() };
                logger.LogInformation("Console rebuild of {Projection} in {Module} finished", projection.Name, module);
            }
            catch (Exception e)
            {
                _rebuilds[key] = _rebuilds[key] with { FinishedAt = clock.GetUtcNow(), Error = e.Message };
                logger.LogError(e, "Console rebuild of {Projection} in {Module} failed", projection.Name, module);
            }
        }, CancellationToken.None);
        return progress;
    }

    /// <summary>Every rebuild, the running ones with their position read now.</summary>
    public async Task<IReadOnlyList<RebuildProgress>> ReadAsync(CancellationToken cancellation)
    {
        foreach (var (key, rebuild) in _rebuilds)
        {
            if (!rebuild.Running) continue;
            var store = ModuleStores.Resolve(services, rebuild.Module);
            var shard = ModuleStores.ShardOf(rebuild.Projection, rebuild.Version);
            await using var command = dataSource.CreateCommand(
                $"select coalesce(max(last_seq_id), 0) from {store.Options.Events.DatabaseSchemaName}.mt_event_progression where name = $1");
            command.Parameters.AddWithValue(shard);
            var position = Convert.ToInt64(await command.ExecuteScalarAsync(cancellation));
            _rebuilds.TryUpdate(key, rebuild with { Position = Math.Min(position, rebuild.Total) }, rebuild);
        }
        return All;
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation));
    }
}
