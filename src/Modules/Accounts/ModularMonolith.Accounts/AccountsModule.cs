using JasperFx.Events.Projections;
using Marten;
using Marten.Linq.LastModified;
using Marten.Schema;
using ModularMonolith.BuildingBlocks.EventSourcing;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Accounts.GettingStatement;
using ModularMonolith.Accounts.PayingForOrders;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Persistence;
using Wolverine;

namespace ModularMonolith.Accounts;

/// <summary>
/// The Accounts module owns customers' accounts and their money: the <c>accounts</c> schema (event streams of
/// <see cref="Account"/>, its inline snapshot, the inline <see cref="PayingForOrders.OrderPayment"/> rows, the async <see cref="AccountStatement"/>). Other modules reach it only through
/// ModularMonolith.Accounts.Contracts messages.
/// </summary>
public static class AccountsModule
{
    public const string Schema = "accounts";
    public const string EmailIndex = "accounts_email_unique";

    public static IServiceCollection AddAccountsModule(this IServiceCollection services)
    {
        services.AddModuleStore<IAccountsStore>(Schema, store =>
        {
            store.Projections.Snapshot<Account>(SnapshotLifecycle.Inline);
            store.Projections.Add<AccountStatementProjection>(ProjectionLifecycle.Async);
            // Paying for an order is idempotent through this row per (account, order), written with the events.
            store.Projections.Add<OrderPaymentProjection>(ProjectionLifecycle.Inline);
            // Email uniqueness is enforced here, by PostgreSQL, in the transaction that appends the event.
            // It compares EmailKey (NFKC, case-folded in .NET), so "ADA@example.com" and "ada@ｅxample.com" collide
            // whatever the database's collation does with lower().
            store.Schema.For<Account>().Index(x => x.EmailKey, index =>
            {
                index.Name = EmailIndex;
                index.IsUnique = true;
            });
        });

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
        return wolverine;
    }
}
