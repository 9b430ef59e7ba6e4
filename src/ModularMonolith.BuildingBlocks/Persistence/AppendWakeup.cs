using JasperFx.Events.Daemon.HighWater;
using Marten;
using Marten.Services;

namespace ModularMonolith.BuildingBlocks.Persistence;

/// <summary>
/// Wakes a store's high-water agent as soon as this process commits events to that store, so async projections start
/// on them at once instead of at the next poll. The agent still polls — every <see cref="ModuleStore"/> FastPollingTime
/// while events flow, every SlowPollingTime when there are none — which catches events other nodes append; but an
/// idle host no longer wakes every 100 ms to find nothing (docs/adr/0011).
/// </summary>
public sealed class AppendWakeup : DocumentSessionListenerBase, IDaemonWakeup
{
    private readonly object _gate = new();
    private TaskCompletionSource _appended = NewSignal();

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
            // Events were committed since the last look: look again now.
            if (_appended.Task.IsCompleted)
            {
                _appended = NewSignal();
                return;
            }
            appended = _appended.Task;
        }
        using var early = CancellationTokenSource.CreateLinkedTokenSource(token);
        var delay = Task.Delay(timeout, early.Token);
        await Task.WhenAny(appended, delay).ConfigureAwait(false);
        await early.CancelAsync().ConfigureAwait(false);
        token.ThrowIfCancellationRequested();
    }

    public void Dispose() => _appended.TrySetResult();
}
