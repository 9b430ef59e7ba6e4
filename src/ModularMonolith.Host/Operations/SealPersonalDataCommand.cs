using JasperFx.CommandLine;
using ModularMonolith.Accounts;
using ModularMonolith.Accounts.PersonalData;

namespace ModularMonolith.Host.Operations;

/// <summary>
/// <c>seal-personal-data</c>: the one-off migration for a database with accounts from before #15 (ADR 0013). Seals
/// every clear name, email, phone and reference in the Accounts events with each account's own key, claims each email
/// under its keyed hash, drops the old unique index on the snapshot, then rebuilds the Account snapshot and the
/// statement so no document keeps the clear text. Run it once after upgrading, with the hosts stopped or not (each
/// account commits on its own; running it again finds nothing left to do).
/// </summary>
[Description("Seal personal data that events from before #15 hold in clear (one-off migration)", Name = "seal-personal-data")]
public sealed class SealPersonalDataCommand : JasperFxAsyncCommand<NetCoreInput>
{
    public override async Task<bool> Execute(NetCoreInput input)
    {
        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IAccountsStore>();
        var emails = host.Services.GetRequiredService<EmailLookup>();

        await using (var session = store.LightweightSession())
        {
            var accounts = await LegacyPersonalData.AccountsInClearAsync(session, CancellationToken.None);
            Console.WriteLine($"{accounts.Count} account(s) with personal data in clear.");
            foreach (var id in accounts)
                await LegacyPersonalData.SealAsync(store, emails, id, CancellationToken.None);
            // The unique index of the release before: its column is gone from new snapshots.
            session.QueueSqlCommand($"drop index if exists {AccountsModule.Schema}.accounts_email_unique");
            await session.SaveChangesAsync();
            if (accounts.Count == 0) return true;
        }

        using var daemon = await store.BuildProjectionDaemonAsync();
        foreach (var projection in new[] { "Account", "AccountStatement" })
        {
            await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(30), CancellationToken.None);
            Console.WriteLine($"Rebuilt {projection}.");
        }
        return true;
    }
}
