using System.Collections.Concurrent;
using System.Diagnostics;
using Alba;
using Marten;
using ModularMonolith.BuildingBlocks.Observability;
using ModularMonolith.BuildingBlocks.Persistence;
using Weasel.Postgresql.Connections;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ModularMonolith.Testing;

/// <summary>
/// What one HTTP request asks of PostgreSQL: how many times it takes a connection from the pool (each checkout costs
/// a <c>DISCARD ALL</c> on the server when the connection goes back) and how many SQL statements it sends, over how
/// many round trips. Only the request's own work counts: the request carries a W3C <c>traceparent</c>, and Npgsql's
/// command activities and its "Opened connection" log events are kept only when they belong to that trace, so the
/// host's background polling on the same database is not counted.
/// Statements are those in the commands Npgsql sends (a batch counts each of its statements); the BEGIN, COMMIT and
/// DISCARD ALL that Npgsql adds on its own are not in them (pg_stat_statements, in the benchmark, counts those too).
/// </summary>
public sealed class DatabaseCalls : ILoggerFactory, ILoggerProvider
{
    /// <summary>Npgsql's event id for a connection opened (a pool checkout: NpgsqlEventId.OpenedConnection).</summary>
    private const int OpenedConnection = 1001;

    private readonly ConcurrentDictionary<ActivityTraceId, Usage> _watched = new();
    private readonly ActivityListener _listener;

    public DatabaseCalls()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (!_watched.TryGetValue(activity.TraceId, out var usage)) return;
                var text = activity.GetTagItem("db.query.text") as string ?? "";
                usage.Add(text);
            }
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Makes a module store's Npgsql data source log its connection opens here (tests only).</summary>
    public void Observe<TStore>(IServiceCollection services) where TStore : IDocumentStore =>
        services.ConfigureMarten<TStore>((provider, options) => options.DataSourceFactory(
            new DefaultNpgsqlDataSourceFactory(connectionString =>
                DatabaseSpans.Builder(connectionString).UseLoggerFactory(this)),
            PersistenceSettings.WithoutResetOnClose(provider.GetRequiredService<PersistenceSettings>().ConnectionString)));

    /// <summary>Runs one scenario and returns what it asked of the database.</summary>
    public async Task<Usage> MeasureAsync(IAlbaHost host, Action<Scenario> scenario)
    {
        var trace = ActivityTraceId.CreateRandom();
        var usage = new Usage();
        _watched[trace] = usage;
        try
        {
            await host.Scenario(s =>
            {
                s.WithRequestHeader("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
                scenario(s);
            });
        }
        finally
        {
            _watched.TryRemove(trace, out _);
        }
        return usage;
    }

    public sealed class Usage
    {
        private readonly object _gate = new();
        private readonly List<string> _commands = [];
        private int _checkouts;

        /// <summary>Connections taken from the pool.</summary>
        public int Checkouts => _checkouts;

        /// <summary>Commands sent: one round trip each.</summary>
        public int RoundTrips { get { lock (_gate) return _commands.Count; } }

        /// <summary>SQL statements in those commands (parameters never hold ';' in the text, so splitting is exact).</summary>
        public int Statements
        {
            get
            {
                lock (_gate)
                    return _commands.Sum(c => c.Split(';').Count(s => !string.IsNullOrWhiteSpace(s)));
            }
        }

        public IReadOnlyList<string> Commands { get { lock (_gate) return _commands.ToList(); } }

        internal void Add(string command) { lock (_gate) _commands.Add(command); }
        internal void CheckedOut() => Interlocked.Increment(ref _checkouts);

        public override string ToString() =>
            $"{Checkouts} checkout(s), {Statements} statement(s) in {RoundTrips} round trip(s):\n" + string.Join("\n---\n", Commands);
    }

    ILogger ILoggerFactory.CreateLogger(string categoryName) => new CheckoutLogger(this);
    ILogger ILoggerProvider.CreateLogger(string categoryName) => new CheckoutLogger(this);
    void ILoggerFactory.AddProvider(ILoggerProvider provider) { }
    public void Dispose() => _listener.Dispose();

    private sealed class CheckoutLogger(DatabaseCalls calls) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => !calls._watched.IsEmpty;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != OpenedConnection || Activity.Current is not { } current) return;
            if (calls._watched.TryGetValue(current.TraceId, out var usage)) usage.CheckedOut();
        }
    }
}
