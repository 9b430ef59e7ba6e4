using ModularMonolith.Accounts;
using ModularMonolith.Accounts.Contracts;
using ModularMonolith.Cart;
using ModularMonolith.Cart.Contracts;
using ModularMonolith.Orders;
using Wolverine;

namespace ModularMonolith.Host.Wiring;

/// <summary>One module this binary can run: its name (= its schema), its store, and how it registers itself.</summary>
public sealed record ModuleDefinition(
    string Name,
    Type Store,
    Action<IServiceCollection> AddServices,
    Action<WolverineOptions> AddHandlersAndEndpoints,
    IReadOnlyList<Type> Inbox)
{
    /// <summary>The RabbitMQ queue this module's <see cref="Inbox"/> arrives on when modules talk over RabbitMQ.</summary>
    public string Queue => $"modularmonolith.{Name}";
}

/// <summary>
/// Which modules this process runs, where each module's data lives and how messages cross between modules: read from
/// configuration only (docs/architecture.md, "Topologies"; docs/adr/0011). Without settings: every module, one
/// database (<c>ConnectionStrings:Postgres</c>), durable local queues — the monolith. With settings:
/// <c>Modules:Enabled</c> (e.g. <c>orders</c> or <c>accounts,cart</c>), <c>ConnectionStrings:Accounts|Cart|Orders</c>
/// (each falling back to <c>ConnectionStrings:Postgres</c>) and <c>ConnectionStrings:RabbitMq</c> (an amqp:// URI:
/// every cross-module message then travels through RabbitMQ, whether or not its receiver runs in this process).
/// </summary>
public sealed class Topology
{
    public const string EnabledKey = "Modules:Enabled";
    public const string PostgresName = "Postgres";
    public const string RabbitMqName = "RabbitMq";

    /// <summary>
    /// Every module, and the contract messages each one handles: the routing table for RabbitMQ, where a sender cannot
    /// ask a receiver's handler graph (it may run elsewhere). A test checks it against the monolith's handlers.
    /// </summary>
    public static readonly IReadOnlyList<ModuleDefinition> All =
    [
        new(AccountsModule.Schema, typeof(IAccountsStore), s => s.AddAccountsModule(), w => w.AddAccountsModule(),
            [typeof(DebitAccountForOrder), typeof(RefundAccountForOrder)]),
        new(CartModule.Schema, typeof(ICartStore), s => s.AddCartModule(), w => w.AddCartModule(), []),
        new(OrdersModule.Schema, typeof(IOrdersStore), s => s.AddOrdersModule(), w => w.AddOrdersModule(),
            [typeof(CartCheckoutCompleted), typeof(AccountDebitedForOrder), typeof(AccountDebitForOrderDeclined),
             typeof(AccountRefundedForOrder), typeof(AccountRefundForOrderDeclined)])
    ];

    private Topology(IReadOnlyList<ModuleDefinition> enabled, IReadOnlyDictionary<string, string> connectionStrings,
        Uri? rabbitMq)
    {
        Enabled = enabled;
        ConnectionStrings = connectionStrings;
        RabbitMq = rabbitMq;
    }

    /// <summary>The modules this process runs, in <see cref="All"/>'s order.</summary>
    public IReadOnlyList<ModuleDefinition> Enabled { get; }

    /// <summary>Each enabled module's database, by module name.</summary>
    public IReadOnlyDictionary<string, string> ConnectionStrings { get; }

    /// <summary>Null: cross-module messages stay on durable local queues (every module must then run here).</summary>
    public Uri? RabbitMq { get; }

    /// <summary>
    /// Where Wolverine keeps this process's node records, Idempotency-Key claims and dead letters: the first enabled
    /// module's database. Another enabled module on another database gets its own inbox/outbox tables there, beside
    /// its events, so its handlers still commit events and outgoing messages in one transaction.
    /// </summary>
    public string MainConnectionString => ConnectionStrings[Enabled[0].Name];

    /// <summary>
    /// Static mode takes its endpoint and handler lists from the code generated for every module, and so served every
    /// module's endpoints in a process that runs only some (a 500 on another module's path, caught by
    /// eng/checks/modules-apart.py). Auto scans only the enabled modules' assemblies and still loads their
    /// pre-generated code, so nothing is compiled at start either.
    /// </summary>
    public JasperFx.CodeGeneration.TypeLoadMode TypeLoadModeFor(JasperFx.CodeGeneration.TypeLoadMode configured) =>
        configured == JasperFx.CodeGeneration.TypeLoadMode.Static && Enabled.Count < All.Count
            ? JasperFx.CodeGeneration.TypeLoadMode.Auto
            : configured;

    public bool Runs(string module) => Enabled.Any(m => string.Equals(m.Name, module, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads and checks the settings; a mistake stops the start with a message naming the setting.</summary>
    public static Topology Read(IConfiguration configuration)
    {
        var names = EnabledNames(configuration);
        var unknown = names.Where(n => All.All(m => !string.Equals(m.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException(
                $"{EnabledKey} names unknown module(s) {string.Join(", ", unknown)}; the modules are {string.Join(", ", All.Select(m => m.Name))}.");
        var enabled = names.Count == 0
            ? All
            : All.Where(m => names.Contains(m.Name, StringComparer.OrdinalIgnoreCase)).ToList();

        var fallback = configuration.GetConnectionString(PostgresName);
        var connectionStrings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var module in enabled)
        {
            var own = configuration.GetConnectionString(Capitalized(module.Name));
            var connectionString = string.IsNullOrWhiteSpace(own) ? fallback : own;
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException(
                    $"Neither ConnectionStrings:{Capitalized(module.Name)} nor ConnectionStrings:{PostgresName} is set " +
                    $"(environment variables ConnectionStrings__{Capitalized(module.Name)}, ConnectionStrings__{PostgresName}). " +
                    "eng/run.sh sets the latter for you, starting a local PostgreSQL when none is configured.");
            connectionStrings[module.Name] = WithAutoPrepare(connectionString);
        }

        var rabbit = configuration.GetConnectionString(RabbitMqName);
        Uri? rabbitMq = null;
        if (!string.IsNullOrWhiteSpace(rabbit) && !Uri.TryCreate(rabbit, UriKind.Absolute, out rabbitMq))
            throw new InvalidOperationException(
                $"ConnectionStrings:{RabbitMqName} must be an amqp:// URI (e.g. amqp://guest:guest@127.0.0.1:5672), not '{rabbit}'.");

        // Without a broker, a message to a module that runs elsewhere would have no route and be dropped: refuse.
        if (rabbitMq is null && enabled.Count < All.Count)
            throw new InvalidOperationException(
                $"{EnabledKey} runs only {string.Join(", ", enabled.Select(m => m.Name))} here: set ConnectionStrings:{RabbitMqName} " +
                "so messages reach the modules that run in other processes.");

        return new Topology(enabled, connectionStrings, rabbitMq);
    }

    /// <summary>
    /// Npgsql prepares the statements a connection sends most often (<c>Max Auto Prepare</c>; Marten's and Wolverine's
    /// are the same few dozen texts, parameterized), so PostgreSQL stops parsing and planning them on every request:
    /// 30-40 % less PostgreSQL CPU per sign-up and per account read in the benchmark (bench/optimizations.md). Prepared
    /// statements live on each pooled connection. A connection string that sets it keeps its own value
    /// (<c>Max Auto Prepare=0</c> turns it off, e.g. behind a transaction-pooling PgBouncer older than 1.21).
    /// </summary>
    public const int AutoPreparedStatements = 64;

    internal static string WithAutoPrepare(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var setsItself = given.Keys.Cast<string>()
            .Any(key => string.Equals(key.Replace(" ", ""), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));
        return setsItself ? connectionString : $"{connectionString.TrimEnd(';', ' ')};Max Auto Prepare={AutoPreparedStatements}";
    }

    private static List<string> EnabledNames(IConfiguration configuration)
    {
        // Either one value ("orders", "accounts,cart") or a list (Modules:Enabled:0, Modules:Enabled:1, … in JSON).
        var section = configuration.GetSection(EnabledKey);
        var values = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "").ToList();
        return values.SelectMany(v => v.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string Capitalized(string name) => char.ToUpperInvariant(name[0]) + name[1..];
}
