using JasperFx.Events.Projections;
using Marten;
using Marten.Schema;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Accounts.GettingAccount;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Persistence;
using Wolverine;

namespace ModularMonolith.Accounts;

/// <summary>
/// The Accounts module owns customers' accounts and their money: the <c>accounts</c> schema (event streams of
/// <see cref="Account"/>, the <see cref="AccountDetails"/> view). Other modules reach it only through
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
            store.Projections.Add<AccountDetailsProjection>(ProjectionLifecycle.Inline);
            // Email uniqueness is enforced here, by PostgreSQL, in the transaction that appends AccountOpened.
            store.Schema.For<AccountDetails>().Index(x => x.Email, index =>
            {
                index.Name = EmailIndex;
                index.IsUnique = true;
                index.Casing = ComputedIndex.Casings.Lower;
            });
        });

        services.AddSingleton(new UniqueConstraint(EmailIndex, "email", "An account with this email already exists."));
        return services;
    }

    public static WolverineOptions AddAccountsModule(this WolverineOptions wolverine)
    {
        wolverine.Discovery.IncludeAssembly(typeof(AccountsModule).Assembly);
        return wolverine;
    }
}
