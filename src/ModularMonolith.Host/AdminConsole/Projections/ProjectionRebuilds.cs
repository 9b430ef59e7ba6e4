using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.Host.Operations;

namespace ModularMonolith.Host.AdminConsole.Projections;

public sealed record RebuildProgress(string Module, string Projection, uint Version, long Total, long Position,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Error)
{
    public bool Running => FinishedAt is null;
    public double Percent => Total == 0 || FinishedAt is not null && Error is null ? 100 : Math.Min(100, 100.0 * Position / Total);
}

/// <summary>
/// Rebuilds the console starts, run in the background of this node by the same code as the <c>rebuild</c> verb
/// (<see cref="ProjectionRebuild"/>), and where each stands, for the progress bar.
/// </summary>
public sealed class ProjectionRebuilds(IServiceProvider services, TimeProvider clock, ILogger<ProjectionRebuilds> logger)
{
    private readonly ConcurrentDictionary<string, RebuildProgress> _rebuilds = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<RebuildProgress> All => _rebuilds.Values.OrderByDescending(r => r.StartedAt).ToList();

    public async Task<RebuildProgress> StartAsync(string module, string projectionName, CancellationToken cancellation)
    {
        var rebuild = ProjectionRebuild.Find(services, module, projectionName);
        var key = $"{rebuild.Module}/{rebuild.Projection}";
        if (_rebuilds.TryGetValue(key, out var running) && running.Running)
            throw new RequestRefused(StatusCodes.Status409Conflict, "A rebuild is already running.",
                $"{rebuild.Projection} in {rebuild.Module} is being rebuilt since {running.StartedAt:O}.", "projection");

        var total = await rebuild.HeadAsync(cancellation);
        var progress = new RebuildProgress(rebuild.Module, rebuild.Projection, rebuild.Version, total, 0, clock.GetUtcNow(), null, null);
        _rebuilds[key] = progress;

        _ = Task.Run(async () =>
        {
            try
            {
                await rebuild.RunAsync(CancellationToken.None);
                _rebuilds[key] = _rebuilds[key] with { Position = total, FinishedAt = clock.GetUtcNow() };
                logger.LogInformation("Console rebuild of {Projection} in {Module} finished", rebuild.Projection, rebuild.Module);
            }
            catch (Exception e)
            {
                _rebuilds[key] = _rebuilds[key] with { FinishedAt = clock.GetUtcNow(), Error = e.Message };
                logger.LogError(e, "Console rebuild of {Projection} in {Module} failed", rebuild.Projection, rebuild.Module);
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
            var position = await ProjectionRebuild.Find(services, rebuild.Module, rebuild.Projection).PositionAsync(cancellation);
            _rebuilds.TryUpdate(key, rebuild with { Position = Math.Min(position, rebuild.Total) }, rebuild);
        }
        return All;
    }
}
