using JasperFx;
using JasperFx.Events;
using JasperFx.Resources;
using Wolverine.ErrorHandling;
using JasperFx.CodeGeneration;
using ModularMonolith.BuildingBlocks.Persistence;
using Npgsql;
using Wolverine;
using Wolverine.Postgresql;

namespace ModularMonolith.Host.Wiring;

/// <summary>Connection string, schema creation policy and Wolverine: the parts every module store shares.</summary>
internal static class Messaging
{
    public static WebApplicationBuilder AddPersistenceAndMessaging(this WebApplicationBuilder builder, Topology topology)
    {
        var connectionString = topology.MainConnectionString;

        // Development creates and migrates schemas at start-up; elsewhere the schema is applied with `db-apply`.
        var autoCreate = builder.Environment.IsDevelopment() ? AutoCreate.CreateOrUpdate : AutoCreate.None;
        builder.Services.AddSingleton(new PersistenceSettings(connectionString, autoCreate, topology.ConnectionStrings));
        if (autoCreate != AutoCreate.None)
            // Every store's schema and Wolverine's tables exist before the first request, not lazily.
            builder.Services.AddResourceSetupOnStartup();
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddSingleton<ModuleDatabases>();
        builder.Services.AddSingleton(TimeProvider.System);

        // ManualOnly: Wolverine's automatic extension discovery loads every deployed assembly to look for
        // [WolverineModule] (Roslyn, RabbitMQ, NetTopologySuite, Spectre.Console among them, ~8 MB mapped whether
        // used or not: docs/adr/0020). The one module this host has, runtime compilation, is registered below.
        builder.Host.UseWolverine(wolverine =>
        {
            // The Roslyn compiler for TypeLoadMode.Dynamic/Auto (the tests, `eng/run.sh`); its assemblies load only
            // when something is compiled, so a Static host registers it without mapping them.
            wolverine.UseRuntimeCompilation();
            // The main message store: inbox, outbox, scheduled messages and node records, shared by every module on
            // this database (a module on another database gets its own, from its store's IntegrateWithWolverine).
            wolverine.PersistMessagesWithPostgresql(connectionString, ModuleStore.MessagingSchema);
            wolverine.Durability.MessageStorageSchemaName = ModuleStore.MessagingSchema;
            wolverine.AutoBuildMessageStorageOnStartup = autoCreate;
            // Storage for Idempotency-Key claims and their recorded responses (see IdempotencyKeys).
            wolverine.Durability.EnableDeduplicatedResponses = true;

            wolverine.Policies.AutoApplyTransactions();
            wolverine.Policies.UseDurableLocalQueues();
            wolverine.Policies.UseDurableInboxOnAllListeners();
            wolverine.Policies.UseDurableOutboxOnAllSendingEndpoints();
            // Two modules may handle the same message; each gets its own handler, queue and transaction.
            wolverine.MultipleHandlerBehavior = MultipleHandlerBehavior.Separated;
            // Retries are counted (a metric Wolverine 6 lacks): every handler execution after the first of a message.
            wolverine.Policies.AddMiddleware(typeof(ModularMonolith.BuildingBlocks.Observability.MessageRetries));

            // A failed attempt is a Warning (with its exception and the handler's trace): most are retried and then
            // succeed (a lost race, a database blip), and an Error line per attempt paged operators for nothing. A
            // message that fails for good is still an Error: Wolverine logs "Envelope … was moved to the error
            // queue" (event 108) with the exception when it becomes a dead letter (docs/operations.md).
            wolverine.Policies.MessageFailureLogLevel(LogLevel.Warning);

            // A message handler that loses an optimistic-concurrency race, or meets a database blip, tries again;
            // its work is idempotent (e.g. debits per order), so a retry cannot do it twice.
            wolverine.OnException<ConcurrencyException>()
                .RetryWithCooldown(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100),
                    TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500));
            // Two deliveries of one checkout both try to start the order's stream; the loser retries and finds it.
            wolverine.OnException<ExistingStreamIdCollisionException>().RetryTimes(2);
            // Marten wraps a failed commit's PostgresException in a MartenCommandException: without OrInner a database
            // blip at commit skipped these retries and went straight to the dead letters (seen in docs/operations.md).
            wolverine.OnException<NpgsqlException>().OrInner<NpgsqlException>()
                .RetryWithCooldown(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5))
                .Then.ScheduleRetry(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));

            wolverine.CodeGeneration.TypeLoadMode = topology.TypeLoadModeFor(
                builder.Configuration.GetValue("Wolverine:TypeLoadMode", TypeLoadMode.Dynamic));

            foreach (var module in topology.Enabled) module.AddHandlersAndEndpoints(wolverine);
            if (topology.RabbitMq is { } rabbitMq) wolverine.CrossModulesOverRabbitMq(rabbitMq, topology);
        }, ExtensionDiscovery.ManualOnly);
        // After Wolverine's own hosted service: assign the agents now rather than at the first periodic check.
        builder.Services.AddHostedService<AgentsAtStart>();
        return builder;
    }
}
