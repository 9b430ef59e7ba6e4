using System.Diagnostics;
using Alba;
using JasperFx;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Host.AdminConsole.Traces;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;

namespace ModularMonolith.Console.Tests;

/// <summary>
/// The Traces screen's memory is a per-node choice (<see cref="RecentTraces.Setting"/>): on by default, off for a node
/// whose traces go to a backend of their own, which then copies no span into memory.
/// </summary>
public sealed class KeepingTraces
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    public async Task A_node_keeps_the_traces_of_its_requests_unless_told_not_to(string? setting, bool kept)
    {
        await using var database = await TestDatabase.CreateAsync($"console_traces_{kept}".ToLowerInvariant());
        JasperFxEnvironment.AutoStartHost = true;
        await using var host = await AlbaHost.For<Program>(web =>
        {
            AppFixture.UseTestSettings(web, database.ConnectionString);
            if (setting is not null) web.UseSetting(RecentTraces.Setting, setting);
        });

        // The server span ends after the response reaches the client: wait for its end, not for the response. This
        // listener comes after the host's OpenTelemetry one, so RecentTraces has had the span when it fires.
        var requestEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStopped = activity =>
            {
                if (activity.DisplayName.StartsWith("POST", StringComparison.Ordinal)) requestEnded.TrySetResult();
            }
        };
        ActivitySource.AddActivityListener(listener);

        await host.Scenario(s =>
        {
            s.Post.Json(new { name = "Ada Lovelace", email = $"{Guid.NewGuid():N}@example.com", phone = "+442079460958" })
                .ToUrl("/api/accounts");
            s.StatusCodeShouldBe(201);
        });

        await requestEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var traces = host.Services.GetRequiredService<RecentTraces>();
        traces.Enabled.ShouldBe(kept);
        traces.Recent().Any(t => t.Root.Name.StartsWith("POST", StringComparison.Ordinal)).ShouldBe(kept);
    }
}
