using JasperFx.CommandLine;
using Marten;
using ModularMonolith.BuildingBlocks.EventSourcing;

namespace ModularMonolith.Host.Operations;

public sealed class ArchiveInput : NetCoreInput
{
    [Description("Only this module (accounts, cart or orders); all modules when omitted")]
    [FlagAlias("module", true)]
    public string ModuleFlag { get; set; } = "";

    [Description("Archive streams finished more than this many days ago (default 30)")]
    [FlagAlias("older-than-days", true)]
    public int OlderThanDaysFlag { get; set; } = 30;

    [Description("List what would be archived without archiving it")]
    [FlagAlias("dry-run", true)]
    public bool DryRunFlag { get; set; }
}

/// <summary>
/// <c>archive [--module orders] [--older-than-days 30] [--dry-run]</c>: marks finished streams (each module decides
/// which: completed or cancelled orders, abandoned or checked-out carts, closed accounts) as archived with Marten's
/// <c>ArchiveStream</c>. Nothing is deleted: archived streams stay readable by id and in the audit trail, but the async
/// daemon no longer loads their events, so a rebuild leaves them out.
/// </summary>
[Description("Archive finished streams older than a given age", Name = "archive")]
public sealed class ArchiveCommand : JasperFxAsyncCommand<ArchiveInput>
{
    public override async Task<bool> Execute(ArchiveInput input)
    {
        if (input.ModuleFlag.Length > 0 && !ModuleStores.ByModule.ContainsKey(input.ModuleFlag))
        {
            Console.Error.WriteLine($"Unknown module '{input.ModuleFlag}'. Modules: {string.Join(", ", ModuleStores.ByModule.Keys)}.");
            return false;
        }
        if (input.OlderThanDaysFlag < 0)
        {
            Console.Error.WriteLine("--older-than-days must be zero or more.");
            return false;
        }

        using var host = input.BuildHost();
        if (input.ModuleFlag.Length > 0 && ModuleStores.RefusalFor(host.Services, input.ModuleFlag) is { } refusal)
        {
            Console.Error.WriteLine(refusal);
            return false;
        }
        var before = DateTimeOffset.UtcNow.AddDays(-input.OlderThanDaysFlag);
        foreach (var closed in host.Services.GetServices<ClosedStreams>()
                     .Where(c => input.ModuleFlag.Length == 0 || string.Equals(c.Module, input.ModuleFlag, StringComparison.OrdinalIgnoreCase)))
        {
            var store = (IDocumentStore)host.Services.GetRequiredService(closed.StoreType);
            await using var session = store.LightweightSession();
            var ids = await closed.FinishedBefore(session, before, CancellationToken.None);
            Console.WriteLine($"{closed.Module}: {ids.Count} finished stream(s) older than {input.OlderThanDaysFlag} day(s)" +
                              (input.DryRunFlag ? " (dry run: nothing archived)" : " archived"));
            if (input.DryRunFlag)
            {
                foreach (var id in ids) Console.WriteLine($"  {id}");
                continue;
            }

            foreach (var id in ids) session.Events.ArchiveStream(id);
            await session.SaveChangesAsync();
        }
        return true;
    }
}
