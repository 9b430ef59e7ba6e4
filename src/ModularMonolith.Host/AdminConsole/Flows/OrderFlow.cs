using System.Diagnostics;
using ModularMonolith.Accounts;
using ModularMonolith.Cart;
using ModularMonolith.Host.AdminConsole.Traces;
using ModularMonolith.Host.Operations;
using ModularMonolith.Orders;
using ModularMonolith.Host.Wiring;

namespace ModularMonolith.Host.AdminConsole.Flows;

/// <summary>One step of an order's flow: an event a module appended, or a message Wolverine handled (from the trace).</summary>
public sealed record FlowStep(DateTimeOffset At, string Module, string What, string Name, string? Link);

public sealed record OrderFlowView(Guid OrderId, IReadOnlyList<FlowStep> Steps, string? TraceId);

/// <summary>
/// An order across the modules, in time order: the cart's events (the order's id is its cart's), the order's, and the
/// account events that name the order (debit, refund), from each module's own event tables; and, while this node
/// still holds the checkout's trace (<see cref="RecentTraces"/>), the messages that carried the flow between them.
/// </summary>
public sealed class OrderFlow(ModuleDatabases databases, RecentTraces traces, DeadLetterReader messages)
{
    public async Task<OrderFlowView> ReadAsync(Guid orderId, CancellationToken cancellation)
    {
        var steps = new List<FlowStep>();
        await AddEventsAsync(steps, CartModule.Schema, "cart", "stream_id = $1", orderId, cancellation);
        await AddEventsAsync(steps, OrdersModule.Schema, "order", "stream_id = $1", orderId, cancellation);
        await AddEventsAsync(steps, AccountsModule.Schema, "account", "data->>'orderId' = $1::text", orderId, cancellation);

        var trace = traces.FindByAttribute("url.path", $"/api/carts/{orderId}/checkout");
        if (trace is not null)
            foreach (var span in trace.Spans.Where(s => s.Source == "Wolverine" && s.Kind is ActivityKind.Internal or ActivityKind.Consumer))
            {
                var type = span.Attributes.FirstOrDefault(a => a.Key == "messaging.message_type").Value ?? span.Name;
                steps.Add(new FlowStep(span.Start, messages.ModuleOf(type) ?? "?", "message handled", span.Name,
                    $"/console/traces/{trace.TraceId}#span-{span.SpanId}"));
            }
        return new OrderFlowView(orderId, steps.OrderBy(s => s.At).ToList(), trace?.TraceId);
    }

    private async Task AddEventsAsync(List<FlowStep> steps, string schema, string kind, string where, Guid orderId,
        CancellationToken cancellation)
    {
        // Each module's events are in its own database; a module this process does not run has none here.
        if (databases.Find(schema) is not { } dataSource) return;
        await using var command = dataSource.CreateCommand(
            $"select stream_id, version, type, timestamp from {schema}.mt_events where {where} order by seq_id limit 200");
        command.Parameters.AddWithValue(kind == "account" ? orderId.ToString() : orderId);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            steps.Add(new FlowStep(new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc)), schema,
                $"event v{reader.GetInt64(1)}", reader.GetString(2),
                $"/console/streams/{kind}/{reader.GetGuid(0)}?version={reader.GetInt64(1)}"));
    }
}
