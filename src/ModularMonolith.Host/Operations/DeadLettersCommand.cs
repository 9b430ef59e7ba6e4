using System.Globalization;
using System.Text.Json;
using JasperFx.CodeGeneration;
using JasperFx.CommandLine;
using ModularMonolith.BuildingBlocks.Http;
using Npgsql;

namespace ModularMonolith.Host.Operations;

/// <summary>The words typed in the shell, hence lower case.</summary>
public enum DeadLetterAction
{
    list,
    show,
    replay,
    discard
}

public sealed class DeadLettersInput : NetCoreInput
{
    [Description("list (default), show, replay or discard")]
    public DeadLetterAction Action { get; set; } = DeadLetterAction.list;

    [Description("A dead letter's id (repeat for several); show needs exactly one")]
    [FlagAlias("id", true)]
    public string[] IdFlag { get; set; } = [];

    [Description("list: only this message type (Wolverine's name, e.g. ModularMonolith.Accounts.Contracts.DebitAccountForOrder)")]
    [FlagAlias("message-type", true)]
    public string MessageTypeFlag { get; set; } = "";

    [Description("list: only messages handled by this module (accounts, cart or orders)")]
    [FlagAlias("module", true)]
    public string ModuleFlag { get; set; } = "";

    [Description("list: only this exception type (full name)")]
    [FlagAlias("exception-type", true)]
    public string ExceptionTypeFlag { get; set; } = "";

    [Description("list: only letters sent at or after this time (ISO 8601)")]
    [FlagAlias("since", true)]
    public string SinceFlag { get; set; } = "";

    [Description("list: at most this many (default 100)")]
    [FlagAlias("limit", true)]
    public int LimitFlag { get; set; } = DeadLetterFilter.DefaultLimit;
}

/// <summary>
/// <c>dead-letters [list|show|replay|discard] [--id ID ...] [--message-type T] [--module M] [--exception-type E] [--since TIME]</c>:
/// what <c>/api/admin/dead-letters</c> does, for a shell. Like the other verbs it reads and writes the database only
/// and starts no node: a replay marks the letters replayable and a running node's durability agent moves them back to
/// the inbox. Exits 1 on an unknown id or module, or an unreachable database.
/// </summary>
[Description("List, show, replay or discard the messages that failed for good (Wolverine's dead letters)", Name = "dead-letters")]
public sealed class DeadLettersCommand : JasperFxAsyncCommand<DeadLettersInput>
{
    public override async Task<bool> Execute(DeadLettersInput input)
    {
        using var host = input.BuildHost();
        // The module of a message is the module of its handler, from Wolverine's handler graph. A host that is built
        // but not started has not discovered its handlers yet; resolving the code file collections makes Wolverine
        // do so without starting a node or touching a transport (what its own `wolverine-diagnostics` verb does).
        _ = host.Services.GetServices<ICodeFileCollection>().ToArray();
        var reader = host.Services.GetRequiredService<DeadLetterReader>();
        try
        {
            var ids = input.IdFlag.Select(id => Guid.TryParse(id, out var g) ? g
                : throw RequestRefused.Invalid("id", $"'{id}' is not a dead letter id (a GUID).")).ToArray();
            switch (input.Action)
            {
                case DeadLetterAction.list:
                    var since = input.SinceFlag.Length == 0 ? (DateTimeOffset?)null
                        : DateTimeOffset.TryParse(input.SinceFlag, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
                        : throw RequestRefused.Invalid("since", "--since must be a date and time in ISO 8601.");
                    Print(await reader.ListAsync(new DeadLetterFilter(NullIfEmpty(input.MessageTypeFlag), NullIfEmpty(input.ModuleFlag.Trim().ToLowerInvariant()),
                        NullIfEmpty(input.ExceptionTypeFlag), since, null, input.LimitFlag), CancellationToken.None));
                    return true;
                case DeadLetterAction.show:
                    if (ids.Length != 1) throw RequestRefused.Invalid("id", "show needs exactly one --id.");
                    var letter = await reader.FindAsync(ids[0], CancellationToken.None)
                                 ?? throw RequestRefused.NotFound("dead letter", ids[0]);
                    Console.WriteLine(JsonSerializer.Serialize(letter, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
                    return true;
                case DeadLetterAction.replay:
                    await reader.ReplayAsync(ids, CancellationToken.None);
                    Console.WriteLine($"{ids.Length} dead letter(s) marked for replay; a running node moves them back to their queues within seconds.");
                    return true;
                case DeadLetterAction.discard:
                    await reader.DiscardAsync(ids, CancellationToken.None);
                    Console.WriteLine($"{ids.Length} dead letter(s) discarded.");
                    return true;
                default:
                    return false;
            }
        }
        catch (RequestRefused refused)
        {
            await Console.Error.WriteLineAsync(refused.Message);
            return false;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"The database cannot be reached: {e.Message}");
            return false;
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static void Print(DeadLetterList list)
    {
        Console.WriteLine($"{list.Count} dead letter(s)");
        Console.WriteLine($"{"ID",-37}{"SENT AT (UTC)",-21}{"MODULE",-9}{"MESSAGE TYPE",-60}EXCEPTION");
        foreach (var d in list.DeadLetters)
            Console.WriteLine($"{d.Id,-37}{d.SentAt.UtcDateTime,-21:yyyy-MM-dd HH:mm:ss}{d.Module,-9}{d.MessageType,-60}{d.ExceptionType}: {LastLine(d.ExceptionMessage)}");
    }

    /// <summary>Marten's command failures put the SQL first and the database's reason last; `show` has it all.</summary>
    private static string LastLine(string message)
    {
        var line = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        return line.Length > 100 ? line[..100] + "…" : line;
    }
}
