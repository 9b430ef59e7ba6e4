using System.Text.Json;
using JasperFx.Core;
using ModularMonolith.BuildingBlocks.Http;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;
using Wolverine.Runtime;
using Wolverine.Runtime.Handlers;
using Wolverine.Util;

namespace ModularMonolith.Host.Operations;

/// <summary>Filters of <c>GET /api/admin/dead-letters</c> and <c>dead-letters list</c>, all optional.</summary>
public sealed record DeadLetterFilter(string? MessageType = null, string? Module = null, string? ExceptionType = null,
    DateTimeOffset? From = null, DateTimeOffset? Until = null, int Limit = DeadLetterFilter.DefaultLimit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Longer than any .NET type name this host's messages or exceptions have.</summary>
    public const int MaxTypeNameLength = 500;
}

public sealed record DeadLetterSummary(Guid Id, string MessageType, string? Module, string ExceptionType,
    string ExceptionMessage, DateTimeOffset SentAt, string ReceivedAt, bool Replayable);

public sealed record DeadLetterList(int Count, IReadOnlyList<DeadLetterSummary> DeadLetters);

public sealed record DeadLetterDetail(Guid Id, string MessageType, string? Module, string ExceptionType, string ExceptionMessage,
    DateTimeOffset SentAt, string ReceivedAt, string? Source, int Attempts, bool Replayable, JsonElement? Body,
    IReadOnlyDictionary<string, string?> Headers);

/// <summary>
/// The admin's view of Wolverine's dead-letter storage (<c>wolverine.wolverine_dead_letters</c>), through Wolverine's
/// own <see cref="IDeadLetters"/> API: query, one by id, replay (Wolverine's durability agent moves replayable rows
/// back to the inbox) and discard. What this adds is the project's vocabulary: the module that handles a message
/// (from Wolverine's handler graph), ProblemDetails for unknown filters, and every database of the process at once:
/// a module on a database of its own keeps its inbox, hence its dead letters, there.
/// </summary>
public sealed class DeadLetterReader(IWolverineRuntime runtime, ModularMonolith.Host.Wiring.Topology topology)
{
    /// <summary>
    /// Each database's dead-letter storage: the main store's, and that of each module on a database of its own.
    /// Wolverine's collection holds one store per database (module stores sharing the main database add none).
    /// </summary>
    private async Task<IReadOnlyList<IDeadLetters>> StoresAsync() =>
        (await runtime.Stores.FindAllAsync<IMessageStore>()).Select(s => s.DeadLetters).ToList();
    private HandlerGraph Handlers => ((WolverineRuntime)runtime).Handlers;

    /// <summary>The module whose handler a message type goes to, e.g. "orders" for CartCheckoutCompleted.</summary>
    public string? ModuleOf(string messageType)
    {
        if (!Handlers.TryFindMessageType(messageType, out var type)) return null;
        var chain = Handlers.ChainFor(type);
        var handler = chain?.Handlers.Concat(chain.ByEndpoint.SelectMany(c => c.Handlers)).FirstOrDefault()?.HandlerType;
        var assembly = handler?.Assembly.GetName().Name;
        var module = ModuleStores.ByModule.Keys.FirstOrDefault(m =>
            string.Equals(assembly, $"ModularMonolith.{m}", StringComparison.OrdinalIgnoreCase));
        return module ?? assembly;
    }

    public async Task<DeadLetterList> ListAsync(DeadLetterFilter filter, CancellationToken cancellation)
    {
        Validate(filter);
        // Wolverine filters by exact message type; a module is the set of message types its handlers take.
        var types = filter.Module is null
            ? [filter.MessageType]
            : MessageTypesOf(filter.Module).Where(t => filter.MessageType is null || t == filter.MessageType)
                .Cast<string?>().ToArray();

        var found = new List<DeadLetterEnvelope>();
        var total = 0;
        foreach (var (store, type) in (await StoresAsync()).SelectMany(store => types.Select(type => (store, type))))
        {
            var results = await store.QueryAsync(new DeadLetterEnvelopeQuery(new TimeRange(filter.From, filter.Until))
            {
                MessageType = type, ExceptionType = filter.ExceptionType, PageSize = filter.Limit
            }, cancellation);
            total += results.TotalCount;
            found.AddRange(results.Envelopes);
        }

        var page = found.OrderByDescending(e => e.SentAt).Take(filter.Limit)
            .Select(e => new DeadLetterSummary(e.Id, e.MessageType, ModuleOf(e.MessageType), e.ExceptionType,
                e.ExceptionMessage, e.SentAt, e.ReceivedAt, e.Replayable)).ToList();
        return new DeadLetterList(total, page);
    }

    public async Task<DeadLetterDetail?> FindAsync(Guid id, CancellationToken cancellation)
    {
        var letter = (await HoldingAsync(id)).Letter;
        if (letter is null) return null;
        var envelope = letter.Envelope;
        return new DeadLetterDetail(letter.Id, letter.MessageType, ModuleOf(letter.MessageType), letter.ExceptionType,
            letter.ExceptionMessage, letter.SentAt, letter.ReceivedAt, envelope.Source, envelope.Attempts, letter.Replayable,
            BodyOf(envelope.Data), envelope.Headers);
    }

    /// <summary>Marks the letters replayable; Wolverine's durability agent moves them back to the inbox.</summary>
    public async Task ReplayAsync(Guid[] ids, CancellationToken cancellation)
    {
        foreach (var (store, held) in await RequireAllAsync(ids))
            await store.ReplayAsync(new DeadLetterEnvelopeQuery(held), cancellation);
    }

    public async Task DiscardAsync(Guid[] ids, CancellationToken cancellation)
    {
        foreach (var (store, held) in await RequireAllAsync(ids))
            await store.DiscardAsync(new DeadLetterEnvelopeQuery(held), cancellation);
    }

    /// <summary>How many letters wait, by message type (Wolverine's summary, for health and metrics).</summary>
    public async Task<IReadOnlyList<DeadLetterQueueCount>> CountAsync(CancellationToken cancellation)
    {
        var counts = new List<DeadLetterQueueCount>();
        foreach (var store in await StoresAsync())
            counts.AddRange(await store.SummarizeAllAsync(runtime.Options.ServiceName, TimeRange.AllTime(), cancellation));
        return counts;
    }

    private IEnumerable<string> MessageTypesOf(string module) =>
        Handlers.Chains.Select(c => c.MessageType.ToMessageTypeName()).Where(t => ModuleOf(t) == module).Distinct();

    private void Validate(DeadLetterFilter filter)
    {
        // A module that runs in another process has its dead letters in that process's database.
        if (filter.Module is not null && !topology.Runs(filter.Module))
            throw RequestRefused.Invalid("module", $"module must be one of {string.Join(", ", topology.Enabled.Select(m => m.Name))}" +
                (topology.Enabled.Count < Wiring.Topology.All.Count ? " (the modules this process runs)." : "."));
        // Type names are compared as written: what could hide in one (a NUL, which PostgreSQL cannot even hold in
        // text, a zero-width space) is a client's mistake, refused here rather than failing the query.
        foreach (var (field, value) in new[] { ("messageType", filter.MessageType), ("exceptionType", filter.ExceptionType) })
        {
            if (value is null) continue;
            if (PlainText.IdentityProblem(value) is { } problem)
                throw RequestRefused.Invalid(field, $"{field} must not contain invisible or control characters: it contains {problem}.");
            if (value.Length > DeadLetterFilter.MaxTypeNameLength)
                throw RequestRefused.Invalid(field, $"{field} must be at most {DeadLetterFilter.MaxTypeNameLength} characters.");
        }
        if (filter.From > filter.Until)
            throw RequestRefused.Invalid("until", "until must not be before from.");
        if (filter.Limit is < 1 or > DeadLetterFilter.MaxLimit)
            throw RequestRefused.Invalid("limit", $"limit must be between 1 and {DeadLetterFilter.MaxLimit}.");
    }

    /// <summary>The letters by the store holding each; a 404 (and nothing done) when one is in none.</summary>
    private async Task<IReadOnlyList<(IDeadLetters Store, Guid[] Ids)>> RequireAllAsync(Guid[] ids)
    {
        if (ids.Length == 0) throw RequestRefused.Invalid("ids", "Name at least one dead letter.");
        var held = new List<(IDeadLetters Store, Guid Id)>();
        foreach (var id in ids)
            held.Add(await HoldingAsync(id) is { Store: { } store } ? (store, id) : throw RequestRefused.NotFound("dead letter", id));
        return held.GroupBy(h => h.Store).Select(g => (g.Key, g.Select(h => h.Id).ToArray())).ToList();
    }

    private async Task<(IDeadLetters? Store, DeadLetterEnvelope? Letter)> HoldingAsync(Guid id)
    {
        foreach (var store in await StoresAsync())
            if (await store.DeadLetterEnvelopeByIdAsync(id) is { } letter)
                return (store, letter);
        return (null, null);
    }

    private static JsonElement? BodyOf(byte[]? data)
    {
        if (data is null || data.Length == 0) return null;
        try { return JsonDocument.Parse(data).RootElement.Clone(); }
        catch (JsonException) { return JsonDocument.Parse(JsonSerializer.Serialize(Convert.ToBase64String(data))).RootElement.Clone(); }
    }
}
