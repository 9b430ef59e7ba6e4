using Wolverine.Runtime;

namespace ModularMonolith.Host.Wiring;

/// <summary>
/// Runs Wolverine's agent health check (leader election and agent assignment: the async projections, the durability
/// agents) once as the host starts, instead of waiting for its first periodic run. In Wolverine 6.62's Balanced mode
/// that first run comes <c>FirstHealthCheckExecution</c> + <c>HealthCheckPollingTime</c> (3 s + 10 s) after start, so
/// a restarted node's reports stood still for about 13 s while events kept coming (docs/adr/0023). Shortening the
/// polling interval instead would run the whole check more often for the process's life (at 1 s, ten times as often).
/// </summary>
/// <remarks>
/// The same check the periodic loop runs (<see cref="IAgentRuntime.KickstartHealthDetectionAsync"/>), through the same
/// guard, so a periodic run cannot overlap it. On several nodes each node runs it once at start; only the holder of the
/// leadership lock assigns. Registered after Wolverine's own hosted service, so the runtime has started; a failure is a
/// warning, not a failed start: the periodic check still follows.
/// </remarks>
internal sealed class AgentsAtStart(IWolverineRuntime runtime, ILogger<AgentsAtStart> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await runtime.Agents.KickstartHealthDetectionAsync().WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "The agent assignment at start failed; Wolverine's periodic check will assign the agents");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
