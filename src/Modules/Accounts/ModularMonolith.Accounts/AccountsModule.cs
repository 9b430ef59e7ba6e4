using JasperFx.Events.Projections;
using Marten;
using Marten.Linq.LastModified;
using Marten.Schema;
using ModularMonolith.BuildingBlocks.EventSourcing;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Accounts.GettingStatement;
using ModularMonolith.Accounts.PayingForOrders;
using ModularMonolith.Accounts.PersonalData;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Persistence;
using Wolverine;

namespace ModularMonolith.Accounts;

/// <summary>
/// The Accounts module owns customers' accounts and their money: the <c>accounts</c> schema (event streams of
/// <see cref="Account"/>, its inline snapshot, the inline <see cref="PayingForOrders.OrderPayment"/> rows, the async <see cref="AccountStatement"/> and its
/// <see cref="StatementEntry"/> rows). Other modules reach it only through
/// ModularMonolith.Accounts.Contracts messages.
/// </summary>
public static class AccountsModule
{
    public const string Schema = "accounts";
    /// <summary>The email claims' primary key: the uniqueness check since #15 (PersonalData/EmailClaim).</summary>
    public const string EmailIndex = "pkey_mt_doc_emailclaim_id";

    public static IServiceCollection AddAccountsModule(this IServiceCollection services)
    {
        services.AddModuleStore<IAccountsStore>(Schema, store =>
        {
            store.Projections.Snapshot<Account>(SnapshotLifecycle.Inline);
            store.Projections.Add<AccountStatementProjection>(ProjectionLifecycle.Async);
            // The statement's movements, one row each: a page is a range of this index (docs/adr/0017).
            store.Schema.For<StatementEntry>().Index([e => e.AccountId, e => e.Position]);
            // Paying for an order is idempotent through this row per (account, order), written with the events.
            store.Projections.Add<OrderPaymentProjection>(ProjectionLifecycle.Inline);
            // Personal data (ADR 0013): a key per account in its own table; email uniqueness on a keyed hash of the
            // address (EmailKey: NFKC, case-folded in .NET, so "ADA@example.com" and "ada@ｅxample.com" collide
            // whatever the database's collation does), enforced by PostgreSQL in the transaction that appends the event.
            store.Schema.For<PersonalDataKey>();
            store.Schema.For<EmailClaim>();
        });

        services.AddSingleton(provider => EmailLookup.FromConfiguration(provider.GetRequiredService<IConfiguration>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<EmailLookup>()));

        services.AddSingleton(new UniqueConstraint(EmailIndex, "email", "An account with this email already exists."));
        // A closed account is finished: it can change no more. Its last write is its snapshot's last modification.
        services.AddSingleton(new ClosedStreams(Schema, typeof(IAccountsStore), async (session, before, cancellation) =>
            await session.Query<Account>()
                .Where(a => a.Status == AccountStatus.Closed && a.ModifiedBefore(before))
                .Select(a => a.Id).ToListAsync(cancellation)));
        return services;
    }

    public static WolverineOptions AddAccountsModule(this WolverineOptions wolverine)
    {
        wolverine.Discovery.IncludeAssembly(typeof(AccountsModule).Assembly);
        return wolverine.GroupPaymentsByAccount();
    }
}
