using Marten;
using ModularMonolith.BuildingBlocks.Persistence;

namespace ModularMonolith.Accounts.ErasingPersonalData;

/// <summary>
/// What an erasure removes besides the key, queued on the erasure's own session so it commits (or not) with it:
/// <list type="bullet">
/// <item>clear text in this stream's events from before #15 (the only events ever rewritten: the right to erasure
/// outranks an immutable log, and only the personal members change, to <c>pd:erased</c>);</item>
/// <item>the Idempotency-Key answers Wolverine recorded for 24 h (<c>wolverine.wolverine_deduplicated_responses</c>)
/// whose body names this account: they hold whole account views. Dropping them means a retry of such a request within
/// the 24 h is done again rather than replayed; after an erasure that is the lesser harm.</item>
/// </list>
/// </summary>
public static class ErasureSweep
{
    /// <summary>Every event member that holds what the customer wrote (camelCase, as stored).</summary>
    public static readonly string[] PersonalMembers = ["name", "email", "phone", "reference"];

    private const string EventTypes = "('account_opened', 'contact_details_changed', 'funds_deposited', 'funds_withdrawn')";

    public static void Queue(IDocumentSession session, Guid accountId)
    {
        // A member is overwritten when it is a string in the old clear form: sealed ones start with "pd1:" (the key's
        // deletion takes care of those), erased ones are already "pd:erased".
        foreach (var member in PersonalMembers)
            session.QueueSqlCommand(
                $"update {AccountsModule.Schema}.mt_events set data = jsonb_set(data, '{{{member}}}', '\"pd:erased\"') " +
                $"where stream_id = ? and jsonb_typeof(data->'{member}') = 'string' and left(data->>'{member}', 4) <> 'pd1:' " +
                $"and data->>'{member}' <> 'pd:erased' and type in {EventTypes}", accountId);

        session.QueueSqlCommand(
            $"delete from {ModuleStore.MessagingSchema}.wolverine_deduplicated_responses " +
            "where position(? in body) > 0", accountId.ToString());
    }
}
