using JasperFx.CommandLine;
using Npgsql;

namespace ModularMonolith.Host.Operations;

public sealed class ProjectionStatusInput : NetCoreInput
{
    [Description("Print the table again every --interval seconds until Ctrl+C")]
    [FlagAlias("watch", true)]
    public bool WatchFlag { get; set; }

    [Description("Seconds between two tables with --watch (default 2)")]
    [FlagAlias("interval", true)]
    public int IntervalFlag { get; set; } = 2;
}

/// <summary>
/// <c>projection-status [--watch]</c>: what <c>GET /api/admin/projections</c> answers, as a table for a shell — every
/// module's projections with version, lifecycle, position, high-water mark, lag and state. It reads the database only
/// and starts no daemon. A single reading cannot tell a lagging projection that advances from one that is stuck; with
/// <c>--watch</c> the readings are compared, and a projection behind without advancing for
/// <c>Projections:StallAfter</c> shows as stale. Exits 1 when the database cannot be reached.
/// </summary>
[Description("Show every module's projections: position, lag and state (--watch to follow them)", Name = "projection-status")]
public sealed class ProjectionStatusCommand : JasperFxAsyncCommand<ProjectionStatusInput>
{
    public override async Task<bool> Execute(ProjectionStatusInput input)
    {
        using var host = input.BuildHost();
        var monitor = host.Services.GetRequiredService<ProjectionMonitor>();
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

        do
        {
            IReadOnlyList<ShardStatus> shards;
            try
            {
                shards = await monitor.ReadAsync(stop.Token);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                await Console.Error.WriteLineAsync($"The database cannot be reached: {e.Message}");
                return false;
            }
            catch (OperationCanceledException)
            {
                return true;
            }
            Print(shards);
            if (!input.WatchFlag) break;
            try { await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, input.IntervalFlag)), stop.Token); }
            catch (OperationCanceledException) { return true; }
        } while (true);
        return true;
    }

    private static void Print(IReadOnlyList<ShardStatus> shards)
    {
        Console.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z");
        Console.WriteLine($"{"MODULE",-9}{"PROJECTION",-22}{"V",3}  {"LIFECYCLE",-10}{"POSITION",10}{"HEAD",10}{"LAG",8}{"LAG S",8}  STATE");
        foreach (var s in shards)
            Console.WriteLine($"{s.Module,-9}{s.Projection,-22}{s.Version,3}  {s.Lifecycle,-10}{s.Position?.ToString() ?? "-",10}" +
                              $"{s.HighWaterMark,10}{s.LagEvents,8}{s.LagSeconds?.ToString("0.0") ?? "-",8}  {State(s.State)}");
    }

    private static string State(ShardState state) => state switch
    {
        ShardState.NotStarted => "not started",
        _ => state.ToString().ToLowerInvariant()
    };
}
