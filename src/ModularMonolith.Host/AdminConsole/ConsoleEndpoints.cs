using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.Host.Auth;
using ModularMonolith.Host.AdminConsole.Flows;
using ModularMonolith.Host.AdminConsole.Pages;
using ModularMonolith.Host.AdminConsole.Projections;
using ModularMonolith.Host.AdminConsole.SigningIn;
using ModularMonolith.Host.AdminConsole.Streams;
using ModularMonolith.Host.AdminConsole.Traces;
using ModularMonolith.Host.Operations;
using ModularMonolith.Host.Wiring;

namespace ModularMonolith.Host.AdminConsole;

/// <summary>
/// The console's routes under <c>/console</c> (docs/operations.md, "The console"): HTML pages rendered by Razor
/// components on the server, forms that POST with an antiforgery token and redirect, and one fragment the script
/// polls. Every route but sign-in and the assets requires the console's admin policy; none is part of the API, so none
/// is in the OpenAPI document. What a page shows comes from the same code the admin API and CLI use.
/// </summary>
internal static class ConsoleEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var open = routes.MapGroup(ConsoleAuthentication.Path).ExcludeFromDescription().AllowAnonymous();
        open.MapGet("/sign-in", (IHostEnvironment env) => Page<SignInPage>(new { DevelopmentShortcut = env.IsDevelopment() }));
        open.MapPost("/sign-in", SignInAsync);
        open.MapGet("/assets/{file}", ConsoleAssets.Serve);

        var console = routes.MapGroup(ConsoleAuthentication.Path).ExcludeFromDescription()
            .RequireAuthorization(ConsoleAuthentication.Policy);
        console.MapGet("/", () => Results.Redirect("/console/projections"));
        console.MapPost("/sign-out", (HttpContext context) =>
        {
            context.Response.Cookies.Delete(ConsoleAuthentication.CookieName, new CookieOptions { Path = ConsoleAuthentication.Path });
            return Results.Redirect("/console/sign-in", preserveMethod: false);
        });

        console.MapGet("/projections", async (ProjectionMonitor monitor, ProjectionRebuilds rebuilds, ModuleDatabases db, CancellationToken ct) =>
            Page<ProjectionsPage>(new { View = await ProjectionsView.ReadAsync(monitor, rebuilds, db, ct) }));
        console.MapGet("/projections/live", async (ProjectionMonitor monitor, ProjectionRebuilds rebuilds, ModuleDatabases db, CancellationToken ct) =>
            Page<ProjectionsLive>(new { View = await ProjectionsView.ReadAsync(monitor, rebuilds, db, ct) }));
        console.MapPost("/projections/rebuild", async ([FromForm] string? module, [FromForm] string? projection,
            ProjectionRebuilds rebuilds, ProjectionMonitor monitor, ModuleDatabases db, CancellationToken ct) =>
        {
            try
            {
                await rebuilds.StartAsync(module ?? "", projection ?? "", ct);
                return Results.Redirect("/console/projections");
            }
            catch (RequestRefused refused)
            {
                return Page<ProjectionsPage>(new { View = await ProjectionsView.ReadAsync(monitor, rebuilds, db, ct), Refusal = refused.Message }, refused.Status);
            }
        });

        console.MapGet("/streams", async (string? id, string? customer, StreamViews streams, CancellationToken ct) =>
        {
            var text = (id ?? customer)?.Trim();
            if (string.IsNullOrEmpty(text)) return Page<StreamsPage>(new { });
            if (!Guid.TryParse(text, out var guid))
                return Page<StreamsPage>(new { Id = id, Customer = customer, Refusal = $"'{text}' is not an id: ids look like 0198c1f0-7b1e-7c3a-9d2e-1f2a3b4c5d6e." }, 400);
            var found = id is not null ? await streams.FindAsync(guid, ct) : await streams.OfCustomerAsync(guid, ct);
            return Page<StreamsPage>(new { Id = id, Customer = customer, Found = found });
        });
        console.MapGet("/streams/{kind}/{id:guid}", StreamAsync);

        console.MapGet("/dead-letters", async (string? module, string? messageType, string? exceptionType, string? done,
            DeadLetterReader reader, CancellationToken ct) =>
        {
            var notice = done switch { "replayed" => "Sent back to its handler: Wolverine picks it up within seconds.", "discarded" => "Discarded.", _ => null };
            var filter = new { Module = Blank(module), MessageType = Blank(messageType), ExceptionType = Blank(exceptionType), Notice = notice };
            try
            {
                var list = await reader.ListAsync(new DeadLetterFilter(filter.MessageType, filter.Module?.ToLowerInvariant(), filter.ExceptionType), ct);
                return Page<DeadLettersPage>(new { filter.Module, filter.MessageType, filter.ExceptionType, filter.Notice, List = list });
            }
            catch (RequestRefused refused)
            {
                return Page<DeadLettersPage>(new { filter.Module, filter.MessageType, filter.ExceptionType, Refusal = refused.Message }, refused.Status);
            }
        });
        console.MapGet("/dead-letters/{id:guid}", async (Guid id, DeadLetterReader reader, CancellationToken ct) =>
            await reader.FindAsync(id, ct) is { } letter
                ? Page<DeadLetterPage>(new { Letter = letter })
                : Page<DeadLettersPage>(new { Refusal = $"There is no dead letter {id}: replayed or discarded already?" }, 404));
        console.MapPost("/dead-letters/replay", ([FromForm] string? id, DeadLetterReader reader, CancellationToken ct) =>
            ActOnDeadLetterAsync(id, letter => reader.ReplayAsync([letter], ct), "replayed"));
        console.MapPost("/dead-letters/discard", ([FromForm] string? id, DeadLetterReader reader, CancellationToken ct) =>
            ActOnDeadLetterAsync(id, letter => reader.DiscardAsync([letter], ct), "discarded"));

        console.MapGet("/flows", (string? order) => string.IsNullOrWhiteSpace(order) ? Page<FlowPage>(new { })
            : Guid.TryParse(order.Trim(), out var id) ? Results.Redirect($"/console/flows/{id}")
            : Page<FlowPage>(new { Refusal = $"'{order}' is not an order id." }, 400));
        console.MapGet("/flows/{id:guid}", async (Guid id, OrderFlow flow, CancellationToken ct) =>
            await flow.ReadAsync(id, ct) is { Steps.Count: > 0 } found
                ? Page<FlowPage>(new { Flow = found })
                : Page<FlowPage>(new { Refusal = $"There is no cart or order {id}, and no payment names it." }, 404));

        console.MapGet("/traces", (RecentTraces traces) => Page<TracesPage>(new { Traces = traces.Recent(), traces.Enabled }));
        console.MapGet("/traces/{traceId}", (string traceId, RecentTraces traces, DeadLetterReader messages) =>
            traces.Find(traceId) is { } trace
                ? Page<TracePage>(new { Trace = trace, ModuleOf = (Func<string, string?>)messages.ModuleOf })
                : Page<TracesPage>(new { Traces = traces.Recent(), traces.Enabled, Refusal = $"No trace {traceId} on this node (only the most recent {RecentTraces.MaxTraces} are kept)." }, 404));
    }

    private static async Task<IResult> SignInAsync([FromForm] string? token, [FromForm] string? development, HttpContext context,
        IHostEnvironment env, IOptions<AuthOptions> auth, TimeProvider clock)
    {
        if (development == "true" && env.IsDevelopment())
            token = AccessTokens.ForAdmin(auth.Value, clock.GetUtcNow());
        var (expires, refusal) = await ConsoleAuthentication.JudgeAsync(auth.Value, token);
        if (refusal is not null)
            return Page<SignInPage>(new { Refusal = refusal, DevelopmentShortcut = env.IsDevelopment() },
                token is null ? 400 : StatusCodes.Status403Forbidden);

        context.Response.Cookies.Append(ConsoleAuthentication.CookieName, token!.Trim(), new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps,
            Path = ConsoleAuthentication.Path, Expires = expires, IsEssential = true
        });
        return Results.Redirect("/console/projections");
    }

    private static async Task<IResult> StreamAsync(string kind, Guid id, string? version, string? asOf, string? from, string? to,
        StreamViews streams, CancellationToken ct)
    {
        if (!StreamViews.IsKind(kind))
            return Page<StreamsPage>(new { Refusal = $"'{kind}' is not a kind of stream: {string.Join(", ", StreamViews.KindNames)}." }, 404);
        var (events, total) = await streams.TimelineAsync(kind, id, ct);
        if (total == 0)
            return Page<StreamsPage>(new { Id = id.ToString(), Refusal = $"There is no {kind} {id}." }, 404);

        var parameters = new Dictionary<string, object?> { ["Kind"] = kind, ["Id"] = id, ["Events"] = events, ["Total"] = total, ["AsOf"] = asOf };
        try
        {
            var point = PointInTime.Parse(Blank(version), Blank(asOf));
            parameters["Version"] = point.Version ?? (point.IsNow ? total : null);
            parameters["Aggregate"] = await streams.AggregateAtAsync(kind, id, point, ct);
            if (Blank(from) is not null || Blank(to) is not null)
            {
                var before = PointInTime.Parse(Blank(from) ?? "1", null).Version!.Value;
                var after = PointInTime.Parse(Blank(to) ?? total.ToString(System.Globalization.CultureInfo.InvariantCulture), null).Version!.Value;
                parameters["From"] = before;
                parameters["To"] = after;
                parameters["Changes"] = await streams.DiffAsync(kind, id, before, after, ct);
            }
            return Page<StreamPage>(parameters);
        }
        catch (RequestRefused refused)
        {
            parameters["Refusal"] = refused.Message;
            return Page<StreamPage>(parameters, refused.Status);
        }
    }

    /// <summary>The id is read here rather than bound as a Guid, so a tampered one gets the console's page, not the
    /// framework's answer quoting it.</summary>
    private static async Task<IResult> ActOnDeadLetterAsync(string? id, Func<Guid, Task> act, string done)
    {
        if (!Guid.TryParse(id, out var letter))
            return Page<DeadLettersPage>(new { Refusal = "That is not a dead letter's id: ids look like 0198c1f0-7b1e-7c3a-9d2e-1f2a3b4c5d6e." }, 400);
        try
        {
            await act(letter);
            return Results.Redirect($"/console/dead-letters?done={done}");
        }
        catch (RequestRefused refused)
        {
            return Page<DeadLettersPage>(new { Refusal = refused.Message }, refused.Status);
        }
    }

    /// <summary>
    /// A field left empty is null; spaces around what was typed or pasted go. Only ASCII ones: other white space
    /// (U+0085, U+2028, …) is no typing slip, and is refused with the value, as the API refuses it.
    /// </summary>
    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim(' ', '\t');

    private static IResult Page<T>(object parameters, int status = 200) where T : IComponent =>
        new RazorComponentResult<T>(parameters) { StatusCode = status };

    private static IResult Page<T>(IReadOnlyDictionary<string, object?> parameters, int status = 200) where T : IComponent =>
        new RazorComponentResult<T>(parameters) { StatusCode = status };
}
