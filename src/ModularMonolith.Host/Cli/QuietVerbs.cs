using JasperFx.CommandLine;

namespace ModularMonolith.Host.Cli;

/// <summary>
/// An operator's verb prints what it is about, not the framework's start-up chatter (issue #12: a token request
/// printed eleven lines before the token).
/// </summary>
public static class QuietVerbs
{
    /// <summary>True when the arguments name a verb; no arguments, flags only, or <c>run</c> serve the API.</summary>
    public static bool NameAVerb(string[] args) => args.Length > 0 && !args[0].StartsWith('-') && args[0] != "run";

    public static WebApplicationBuilder QuietenCommandLine(this WebApplicationBuilder builder, string[] args)
    {
        // JasperFx prints "Searching '<assembly>' for commands" for each [JasperFxAssembly] it scans, unless
        // extensions were already applied in this process (a static latch in its CommandFactory). Applying the
        // extensions of an empty factory sets that latch and does nothing else: the commands are still discovered
        // and the libraries' extensions still applied when a verb runs. A CLI test fails if the lines come back.
        new CommandFactory().ApplyExtensions(builder.Services);

        // The HTTP endpoint model's design warnings (e.g. the anonymous sign-up's idempotency scope, see
        // docs/operations.md) concern whoever serves the API and are logged when it starts; a verb builds the same
        // endpoints, but they say nothing about the verb. Errors still show.
        if (NameAVerb(args))
            builder.Logging.AddFilter("Wolverine.Http.HttpGraph", LogLevel.Error);
        return builder;
    }
}
