using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using ModularMonolith.Accounts;
using ModularMonolith.Accounts.GettingAccount;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.Cart;
using ModularMonolith.Orders;
using ModularMonolith.Host.Operations;
using ModularMonolith.Orders.GettingOrder;

namespace ModularMonolith.Host.AdminConsole.Streams;

/// <summary>A stream one module keeps, as found by id or by customer.</summary>
public sealed record FoundStream(string Module, string Kind, Guid Id, long Version, DateTimeOffset LastTimestamp);

/// <summary>An event of a stream, its data as indented JSON.</summary>
public sealed record TimelineEvent(long Version, long Sequence, DateTimeOffset Timestamp, string Type, string Data);

/// <summary>One field that differs between two versions of an aggregate (a JSON path, its value before and after).</summary>
public sealed record FieldChange(string Path, string? Before, string? After);

/// <summary>
/// The console's reads over every module's streams, through the same code the API's own reads use
/// (<see cref="StreamHistory"/>): the aggregate at a version or instant is the module's read model folded by Marten
/// up to that point, exactly what <c>GET /api/{accounts,carts,orders}/{id}?version=</c> answers, so whatever a module
/// shows (e.g. erased personal data) the console shows too.
/// </summary>
public sealed class StreamViews(IServiceProvider services)
{
    /// <summary>Folds a stream up to a point in time into the read model the module's API serves for its kind.</summary>
    private delegate Task<object> LoadAt(IQuerySession session, Guid id, PointInTime point, CancellationToken cancellation);

    /// <summary>Kind → module and how to load the read model the module's API serves for it.</summary>
    private static readonly (string Kind, string Module, LoadAt LoadAt)[] Kinds =
    [
        ("account", AccountsModule.Schema, LoadAtOf<Account>("account")),
        ("cart", CartModule.Schema, LoadAtOf<ShoppingCart>("cart")),
        ("order", OrdersModule.Schema, LoadAtOf<OrderSummary>("order"))
    ];

    /// <summary>Indented, and '+' or non-ASCII names shown as written rather than as \u escapes (this is for reading).</summary>
    private static readonly JsonSerializerOptions Display = new()
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping
    };

    public static IReadOnlyList<string> KindNames => Kinds.Select(k => k.Kind).ToList();

    /// <summary>Every module's stream with this id (a cart and the order placed from it share theirs).</summary>
    public async Task<IReadOnlyList<FoundStream>> FindAsync(Guid id, CancellationToken cancellation)
    {
        var found = new List<FoundStream>();
        foreach (var (kind, module, _) in Kinds)
        {
            await using var session = ModuleStores.Resolve(services, module).QuerySession();
            if (await session.Events.FetchStreamStateAsync(id, cancellation) is { } state)
                found.Add(new FoundStream(module, kind, id, state.Version, state.LastTimestamp));
        }
        return found;
    }

    /// <summary>A customer's account and every cart and order whose events name them as the customer.</summary>
    public async Task<IReadOnlyList<FoundStream>> OfCustomerAsync(Guid customerId, CancellationToken cancellation)
    {
        var found = (await FindAsync(customerId, cancellation)).Where(s => s.Kind == "account").ToList();
        foreach (var (kind, module, _) in Kinds.Where(k => k.Kind != "account"))
        {
            var schema = ModuleStores.Resolve(services, module).Options.Events.DatabaseSchemaName;
            await using var command = ModuleStores.DatabaseOf(services, module).CreateCommand(
                $"select s.id, s.version, s.timestamp from {schema}.mt_streams s where s.id in " +
                $"(select stream_id from {schema}.mt_events where data->>'customerId' = $1) order by s.timestamp desc limit 100");
            command.Parameters.AddWithValue(customerId.ToString());
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
                found.Add(new FoundStream(module, kind, reader.GetGuid(0), reader.GetInt64(1),
                    new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc))));
        }
        return found;
    }

    /// <summary>The stream's events in order (the first <see cref="StreamHistory.MaxPageSize"/>), archived ones included.</summary>
    public async Task<(IReadOnlyList<TimelineEvent> Events, long Total)> TimelineAsync(string kind, Guid id, CancellationToken cancellation)
    {
        var (_, module, _) = Of(kind);
        var store = ModuleStores.Resolve(services, module);
        await using var session = store.QuerySession();
        var page = await session.AuditTrailAsync(id, 1, StreamHistory.MaxPageSize, cancellation);
        if (page is null) return ([], 0);
        var key = kind == "account" ? await PersonalDataKey.LoadAsync(session, id, cancellation) : null;
        return (page.Events.Select(e => new TimelineEvent(e.Version, e.Sequence, e.Timestamp, e.Type,
                Indented(store, IHoldPersonalData.Shown(e.Data, key)))).ToList(),
            page.TotalEvents);
    }

    /// <summary>The read model at a point in time, as the module's API answers it (404s and 400s included).</summary>
    public async Task<string> AggregateAtAsync(string kind, Guid id, PointInTime point, CancellationToken cancellation)
    {
        var (_, module, loadAt) = Of(kind);
        var store = ModuleStores.Resolve(services, module);
        await using var session = store.QuerySession();
        var aggregate = await loadAt(session, id, point, cancellation);
        // An account's personal data is sealed with its key (ADR 0013): shown as its owner's API shows it, opened
        // while the key exists and "(erased)" after an erasure, never as ciphertext.
        if (aggregate is Account account)
            aggregate = AccountView.Of(account, await PersonalDataKey.LoadAsync(session, id, cancellation));
        return Indented(store, aggregate);
    }

    /// <summary>Fields that differ between two versions, by JSON path.</summary>
    public async Task<IReadOnlyList<FieldChange>> DiffAsync(string kind, Guid id, long from, long to, CancellationToken cancellation)
    {
        var before = Flatten(JsonNode.Parse(await AggregateAtAsync(kind, id, new PointInTime(from, null), cancellation)));
        var after = Flatten(JsonNode.Parse(await AggregateAtAsync(kind, id, new PointInTime(to, null), cancellation)));
        return before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Select(path => new FieldChange(path, before.GetValueOrDefault(path), after.GetValueOrDefault(path)))
            .Where(c => c.Before != c.After).ToList();
    }

    public static bool IsKind(string? kind) => Kinds.Any(k => k.Kind == kind);

    private static (string Kind, string Module, LoadAt LoadAt) Of(string kind) => Kinds.Single(k => k.Kind == kind);

    private static LoadAt LoadAtOf<T>(string kind) where T : class =>
        async (session, id, point, cancellation) => await session.LoadAtAsync<T>(id, point, kind, static _ => { }, cancellation);

    private static string Indented(IDocumentStore store, object data) =>
        JsonNode.Parse(store.Options.Serializer().ToJson(data))!.ToJsonString(Display);

    private static Dictionary<string, string?> Flatten(JsonNode? node, string path = "$", Dictionary<string, string?>? into = null)
    {
        into ??= new Dictionary<string, string?>();
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o) Flatten(child, $"{path}.{name}", into);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) Flatten(a[i], $"{path}[{i}]", into);
                if (a.Count == 0) into[path] = "[]";
                break;
            default:
                into[path] = node?.ToJsonString();
                break;
        }
        return into;
    }
}
