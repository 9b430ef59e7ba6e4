using System.Diagnostics;
using System.Diagnostics.Metrics;
using Marten;
using Marten.Services;

namespace ModularMonolith.BuildingBlocks.Observability;

/// <summary>
/// The project's own meter, <c>ModularMonolith</c>, and its counter of events appended per module.
/// Marten's <c>TrackEventCounters()</c> (<c>marten.event.append</c>) tags only the event type and tenant, and every
/// module's store shares the meter name <c>Marten</c>, so it cannot tell the modules apart; this counter is recorded
/// after each commit of a module's store and carries the module (docs/adr/0009).
/// </summary>
public static class EventAppends
{
    public const string MeterName = "ModularMonolith";
    public const string CounterName = "modularmonolith.events.appended";

    public static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Appended = Meter.CreateCounter<long>(CounterName, "{event}",
        "Events committed to a module's event store, by module and event type");

    /// <summary>Counts every event a session of <paramref name="module"/>'s store commits.</summary>
    public static void CountFor(StoreOptions options, string module) => options.Listeners.Add(new Listener(module));

    private sealed class Listener(string module) : DocumentSessionListenerBase
    {
        public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
        {
            if (!Appended.Enabled) return Task.CompletedTask;
            foreach (var e in commit.GetEvents())
                Appended.Add(1, new TagList { { "module", module }, { "event_type", e.EventTypeName } });
            return Task.CompletedTask;
        }
    }
}
