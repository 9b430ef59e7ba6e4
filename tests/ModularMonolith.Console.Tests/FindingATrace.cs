using System.Diagnostics;
using ModularMonolith.Host.AdminConsole.Traces;
using Shouldly;
using Xunit;

namespace ModularMonolith.Console.Tests;

/// <summary>
/// The order flow finds its checkout's trace by the request's path (<see cref="RecentTraces.FindByAttribute"/>),
/// matched on the spans' own tags: the answer is the one a search of every trace's records gives.
/// </summary>
public sealed class FindingATrace
{
    [Fact]
    public void The_newest_trace_whose_span_names_the_path_is_found_and_an_unknown_path_finds_none()
    {
        var traces = new RecentTraces();
        var order = Guid.NewGuid();
        var checkout = $"/api/carts/{order}/checkout";
        Request(traces, "POST", checkout, 202, ("messaging.message_type", "CartCheckoutCompleted"));
        Request(traces, "POST", $"/api/carts/{Guid.NewGuid()}/checkout", 202);
        var newest = Request(traces, "GET", checkout, 200, ("http.response.status_code", 200));
        Request(traces, "GET", "/api/accounts", 200);

        var found = traces.FindByAttribute("url.path", checkout.ToUpperInvariant());
        found.ShouldNotBeNull().TraceId.ShouldBe(newest);
        found.TraceId.ShouldBe(SearchOfEveryRecord(traces, "url.path", checkout.ToUpperInvariant())!.TraceId);
        traces.FindByAttribute("http.response.status_code", "200")!.TraceId
            .ShouldBe(SearchOfEveryRecord(traces, "http.response.status_code", "200")!.TraceId);

        var unknown = $"/api/carts/{Guid.NewGuid()}/checkout";
        traces.FindByAttribute("url.path", unknown).ShouldBeNull();
        SearchOfEveryRecord(traces, "url.path", unknown).ShouldBeNull();
        traces.FindByAttribute("url.query", checkout).ShouldBeNull();
    }

    /// <summary>How the lookup answered before: every kept trace turned into records, then searched.</summary>
    private static TraceRecord? SearchOfEveryRecord(RecentTraces traces, string key, string text) =>
        traces.Recent(int.MaxValue).FirstOrDefault(t => t.Spans.Any(s =>
            s.Attributes.Any(a => a.Key == key && a.Value.Contains(text, StringComparison.OrdinalIgnoreCase))));

    /// <summary>
    /// A finished request span (the root, as ASP.NET Core starts it) with a child span, handed to the store as
    /// OpenTelemetry would: children end first. The spans are made by hand, not through a listened-to source, so no
    /// host running in this test process records them.
    /// </summary>
    private static string Request(RecentTraces traces, string method, string path, object status,
        params (string Key, object Value)[] childTags)
    {
        var root = new Activity($"{method} {path}").SetIdFormat(ActivityIdFormat.W3C);
        SourceOf(root, AspNetCore);
        root.SetTag("url.path", path).SetTag("http.response.status_code", status).Start();
        var child = new Activity("handle").SetIdFormat(ActivityIdFormat.W3C).SetParentId(root.TraceId, root.SpanId);
        SourceOf(child, Wolverine);
        foreach (var (key, value) in childTags) child.SetTag(key, value);
        child.Start().Stop();
        traces.OnEnd(child);
        root.Stop();
        traces.OnEnd(root);
        return root.TraceId.ToHexString();
    }

    private static readonly ActivitySource AspNetCore = new("Microsoft.AspNetCore");
    private static readonly ActivitySource Wolverine = new("Wolverine");

    private static void SourceOf(Activity activity, ActivitySource source) =>
        typeof(Activity).GetProperty(nameof(Activity.Source))!.SetValue(activity, source);
}
