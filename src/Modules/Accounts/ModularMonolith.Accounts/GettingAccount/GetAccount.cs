using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.GettingAccount;

/// <summary>
/// The account as its owner sees it. <see cref="Version"/> is the stream version, also sent as the ETag. Name, email and
/// phone are opened with the account's key; once erased they read "(erased)" and <see cref="PersonalDataErasedAt"/> says when.
/// </summary>
public sealed record AccountView(
    Guid Id,
    string Name,
    string Email,
    string Phone,
    decimal Balance,
    AccountStatus Status,
    DateTimeOffset OpenedAt,
    long Version,
    DateTimeOffset? PersonalDataErasedAt)
{
    public static AccountView Of(Account account, PersonalDataKey? key)
    {
        using var personal = PersonalDataKey.Revealing(key);
        return new(account.Id, personal.Reveal(account.Name), personal.Reveal(account.Email),
            personal.Reveal(account.Phone), account.Balance, account.Status, account.OpenedAt, account.Version,
            account.PersonalDataErasedAt);
    }
}

[MartenStore(typeof(IAccountsStore))]
public static class GetAccountEndpoint
{
    /// <summary>
    /// Now: the inline snapshot, as fresh as the last write. With <c>?version=N</c> or <c>?asOf=instant</c>: the
    /// account as it was then, folded live from its events up to that point (Marten's AggregateStreamAsync).
    /// </summary>
    [WolverineGet("/api/accounts/{id}", OperationId = "GetAccount")]
    [ProducesResponseType<AccountView>(StatusCodes.Status200OK)]
    public static async Task<AccountView> Get(Guid id, string? version, string? asOf, IQuerySession session,
        HttpContext http, CancellationToken cancellation)
    {
        Caller.From(http.User).EnsureMayActFor(id, "account");
        var point = PointInTime.Parse(version, asOf);

        // Ownership is by id, checked above, before the account's existence is told.
        var (account, key) = point.IsNow
            ? await LoadNowAsync(session, id, cancellation)
            : (await session.LoadAtAsync<Account>(id, point, "account", static _ => { }, cancellation),
                // Today's key opens any past version: after an erasure there is none, so the past reads as erased too.
                await PersonalDataKey.LoadAsync(session, id, cancellation));

        ETags.Write(http.Response, account.Version);
        return AccountView.Of(account, key);
    }

    /// <summary>
    /// The snapshot and its key in one statement: the key's secret is joined to the snapshot's row. Read apart, the key's
    /// lookup halved this read's throughput; as a Marten batch of two loads (one round trip, two statements) it still
    /// cost about 15 % more host and PostgreSQL CPU per read than before #15 (docs/benchmarks.md). The secret comes as
    /// text ('' once erased) because Marten's AdvancedSql cannot map a missing joined row to a null document.
    /// </summary>
    private static async Task<(Account, PersonalDataKey?)> LoadNowAsync(IQuerySession session, Guid id,
        CancellationToken cancellation)
    {
        var rows = await session.AdvancedSql.QueryAsync<Account, string>(SnapshotWithKey.Of(session.DocumentStore).Sql,
            cancellation, id);
        if (rows.Count == 0) throw RequestRefused.NotFound("account", id);
        var (account, secret) = rows[0];
        return (account, secret.Length == 0 ? null : PersonalDataKey.Of(id, Convert.FromBase64String(secret)));
    }

    /// <summary>
    /// The statement, with the tables Marten derives from the document types (renaming <see cref="Account"/> or
    /// <see cref="PersonalDataKey"/> renames them), built once per store: a request pays a reference comparison.
    /// </summary>
    private sealed record SnapshotWithKey(IDocumentStore Store, string Sql)
    {
        private static SnapshotWithKey? _built;

        public static SnapshotWithKey Of(IDocumentStore store)
        {
            // A process runs one accounts store. Test runs start several hosts: one whose store is not the last one
            // seen builds the statement again, and the pair (store, statement) is swapped whole, so none reads another's.
            var built = _built;
            if (ReferenceEquals(built?.Store, store)) return built!;
            var tables = store.Options.Schema;
            return _built = new SnapshotWithKey(store,
                "select row(account.id, account.data, account.mt_version), " +
                $"row(coalesce(personal_data_key.data ->> '{PersonalDataKey.SecretJsonName}', '')) " +
                $"from {tables.For<Account>()} as account " +
                $"left join {tables.For<PersonalDataKey>()} as personal_data_key on personal_data_key.id = account.id " +
                "where account.id = ?");
        }
    }
}
