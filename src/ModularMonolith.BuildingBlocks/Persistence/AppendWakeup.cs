using JasperFx.Events.Daemon.HighWater;
using Marten;
using Marten.Services;

namespace ModularMonolith.BuildingBlocks.Persistence;

/// <summary>
/// Wakes a store's high-water agent as soon as this process commits events to that store, so async projections start
/// on them at once instead of at the next poll. The agent still polls — every <see cref="ModuleStore"/> FastPollingTime
/// while events flow, every SlowPollingTime when there are none — which catches events other nodes append; but an
/// idle host no longer wakes every 100 ms to find nothing (docs/adr/0012).
/// </summary>
public sealed class AppendWakeup : DocumentSessionListenerBase, IDaemonWakeup
{
    private readonly object _gate = new();
    private TaskCompletionSource _appended = NewSignal();
    private DateTimeOffset _lastLook = DateTimeOffset.MinValue;

    /// <summary>The shortest time between two looks at the high-water mark that an append can cause.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(100);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (commit.GetEvents().Any())
            lock (_gate) _appended.TrySetResult();
        return Task.CompletedTask;
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken token)
    {
        Task appended;
        lock (_gate)
        {
            // Committed since the last look (completed): look again, after the minimum interval below.
            appended = _appended.Task;
            if (appended.IsCompleted) _appended = NewSignal();
        }
        // Events committed since the last look wake the agent, but never sooner than MinimumInterval after it: under
        // load every commit signals, and an agent that looked again at each one would run one tiny batch per commit
        // (the benchmark then counted about twice the connection checkouts per add item), where 100 ms batch them.
        var earliest = _lastLook + MinimumInterval;
        using var early = CancellationTokenSource.CreateLinkedTokenSource(token);
        var delay = Task.Delay(timeout, early.Token);
        await Task.WhenAny(appended, delay).ConfigureAwait(false);
        var wait = earliest - DateTimeOffset.UtcNow;
        if (!delay.IsCompleted && wait > TimeSpan.Zero)
            await Task.WhenAny(delay, Task.Delay(wait, token)).ConfigureAwait(false);
        await early.CancelAsync().ConfigureAwait(false);
        _lastLook = DateTimeOffset.UtcNow;
        token.ThrowIfCancellationRequested();
    }

    public void Dispose() => _appended.TrySetResult();
}
