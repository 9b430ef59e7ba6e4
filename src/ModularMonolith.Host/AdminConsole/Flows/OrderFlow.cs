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
/// Every read is an index read: the cart's and the order's streams by id, then only the streams of the accounts they
/// name (the customer pays for the order), never a search of the whole accounts event log.
/// </summary>
public sealed class OrderFlow(ModuleDatabases databases, RecentTraces traces, DeadLetterReader messages)
{
    private const int MaxEventsPerModule = 200;

    /// <summary>A cart's or an order's events ($1: the order's id), with the customer each one names.</summary>
    public static string StreamEvents(string schema) => EventsOf(schema, "stream_id = $1");

    /// <summary>
    /// The account events that name the order ($1, as text), in the streams of the accounts ($2) the order's and the
    /// cart's events name: <c>stream_id = any($2)</c> is served by Marten's (stream_id, version) index, so the read
    /// costs the few events of those accounts, however long the accounts' event log grows.
    /// </summary>
    public static readonly string AccountEventsOfOrder =
        EventsOf(AccountsModule.Schema, "stream_id = any($2) and data->>'orderId' = $1::text");

    /// <summary>
    /// The accounts that did something about the order ($1, as text), from their payment rows, for a process that runs
    /// Accounts but neither Cart nor Orders (<c>Modules:Enabled</c>), so no event here names the customer. That table
    /// holds a row per account and order paid for, not every event, but it has no index on the order: this path scans it.
    /// </summary>
    public static readonly string AccountsPaidForOrder =
        $"select distinct (data->>'accountId')::uuid from {AccountsModule.Schema}.mt_doc_orderpayment where data->>'orderId' = $1::text";

    private static string EventsOf(string schema, string where) =>
        $"select stream_id, version, type, timestamp, data->>'customerId' from {schema}.mt_events where {where} order by seq_id limit {MaxEventsPerModule}";

    private static readonly string CartEvents = StreamEvents(CartModule.Schema);
    private static readonly string OrderEvents = StreamEvents(OrdersModule.Schema);

    public async Task<OrderFlowView> ReadAsync(Guid orderId, CancellationToken cancellation)
    {
        var steps = new List<FlowStep>();
        var customers = new HashSet<Guid>();
        var cartOrOrderHere = await AddEventsAsync(steps, customers, CartModule.Schema, "cart", CartEvents, cancellation, orderId);
        cartOrOrderHere |= await AddEventsAsync(steps, customers, OrdersModule.Schema, "order", OrderEvents, cancellation, orderId);
        if (!cartOrOrderHere) customers.UnionWith(await AccountsPaidForAsync(orderId, cancellation));
        if (customers.Count > 0)
            await AddEventsAsync(steps, customers, AccountsModule.Schema, "account", AccountEventsOfOrder, cancellation,
                orderId.ToString(), customers.ToArray());

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

    /// <summary>Adds the module's events read by <paramref name="sql"/>; false when the module does not run here.</summary>
    private async Task<bool> AddEventsAsync(List<FlowStep> steps, HashSet<Guid> customers, string schema, string kind,
        string sql, CancellationToken cancellation, params object[] parameters)
    {
        // Each module's events are in its own database; a module this process does not run has none here.
        if (databases.Find(schema) is not { } dataSource) return false;
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters) command.Parameters.AddWithValue(parameter);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            steps.Add(new FlowStep(new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc)), schema,
                $"event v{reader.GetInt64(1)}", reader.GetString(2),
                $"/console/streams/{kind}/{reader.GetGuid(0)}?version={reader.GetInt64(1)}"));
            if (!reader.IsDBNull(4) && Guid.TryParse(reader.GetString(4), out var customer)) customers.Add(customer);
        }
        return true;
    }

    private async Task<IReadOnlyList<Guid>> AccountsPaidForAsync(Guid orderId, CancellationToken cancellation)
    {
        if (databases.Find(AccountsModule.Schema) is not { } dataSource) return [];
        await using var command = dataSource.CreateCommand(AccountsPaidForOrder);
        command.Parameters.AddWithValue(orderId.ToString());
        var accounts = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) accounts.Add(reader.GetGuid(0));
        return accounts;
    }
}
