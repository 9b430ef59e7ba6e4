using Alba;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Testing;
using Shouldly;
using Wolverine;
using Wolverine.Runtime;
using Xunit;

namespace ModularMonolith.Accounts.Tests.RunningTheHost;

/// <summary>
/// A node that starts (or restarts) runs its async projections as soon as it is up, not at Wolverine's first periodic
/// agent check (docs/adr/0023). The test host runs as production does, in Balanced mode (leader election, agents
/// assigned by the leader), with the periodic check put an hour away: without the check at start the projections
/// would not run at all within the test, so the bounded wait below cannot pass by being patient.
/// </summary>
public sealed class ReportsRightAfterStart
{
    [Fact]
    public async Task A_started_node_projects_without_waiting_for_the_periodic_agent_check()
    {
        await using var database = await TestDatabase.CreateAsync("accounts_agents_at_start");
        await using var host = await AppFixture.StartOwnHostAsync(database, services => services.ConfigureWolverine(wolverine =>
        {
            wolverine.Durability.Mode = DurabilityMode.Balanced;
            wolverine.Durability.HealthCheckPollingTime = TimeSpan.FromHours(1);
        }));

        var opened = await host.Scenario(s =>
        {
            s.Post.Json(new OpenAccount("Ada Lovelace", $"ada.{Guid.NewGuid():N}@example.com", "+442079460958"))
                .ToUrl("/api/accounts");
            s.StatusCodeShouldBe(201);
        });
        (await opened.ReadAsJsonAsync<AccountCreatedBody>())!.Id.ShouldNotBe(Guid.Empty);

        await host.Services.GetRequiredService<IAccountsStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        host.Services.GetRequiredService<IWolverineRuntime>().Agents.AllRunningAgentUris()
            .ShouldContain(uri => uri.Scheme == "event-subscriptions", "the async projections run as Wolverine agents on this node");
    }
}
