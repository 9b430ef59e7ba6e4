using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;

namespace ModularMonolith.Host.Operations;

public static class ProjectionStatusEndpoint
{
    /// <summary>Every module's projections: lifecycle, position, high-water mark, lag (events, seconds) and state.</summary>
    [Authorize(Policy = Caller.AdminRole)]
    [WolverineGet("/api/admin/projections", OperationId = "GetProjectionStatus")]
    [ProducesResponseType<IReadOnlyList<ShardStatus>>(StatusCodes.Status200OK)]
    public static Task<IReadOnlyList<ShardStatus>> Get(ProjectionMonitor monitor, CancellationToken cancellation) =>
        monitor.ReadAsync(cancellation);
}
