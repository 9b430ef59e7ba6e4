using System.Diagnostics;
using System.Diagnostics.Metrics;
using Wolverine;

namespace ModularMonolith.BuildingBlocks.Observability;

/// <summary>
/// Counts handler executions that are retries (the envelope's second attempt or later), by message type.
/// Wolverine 6 counts failures (<c>wolverine-execution-failure</c>) and dead letters but not retries, and a failure
/// alone does not say whether the message was tried again; applied to every message handler as middleware
/// (Messaging.cs), so the count includes inline, cooled-down and scheduled retries alike.
/// </summary>
public static class MessageRetries
{
    public const string CounterName = "modularmonolith.messages.retried";

    private static readonly Counter<long> Retried = EventAppends.Meter.CreateCounter<long>(CounterName, "{attempt}",
        "Handler executions that retry a message that failed before, by message type");

    public static void Before(Envelope envelope)
    {
        if (envelope.Attempts > 1 && Retried.Enabled)
            Retried.Add(1, new TagList { { "message_type", envelope.MessageType } });
    }
}
