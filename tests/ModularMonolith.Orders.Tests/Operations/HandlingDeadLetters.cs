using System.Text.Json;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ModularMonolith.Accounts.Contracts;
using ModularMonolith.Host.Operations;
using Wolverine.Persistence.Durability.DeadLetterManagement;
using Shouldly;
using Wolverine;
using Wolverine.Runtime;
using Wolverine.Tracking;
using Xunit;

namespace ModularMonolith.Orders.Tests.Operations;

/// <summary>A message that fails for good: into Wolverine's dead letters, seen, replayed or discarded by an admin.</summary>
[Collection(OrdersCollection.Name)]
public sealed class HandlingDeadLetters(OrdersApp app)
{
    private static readonly string SlipType = typeof(PrintPackingSlip).FullName!;

    private Task<ITrackedSession> Track(Func<Task> action, bool waitForSlip = false)
    {
        var tracking = app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(60)).DoNotAssertOnExceptionsDetected();
        if (waitForSlip) tracking = tracking.WaitForMessageToBeReceivedAt<PrintPackingSlip>(app.Host);
        return tracking.ExecuteAndWaitAsync((Func<IMessageContext, Task>)(_ => action()));
    }

    private async Task<Guid> PoisonAsync(Guid order)
    {
        PackingSlips.Jammed[order] = true;
        var session = await Track(() => app.Host.MessageBus().SendAsync(new PrintPackingSlip(order)).AsTask());
        return session.MovedToErrorQueue.SingleEnvelope<PrintPackingSlip>().Id;
    }

    [Fact]
    public async Task A_message_failing_after_its_retries_is_a_dead_letter_and_a_replay_after_the_fix_processes_it_once()
    {
        var order = Guid.NewGuid();
        var id = await PoisonAsync(order);
        PackingSlips.Printed.ContainsKey(order).ShouldBeFalse();

        var list = await app.Call(app.AdminToken(), "GET", $"/api/admin/dead-letters?messageType={SlipType}&exceptionType={typeof(PrinterJammed).FullName}");
        // Once, though the three module stores (hence three Wolverine message stores) share the one database.
        list.GetProperty("deadLetters").EnumerateArray().Count(d => d.GetProperty("id").GetGuid() == id).ShouldBe(1);

        var letter = await app.Call(app.AdminToken(), "GET", $"/api/admin/dead-letters/{id}");
        letter.GetProperty("exceptionType").GetString().ShouldBe(typeof(PrinterJammed).FullName);
        letter.GetProperty("exceptionMessage").GetString()!.ShouldContain(order.ToString());
        letter.GetProperty("attempts").GetInt32().ShouldBe(PackingSlips.Retries + 1);
        letter.GetProperty("body").GetProperty("orderId").GetGuid().ShouldBe(order);

        var ready = await app.Host.Server.CreateClient().GetStringAsync("/health/ready");
        ready.ShouldContain("Degraded");

        PackingSlips.Jammed.TryRemove(order, out _);
        await Track(() => app.Call(app.AdminToken(), "POST", "/api/admin/dead-letters/replay", new { ids = new[] { id } }, 202),
            waitForSlip: true);

        PackingSlips.Printed[order].ShouldBe(1);
        await app.Call(app.AdminToken(), "GET", $"/api/admin/dead-letters/{id}", status: 404);
        await app.Call(app.AdminToken(), "POST", "/api/admin/dead-letters/replay", new { ids = new[] { id } }, 404);
        PackingSlips.Printed[order].ShouldBe(1);
    }

    [Fact]
    public async Task The_failure_is_logged_and_counted_with_the_handlers_trace()
    {
        var order = Guid.NewGuid();
        await PoisonAsync(order);

        bool OfThisOrder(Telemetry.LogEntry l) => l.Exception is PrinterJammed jam && jam.Message.Contains(order.ToString());
        // The dead letter is the one Error line, with the exception; each failed attempt before it a Warning.
        var failure = await app.Telemetry.LogAsync(l => OfThisOrder(l) && l.Level >= LogLevel.Error);
        failure.Message.ShouldContain("moved to the error queue");
        var logged = app.Telemetry.Logs.Where(OfThisOrder).ToList();
        logged.Count(l => l.Level >= LogLevel.Error).ShouldBe(1);
        logged.Count(l => l.Level == LogLevel.Warning).ShouldBe(PackingSlips.Retries + 1);
        failure.TraceId.ShouldNotBe(default);
        // The handler's span ends after the tracked session saw the letter moved: wait for its export.
        var handler = await app.Telemetry.SpanAsync(s => s.TraceId == failure.TraceId && s.DisplayName.EndsWith(nameof(PrintPackingSlip)));
        handler.Source.Name.ShouldBe("Wolverine");

        // Wolverine counts each failed attempt and the dead letter synchronously, before the tracked session sees the
        // letter moved; the gauge reads the stored letters at collection: one collection sees them all.
        var metrics = app.Telemetry.CollectMetrics(app.Host.Services).GroupBy(m => m.Name)
            .ToDictionary(g => g.Key, g => g.SelectMany(Telemetry.Points).ToList());
        metrics["wolverine-execution-failure"].ShouldContain(p => Equals(p.Tags["message.type"], SlipType) && p.Value >= PackingSlips.Retries + 1);
        metrics["wolverine-dead-letter-queue"].ShouldContain(p => Equals(p.Tags["message.type"], SlipType) && p.Value >= 1);
        metrics["modularmonolith.messages.retried"].ShouldContain(p => Equals(p.Tags["message_type"], SlipType) && p.Value >= PackingSlips.Retries);
        metrics["modularmonolith.dead_letters"].ShouldContain(p => Equals(p.Tags["message_type"], SlipType) && p.Value >= 1);
    }

    [Fact]
    public async Task A_failure_its_retry_gets_past_is_a_warning_not_an_error()
    {
        var order = Guid.NewGuid();
        PackingSlips.JammedOnce[order] = true;

        await Track(() => app.Host.MessageBus().SendAsync(new PrintPackingSlip(order)).AsTask(), waitForSlip: true);

        PackingSlips.Printed[order].ShouldBe(1);
        var logged = app.Telemetry.Logs.Where(l => l.Exception is PrinterJammed jam && jam.Message.Contains(order.ToString())).ToList();
        logged.ShouldHaveSingleItem().Level.ShouldBe(LogLevel.Warning);
    }

    [Fact]
    public void Readiness_is_degraded_only_above_the_configured_number_of_dead_letters()
    {
        DeadLetterQueueCount Count(string type, int count) => new("ModularMonolith", new Uri("local://q/"), type, "E", new Uri("db://x/"), count);
        IReadOnlyList<DeadLetterQueueCount> three = [Count("A", 2), Count("B", 1)];

        DeadLetterHealthCheck.Evaluate([], 0).Status.ShouldBe(HealthStatus.Healthy);
        DeadLetterHealthCheck.Evaluate(three, 3).Status.ShouldBe(HealthStatus.Healthy);
        var degraded = DeadLetterHealthCheck.Evaluate(three, 2);
        degraded.Status.ShouldBe(HealthStatus.Degraded);
        degraded.Description.ShouldStartWith("3 dead letters");
        degraded.Data["A"].ShouldBe(2);
    }

    [Fact]
    public async Task A_discarded_dead_letter_is_gone_and_never_processed()
    {
        var order = Guid.NewGuid();
        var id = await PoisonAsync(order);

        await app.Call(app.AdminToken(), "POST", "/api/admin/dead-letters/discard", new { ids = new[] { id } }, 204);

        await app.Call(app.AdminToken(), "GET", $"/api/admin/dead-letters/{id}", status: 404);
        PackingSlips.Printed.ContainsKey(order).ShouldBeFalse();
    }

    /// <summary>
    /// A dead letter whose work had in fact been done (a second delivery of a debit that succeeded the first time, e.g.
    /// an outbox resend after a crash, that then failed): replaying it must not debit twice. The Accounts aggregate
    /// remembers the orders it debited and answers the first answer again; Orders finds the order already paid.
    /// </summary>
    [Fact]
    public async Task Replaying_a_debit_that_had_already_succeeded_debits_once()
    {
        var customer = await app.FundedAccountAsync(10m);
        var cart = await app.SeedsCartAsync(customer);
        var checkout = await app.CheckOutAsync(customer, cart);
        (await app.StatusAsync(cart)).ShouldBe("paid");
        var balance = await app.BalanceAsync(customer);

        // The same debit again, as a new envelope, put where Wolverine puts a message that failed for good.
        var original = checkout.Received.SingleEnvelope<DebitAccountForOrder>();
        var duplicate = new Envelope(original.Message!)
        {
            Id = Guid.NewGuid(), Destination = original.Destination, ContentType = original.ContentType,
            Data = original.Data, MessageType = original.MessageType, Attempts = 3, SentAt = DateTimeOffset.UtcNow
        };
        var runtime = app.Host.Services.GetRequiredService<IWolverineRuntime>();
        await runtime.Storage.Inbox.MoveToDeadLetterStorageAsync(duplicate, new TimeoutException("lost connection"));
        var listed = await app.Call(app.AdminToken(), "GET", "/api/admin/dead-letters?module=accounts");
        listed.GetProperty("deadLetters").EnumerateArray().ShouldContain(d => d.GetProperty("id").GetGuid() == duplicate.Id,
            (await app.Call(app.AdminToken(), "GET", "/api/admin/dead-letters")).GetRawText());

        var replay = await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(60))
            .WaitForMessageToBeReceivedAt<DebitAccountForOrder>(app.Host)
            .ExecuteAndWaitAsync((Func<IMessageContext, Task>)(_ =>
                app.Call(app.AdminToken(), "POST", "/api/admin/dead-letters/replay", new { ids = new[] { duplicate.Id } }, 202)));

        replay.Received.SingleEnvelope<DebitAccountForOrder>().Id.ShouldBe(duplicate.Id);
        (await app.BalanceAsync(customer)).ShouldBe(balance);
        (await app.StatusAsync(cart)).ShouldBe("paid");
    }

    [Fact]
    public async Task Only_admins_see_dead_letters_and_bad_filters_name_the_field()
    {
        var customer = await app.FundedAccountAsync(0m);
        await app.Host.Scenario(s => { s.Get.Url("/api/admin/dead-letters"); s.StatusCodeShouldBe(401); });
        await app.Call(app.CustomerToken(customer), "GET", "/api/admin/dead-letters", status: 403);
        await app.Call(app.CustomerToken(customer), "POST", "/api/admin/dead-letters/replay", new { ids = new[] { Guid.NewGuid() } }, 403);
        await app.Call(app.AdminToken(), "GET", $"/api/admin/dead-letters/{Guid.NewGuid()}", status: 404);
        await app.Call(app.AdminToken(), "POST", "/api/admin/dead-letters/discard", new { ids = new[] { Guid.NewGuid() } }, 404);

        foreach (var (query, field) in new[] { ("module=billing", "module"), ("from=yesterday", "from"), ("limit=0", "limit"), ("limit=abc", "limit"),
                     ("from=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "until") })
        {
            var problem = await app.Call(app.AdminToken(), "GET", $"/api/admin/dead-letters?{query}", status: 400);
            problem.GetRawText().ShouldContain($"\"{field}\"", customMessage: query);
        }
    }
}

/// <summary>The <c>dead-letters</c> verb, run through the host's entry point against the test database.</summary>
[Collection(OrdersCollection.Name)]
public sealed class HandlingDeadLettersFromTheShell(OrdersApp app)
{
    /// <summary>
    /// The verb starts no node, yet knows each message's module (that of its handler, from Wolverine's handler graph):
    /// a debit that failed for good is listed under accounts, not under orders.
    /// </summary>
    [Fact]
    public async Task The_shell_lists_dead_letters_by_the_module_that_handles_them()
    {
        var customer = await app.FundedAccountAsync(10m);
        var cart = await app.SeedsCartAsync(customer);
        var original = (await app.CheckOutAsync(customer, cart)).Received.SingleEnvelope<DebitAccountForOrder>();
        var letter = new Envelope(original.Message!)
        {
            Id = Guid.NewGuid(), Destination = original.Destination, ContentType = original.ContentType,
            Data = original.Data, MessageType = original.MessageType, Attempts = 3, SentAt = DateTimeOffset.UtcNow
        };
        await app.Host.Services.GetRequiredService<IWolverineRuntime>().Storage.Inbox
            .MoveToDeadLetterStorageAsync(letter, new TimeoutException("lost connection"));
        var id = letter.Id.ToString();

        var (exit, output) = await HostProcess.RunAsync(app, "dead-letters", "list", "--module", "accounts");
        exit.ShouldBe(0, output);
        output.Split('\n').ShouldContain(line => line.StartsWith(id) && line.Contains(" accounts "), output);
        (exit, output) = await HostProcess.RunAsync(app, "dead-letters", "list", "--module", "Orders");
        exit.ShouldBe(0, output);
        output.ShouldNotContain(id);
        (exit, output) = await HostProcess.RunAsync(app, "dead-letters", "list", "--module", "shipping");
        exit.ShouldNotBe(0);
        output.ShouldContain("module must be one of accounts, cart, orders");

        (exit, output) = await HostProcess.RunAsync(app, "dead-letters", "discard", "--id", id);
        exit.ShouldBe(0, output);
    }

    [Fact]
    public async Task An_admin_lists_shows_and_replays_a_dead_letter_from_the_shell()
    {
        var order = Guid.NewGuid();
        PackingSlips.Jammed[order] = true;
        var session = await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(60)).DoNotAssertOnExceptionsDetected()
            .SendMessageAndWaitAsync(new PrintPackingSlip(order));
        var id = session.MovedToErrorQueue.SingleEnvelope<PrintPackingSlip>().Id.ToString();

        var (exit, output) = await HostProcess.RunAsync(app, "dead-letters", "list", "--message-type", typeof(PrintPackingSlip).FullName!);
        exit.ShouldBe(0, output);
        output.Split('\n').ShouldContain(line => line.StartsWith(id) && line.Contains(typeof(PrinterJammed).FullName!));


        (exit, output) = await HostProcess.RunAsync(app, "dead-letters", "show", "--id", id);
        exit.ShouldBe(0, output);
        output.ShouldContain($"\"attempts\": {PackingSlips.Retries + 1}");
        output.ShouldContain(order.ToString());

        PackingSlips.Jammed.TryRemove(order, out _);
        await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(60))
            .WaitForMessageToBeReceivedAt<PrintPackingSlip>(app.Host)
            .ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ =>
            {
                var (replayExit, replayOutput) = await HostProcess.RunAsync(app, "dead-letters", "replay", "--id", id);
                replayExit.ShouldBe(0, replayOutput);
            }));
        PackingSlips.Printed[order].ShouldBe(1);

        (exit, output) = await HostProcess.RunAsync(app, "dead-letters", "discard", "--id", id);
        exit.ShouldNotBe(0);
        output.ShouldContain($"There is no dead letter {id}");
    }
}
