using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.GettingHistory;

[MartenStore(typeof(IAccountsStore))]
public static class GetAccountEventsEndpoint
{
    /// <summary>
    /// The audit trail: every event of the account's stream, in order, page by page; personal data opened with the
    /// account's key, "(erased)" once it is gone.
    /// </summary>
    [WolverineGet("/api/accounts/{id}/events", OperationId = "GetAccountEvents")]
    [ProducesResponseType<AuditPage>(StatusCodes.Status200OK)]
    public static async Task<AuditPage> Get(Guid id, string? page, string? pageSize, IQuerySession session,
        HttpContext http, CancellationToken cancellation)
    {
        Caller.From(http.User).EnsureMayActFor(id, "account");
        var (p, size) = StreamHistory.ParsePaging(page, pageSize);
        var trail = await session.AuditTrailAsync(id, p, size, cancellation) ?? throw RequestRefused.NotFound("account", id);
        var key = await PersonalDataKey.LoadAsync(session, id, cancellation);
        return trail with
        {
            Events = trail.Events.Select(e => e with { Data = IHoldPersonalData.Shown(e.Data, key) }).ToList()
        };
    }
}
