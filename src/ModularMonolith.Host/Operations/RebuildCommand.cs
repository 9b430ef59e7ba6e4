using System.Diagnostics;
using JasperFx.CommandLine;
using Marten;
using ModularMonolith.BuildingBlocks.Http;
using Npgsql;

namespace ModularMonolith.Host.Operations;

public sealed class RebuildInput : NetCoreInput
{
    [Description("The module whose projection to rebuild: accounts, cart or orders")]
    [FlagAlias("module", true)]
    public string ModuleFlag { get; set; } = "";

    [Description("The projection's name, as `projections list` shows it (e.g. AccountStatement)")]
    [FlagAlias("projection", true)]
    public string ProjectionFlag { get; set; } = "";
}

/// <summary>
/// <c>rebuild --module accounts --projection AccountStatement</c>: rebuilds one projection (inline or async) from its
/// module's event log with Marten's daemon, showing events processed / total, rate and ETA while it runs, and a summary
/// at the end. JasperFx's <c>projections rebuild</c> does the same work; this verb adds what it lacks for operators:
/// module names instead of store URIs, live figures, and a non-zero exit code for an unknown module or projection or an
/// unreachable database (docs/operations.md).
/// </summary>
[Description("Rebuild one projection of a module from its event log, with live progress", Name = "rebuild")]
public sealed class RebuildCommand : JasperFxAsyncCommand<RebuildInput>
{
    public override async Task<bool> Execute(RebuildInput input)
    {
        if (!ModuleStores.ByModule.ContainsKey(input.ModuleFlag))
            return Fail($"Unknown module '{input.ModuleFlag}'. Modules: {string.Join(", ", ModuleStores.ByModule.Keys)}.");

        using var host = input.BuildHost();
        ProjectionRebuild rebuild;
        long total;
        try
        {
            rebuild = ProjectionRebuild.Find(host.Services, input.ModuleFlag, input.ProjectionFlag);
            total = await rebuild.HeadAsync(CancellationToken.None);
        }
        catch (RequestRefused refused)
        {
            return Fail(refused.Message);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return Fail($"The database cannot be reached: {e.Message}");
        }

        var store = rebuild.Store;
        Console.WriteLine($"Rebuilding {rebuild.Projection}{(rebuild.Version > 1 ? $" v{rebuild.Version}" : "")} ({rebuild.Lifecycle}) in module {input.ModuleFlag}: {total:N0} events in the log.");
        var clock = Stopwatch.StartNew();
        // A rebuild follows the high-water mark, and this process appends nothing that would wake its agent
        // (AppendWakeup): poll at the busy rate throughout, not at the idle rate a serving host uses (docs/adr/0012).
        store.Options.Projections.SlowPollingTime = store.Options.Projections.FastPollingTime;
        var running = rebuild.RunAsync(CancellationToken.None);

        var progress = new ProgressLine(total);
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(1)));
            if (running.IsCompleted) break;
            progress.Report(await rebuild.PositionAsync(CancellationToken.None), clock.Elapsed);
        }

        try
        {
            await running;
        }
        catch (Exception e)
        {
            return Fail($"The rebuild of {rebuild.Projection} failed: {e.Message}");
        }

        var documents = 0L;
        await using (var session = store.QuerySession())
            foreach (var type in rebuild.PublishedTypes)
                documents += await CountAsync(session, type);

        progress.Finish();
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
        Console.WriteLine($"Rebuilt {rebuild.Projection}: {total:N0} events, {documents:N0} documents, " +
                          $"{clock.Elapsed.TotalSeconds:N1} s ({total / seconds:N0} events/s).");
        return true;
    }

    private static bool Fail(string message)
    {
        Console.Error.WriteLine(message);
        return false;
    }

    private static Task<long> CountAsync(IQuerySession session, Type documentType) =>
        (Task<long>)typeof(RebuildCommand).GetMethod(nameof(CountOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(documentType).Invoke(null, [session])!;

    private static async Task<long> CountOf<T>(IQuerySession session) where T : notnull =>
        await session.Query<T>().LongCountAsync();

    /// <summary>One line, rewritten in place on a terminal; a line every few seconds when the output is a file or pipe.</summary>
    private sealed class ProgressLine(long total)
    {
        private readonly bool _inPlace = !Console.IsOutputRedirected;
        private TimeSpan? _lastPrinted;

        public void Report(long position, TimeSpan elapsed)
        {
            if (!_inPlace && _lastPrinted is { } last && elapsed - last < TimeSpan.FromSeconds(5)) return;
            _lastPrinted = elapsed;
            var rate = position / Math.Max(elapsed.TotalSeconds, 0.001);
            var eta = rate > 0 ? TimeSpan.FromSeconds((total - position) / rate) : (TimeSpan?)null;
            var line = $"  {position:N0} / {total:N0} events ({(total == 0 ? 100 : 100.0 * position / total):N1}%), " +
                       $"{rate:N0} events/s, ETA {(eta is { } t ? $"{t.TotalSeconds:N0} s" : "unknown")}";
            if (_inPlace) Console.Write($"\r{line.PadRight(Console.WindowWidth > 0 ? Console.WindowWidth - 1 : 80)}");
            else Console.WriteLine(line);
        }

        public void Finish()
        {
            if (_inPlace && _lastPrinted is not null) Console.WriteLine();
        }
    }
}
