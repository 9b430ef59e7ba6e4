using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shouldly;
using Wolverine;
using Wolverine.Tracking;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ModularMonolith.Console.Tests;

/// <summary>An admin at work in the console, in Chromium; each story also takes the screenshots docs/operations.md shows.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class UsingTheConsole(ConsoleApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_admin_sees_every_projection_starts_a_rebuild_and_watches_it_finish()
    {
        await PaidOrderAsync(); // events in every module's log, so the rebuild has work to show
        var console = await app.SignedInPageAsync();
        var page = console.Page;

        foreach (var row in new[] { "accounts/AccountStatement", "orders/OrderSummary", "orders/DailySales" })
            await Expect(page.Locator($"tr[data-projection='{row}']")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Versions side by side (blue/green)" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Rebuild AccountStatement in accounts" }).ClickAsync();
        // The script refreshes the figures every second; the bar's item says "finished" once Marten's rebuild returns.
        await Expect(page.Locator("[data-rebuild='accounts/AccountStatement'][data-state='finished']"))
            .ToBeVisibleAsync(new() { Timeout = (float)Wait.TotalMilliseconds });
        await Expect(page.Locator("[data-rebuild='accounts/AccountStatement'] progress")).ToHaveAttributeAsync("value", "100");
        await console.ScreenshotAsync("console-projections");

        console.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_admin_opens_an_order_walks_its_events_back_in_time_and_follows_it_across_the_modules()
    {
        var order = await PaidOrderAsync();
        var console = await app.SignedInPageAsync();
        var page = console.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Streams" }).ClickAsync();
        await page.GetByLabel("Account, cart or order id").FillAsync(order.ToString());
        await page.GetByLabel("Account, cart or order id").PressAsync("Enter");
        await page.GetByRole(AriaRole.Link, new() { Name = $"order {order}" }).ClickAsync();

        await Expect(page.Locator("ol.timeline > li")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-aggregate]")).ToContainTextAsync("\"status\": \"Paid\"");
        await page.GetByRole(AriaRole.Link, new() { Name = "The order at version 1" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "The order at version 1" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-aggregate]")).ToContainTextAsync("\"status\": \"Pending\"");

        await page.GetByLabel("From version").FillAsync("1");
        await page.GetByLabel("to version").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();
        await Expect(page.Locator("tr", new() { HasText = "$.status" })).ToContainTextAsync("\"Paid\"");
        await console.ScreenshotAsync("console-stream");

        await page.GetByRole(AriaRole.Link, new() { Name = "Its flow across the modules" }).ClickAsync();
        foreach (var step in new[] { "cart_checked_out", "order_placed", "order_paid" })
            await Expect(page.Locator("ol.flow")).ToContainTextAsync(step);
        await Expect(page.Locator("ol.flow .module", new() { HasText = "accounts" }).First).ToBeVisibleAsync();
        await console.ScreenshotAsync("console-order-flow");

        await page.Locator("[data-trace-link]").ClickAsync();
        await Expect(page.Locator("ol.waterfall")).ToContainTextAsync($"/api/carts/{order}/checkout");
        foreach (var message in new[] { "CartCheckoutCompleted", "DebitAccountForOrder", "AccountDebitedForOrder" })
            await Expect(page.Locator("ol.waterfall")).ToContainTextAsync(message);
        await console.ScreenshotAsync("console-checkout-trace");

        console.Errors.ShouldBeEmpty();
    }

    /// <summary>Personal data is sealed in the events (ADR 0013): the console opens it as the API does, and after an
    /// erasure shows it erased, at every version and in every event, never as ciphertext.</summary>
    [Fact]
    public async Task An_admin_sees_an_accounts_personal_data_opened_and_after_its_erasure_erased()
    {
        var name = $"Ada {Guid.NewGuid():N}"[..16];
        var account = (await app.CallAsync("", HttpMethod.Post, "/api/accounts",
            new { name, email = $"ada.{Guid.NewGuid():N}@example.com", phone = "+442079460958" })).GetProperty("id").GetGuid();
        var console = await app.SignedInPageAsync();
        var page = console.Page;

        await page.GotoAsync($"/console/streams/account/{account}");
        await Expect(page.Locator("[data-aggregate]")).ToContainTextAsync($"\"name\": \"{name}\"");
        await Expect(page.Locator("ol.timeline")).ToContainTextAsync(name);

        await app.CallAsync(app.AdminToken(), HttpMethod.Post, $"/api/accounts/{account}/erasure");
        foreach (var url in new[] { $"/console/streams/account/{account}", $"/console/streams/account/{account}?version=1" })
        {
            await page.GotoAsync(url);
            await Expect(page.Locator("[data-aggregate]")).ToContainTextAsync("\"name\": \"(erased)\"");
            await Expect(page.Locator("main")).Not.ToContainTextAsync(name);
        }
        await Expect(page.Locator("ol.timeline")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("personal_?data_?erased", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        console.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_admin_replays_a_dead_letter_after_the_fix_and_it_is_handled_once()
    {
        var order = Guid.NewGuid();
        Invoices.OnHold[order] = true;
        var poisoned = await app.Host.TrackActivity().Timeout(Wait).DoNotAssertOnExceptionsDetected()
            .SendMessageAndWaitAsync(new SendInvoice(order));
        var id = poisoned.MovedToErrorQueue.SingleEnvelope<SendInvoice>().Id;

        var console = await app.SignedInPageAsync();
        var page = console.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Dead letters" }).ClickAsync();
        await page.GetByLabel("Exception type").FillAsync(typeof(MailServerDown).FullName!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = id.ToString() }).ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync($"The mail server refused the invoice of order {order}");
        await Expect(page.Locator("main pre").First).ToContainTextAsync(order.ToString());
        await console.ScreenshotAsync("console-dead-letter");

        Invoices.OnHold.TryRemove(order, out _);
        await app.Host.TrackActivity().Timeout(Wait).WaitForMessageToBeReceivedAt<SendInvoice>(app.Host)
            .ExecuteAndWaitAsync((Func<IMessageContext, Task>)(_ => page.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync()));

        Invoices.Sent[order].ShouldBe(1);
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Sent back to its handler");
        await page.GotoAsync($"/console/dead-letters/{id}");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"There is no dead letter {id}");
        console.Errors.RemoveAll(e => e.Contains("404")); // the letter is gone: that page is a 404 on purpose
        console.Errors.ShouldBeEmpty();
    }

    /// <summary>Every console form carries an antiforgery token: a POST that brings the admin's cookie but not the
    /// token (what a forged cross-site form would send) is refused and changes nothing.</summary>
    [Fact]
    public async Task A_console_post_without_its_antiforgery_token_is_refused()
    {
        var console = await app.SignedInPageAsync();
        foreach (var (url, field, value) in new[]
                 {
                     ("/console/projections/rebuild", "projection", "DailySales"),
                     ("/console/dead-letters/discard", "id", Guid.NewGuid().ToString())
                 })
        {
            var form = console.Page.APIRequest.CreateFormData();
            form.Set(field, value);
            if (field == "projection") form.Set("module", "orders");
            var response = await console.Page.APIRequest.PostAsync(url, new() { Form = form, MaxRedirects = 0 });
            response.Status.ShouldBe(400, url);
        }
        await console.Page.GotoAsync("/console/projections");
        await Expect(console.Page.Locator("[data-rebuild='orders/DailySales']")).ToHaveCountAsync(0);
        console.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_customer_token_is_refused_and_no_console_page_opens_without_signing_in()
    {
        var account = (await app.CallAsync("", HttpMethod.Post, "/api/accounts",
            new { name = "Ada", email = $"ada.{Guid.NewGuid():N}@example.com", phone = "+442079460958" })).GetProperty("id").GetGuid();
        var console = await app.NewPageAsync();
        var page = console.Page;

        await page.GotoAsync("/console/dead-letters");
        await Expect(page).ToHaveURLAsync(new Regex("/console/sign-in$"));
        await page.GetByLabel("Admin bearer token").FillAsync(app.CustomerToken(account));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This is a customer's token");
        (await page.Context.CookiesAsync()).ShouldNotContain(c => c.Name == "mm_console");
        await page.GotoAsync("/console/projections");
        await Expect(page).ToHaveURLAsync(new Regex("/console/sign-in$"));
        await console.ScreenshotAsync("console-sign-in-refused");
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task Every_screen_opens_without_a_browser_error_at_a_desktop_and_a_phone_width(int width)
    {
        var console = await app.SignedInPageAsync(width);
        var page = console.Page;
        foreach (var screen in new[] { "Projections", "Streams", "Dead letters", "Order flow", "Traces" })
        {
            await page.GetByRole(AriaRole.Link, new() { Name = screen, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(screen);
            // Nothing wider than the window: the page itself never scrolls sideways (wide tables scroll in their box).
            (await page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(width, $"{screen} is wider than {width} px");
        }
        // The keyboard reaches the navigation first, and focus is drawn.
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.textContent")).ShouldBe("Skip to content");
        if (width == 390) await console.ScreenshotAsync("console-phone-traces");
        console.Errors.ShouldBeEmpty();
    }

    /// <summary>A customer with money, a product, a cart checked out, and the order paid through the three modules.</summary>
    private async Task<Guid> PaidOrderAsync()
    {
        var admin = app.AdminToken();
        var account = (await app.CallAsync("", HttpMethod.Post, "/api/accounts",
            new { name = "Grace Hopper", email = $"grace.{Guid.NewGuid():N}@example.com", phone = "+442079460958" })).GetProperty("id").GetGuid();
        var customer = app.CustomerToken(account);
        await app.CallAsync(customer, HttpMethod.Post, $"/api/accounts/{account}/deposits", new { amount = 20.00m });
        var sku = $"mango-{Guid.NewGuid():N}"[..14];
        await app.CallAsync(admin, HttpMethod.Put, $"/api/catalog/products/{sku}", new { name = "Mango", unitPrice = 2.00m });
        var cart = (await app.CallAsync(customer, HttpMethod.Post, "/api/carts")).GetProperty("id").GetGuid();
        await app.CallAsync(customer, HttpMethod.Post, $"/api/carts/{cart}/items", new { sku, quantity = 2 });
        await app.Host.TrackActivity().Timeout(Wait).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(_ =>
            app.CallAsync(customer, HttpMethod.Post, $"/api/carts/{cart}/checkout")));
        (await app.CallAsync(admin, HttpMethod.Get, $"/api/orders/{cart}")).GetProperty("status").GetString().ShouldBe("paid");
        return cart;
    }
}
