using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace Acme.AspNetCore.Tests;

/// <summary>
/// The smoke cases S18-S22 of a session's life beyond sign-in, against the example app and the fake
/// Acme Identity, steered through its <c>/__fake__/</c> controls (so skipped against a real service).
/// Each test starts with the fake reset.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class LifecycleTests(AppFixture app) : IAsyncLifetime
{
    /// <summary>More than the session TTL of the test settings: the next request asks the service again.</summary>
    private static readonly TimeSpan PastTtl = TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public Task InitializeAsync() => app.ResetAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    private Visitor Api() => app.Factory.NewVisitor(browser: false);

    private Visitor Browser() => app.Factory.NewVisitor(browser: true);

    // -- S18: refresh ------------------------------------------------------------------

    [FakeFact]
    public async Task S18_Still_Signed_In_Across_Several_Token_Lifetimes()
    {
        await app.Fake.TokenLifetimeAsync(TimeSpan.FromSeconds(1));
        Visitor api = Api();
        await api.SignInAsync(FixtureUsers.Plain);
        int logins = await app.Fake.CountAsync("login");

        // Page views over more than three token lifetimes, each past the user cache's TTL.
        DateTime end = DateTime.UtcNow.AddSeconds(3.5);
        int views = 0;
        while (DateTime.UtcNow < end)
        {
            app.Factory.Clock.Advance(PastTtl);
            using HttpResponseMessage me = await api.MeAsync();
            FixtureUsers.Plain.AssertMe(await Visitor.JsonAsync(me, HttpStatusCode.OK));
            views++;
            await Task.Delay(300);
        }

        Assert.True(views >= 4, $"only {views} page views in 3.5 s");
        Assert.True(await app.Fake.CountAsync("refresh") >= 2, "the tokens were not refreshed");
        Assert.Equal(logins, await app.Fake.CountAsync("login"));
    }

    [FakeFact]
    public async Task S18_Concurrent_Requests_After_Expiry_Cause_One_Refresh()
    {
        Visitor api = Api();
        await api.SignInAsync(FixtureUsers.Plain);
        await app.Fake.ExpireTokensAsync(FixtureUsers.Plain.Key);
        app.Factory.Clock.Advance(PastTtl);
        int refreshes = await app.Fake.CountAsync("refresh");

        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => api.MeAsync()));
        foreach (HttpResponseMessage answer in answers)
        {
            using (answer)
            {
                FixtureUsers.Plain.AssertMe(await Visitor.JsonAsync(answer, HttpStatusCode.OK));
            }
        }

        Assert.Equal(refreshes + 1, await app.Fake.CountAsync("refresh"));
        Assert.True(await api.SignedInAsync());
    }

    [FakeTheory]
    [InlineData("""{"operation": "refresh", "status": 503}""")]
    [InlineData("""{"operation": "refresh", "status": 401}""")]
    [InlineData("""{"operation": "refresh", "drop": true}""")]
    public async Task S18_Failed_Refresh_Signs_Out_Cleanly(string fault)
    {
        Visitor api = Api();
        await api.SignInAsync(FixtureUsers.Plain);
        Visitor browser = Browser();
        await browser.SignInAsync(FixtureUsers.Plain);
        await app.Fake.ExpireTokensAsync(FixtureUsers.Plain.Key);
        await app.Fake.FaultAsync(fault);
        app.Factory.Clock.Advance(PastTtl);

        using HttpResponseMessage json = await api.GetAsync("/");
        await Visitor.ErrorAsync(json, HttpStatusCode.Unauthorized, "unauthorized");
        using HttpResponseMessage page = await browser.GetAsync("/admin?tab=1");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(Visitor.Prefix + "/login?next=" + Uri.EscapeDataString("/admin?tab=1"), page.Headers.Location?.OriginalString);

        // Signed out for good: the service being back does not revive the session.
        await app.ResetAsync();
        Assert.False(await api.SignedInAsync());
        Assert.False(await browser.SignedInAsync());
    }

    // -- S19: sign-out at the service ---------------------------------------------------

    [FakeFact]
    public async Task S19_Sign_Out_Ends_The_Session_At_The_Service()
    {
        Visitor api = Api();
        await api.SignInAsync(FixtureUsers.Plain);
        Assert.Equal(1, await app.Fake.SessionsAsync(FixtureUsers.Plain.Key));

        using HttpResponseMessage logout = await api.LogoutAsync();
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(0, await app.Fake.SessionsAsync(FixtureUsers.Plain.Key));
        Assert.False(await api.SignedInAsync());
    }

    [FakeTheory]
    [InlineData("""{"operation": "logout", "status": 503}""")]
    [InlineData("""{"operation": "logout", "drop": true}""")]
    public async Task S19_Logout_Failing_At_The_Service_Still_Signs_Out_Here(string fault)
    {
        Visitor browser = Browser();
        await browser.SignInAsync(FixtureUsers.Plain);
        await app.Fake.FaultAsync(fault);

        using HttpResponseMessage logout = await browser.LogoutAsync();
        Assert.Equal(HttpStatusCode.SeeOther, logout.StatusCode);
        Assert.Equal(Visitor.Prefix + "/login", logout.Headers.Location?.OriginalString);
        Assert.False(await browser.SignedInAsync());
        Assert.Contains(app.Factory.Logs.Lines, line => line.Contains("logout: service_unavailable", StringComparison.Ordinal));
        IReadOnlyList<string> issued = await app.Fake.IssuedAsync();
        Assert.All(app.Factory.Logs.Lines, line => Assert.DoesNotContain(issued, value => line.Contains(value, StringComparison.Ordinal)));
    }

    // -- S20: password reset from the emailed token ---------------------------------------

    [FakeFact]
    public async Task S20_Password_Reset_Completed_From_The_Emailed_Token()
    {
        string token = await ForgotAsync();
        const string NewPassword = "new-Pass-2026 &<ok>";

        using HttpResponseMessage form = await Browser().GetAsync($"{Visitor.Prefix}/reset?token={Uri.EscapeDataString(token)}");
        string html = await Visitor.HtmlAsync(form, HttpStatusCode.OK);
        Assert.Contains("type=\"hidden\" name=\"token\"", html, StringComparison.Ordinal);
        Assert.Contains("autocomplete=\"new-password\"", html, StringComparison.Ordinal);
        Assert.Contains("for=\"field-password_confirm\"", html, StringComparison.Ordinal);

        using HttpResponseMessage reset = await Browser().SubmitAsync("reset", Reset(token, NewPassword, NewPassword));
        string done = await Visitor.HtmlAsync(reset, HttpStatusCode.OK);
        Assert.Contains("Your password has been changed. You can sign in now.", done, StringComparison.Ordinal);
        Assert.Null(Visitor.SessionCookie(reset));

        using HttpResponseMessage withNew = await Api().LoginAsync(FixtureUsers.Plain.Username, NewPassword);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
        using HttpResponseMessage withOld = await Api().LoginAsync(FixtureUsers.Plain.Username, FixtureUsers.Plain.Password);
        await Visitor.ErrorAsync(withOld, HttpStatusCode.Unauthorized, "invalid_credentials");

        using HttpResponseMessage again = await Api().SubmitAsync("reset", Reset(token, "another-Pass-1", "another-Pass-1"));
        string message = await Visitor.ErrorAsync(again, HttpStatusCode.BadRequest, "invalid_token");
        Assert.Equal("This link is not valid or was already used. Ask for a new one.", message);
    }

    [FakeFact]
    public async Task S20_Reset_Json_Answers_Status_Reset()
    {
        string token = await ForgotAsync();
        using HttpResponseMessage reset = await Api().SubmitAsync("reset", Reset(token, "new-Pass-2026", "new-Pass-2026"));
        JsonNode body = await Visitor.JsonAsync(reset, HttpStatusCode.OK);
        Assert.Equal("reset", (string?)body["status"]);
    }

    [FakeFact]
    public async Task S20_Expired_Token_Is_Refused_With_Its_Own_Message()
    {
        string token = await ForgotAsync();
        await app.Fake.ExpireMailedTokenAsync(token);
        using HttpResponseMessage reset = await Api().SubmitAsync("reset", Reset(token, "new-Pass-2026", "new-Pass-2026"));
        string message = await Visitor.ErrorAsync(reset, HttpStatusCode.BadRequest, "expired_token");
        Assert.Equal("This link has expired. Ask for a new one.", message);

        using HttpResponseMessage page = await Browser().SubmitAsync("reset", Reset(token, "new-Pass-2026", "new-Pass-2026"));
        string html = await Visitor.HtmlAsync(page, HttpStatusCode.BadRequest);
        Assert.Contains("This link has expired. Ask for a new one.", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{Visitor.Prefix}/forgot\"", html, StringComparison.Ordinal);
    }

    [FakeFact]
    public async Task S20_Made_Up_Or_Missing_Token_Is_Refused()
    {
        using HttpResponseMessage madeUp = await Api().SubmitAsync("reset", Reset("made-up-token", "new-Pass-2026", "new-Pass-2026"));
        await Visitor.ErrorAsync(madeUp, HttpStatusCode.BadRequest, "invalid_token");

        using HttpResponseMessage missing = await Api().SubmitAsync("reset", Reset(string.Empty, "new-Pass-2026", "new-Pass-2026"));
        string message = await Visitor.ErrorAsync(missing, HttpStatusCode.BadRequest, "invalid_token");
        Assert.Equal("This link is incomplete. Use the link in the email, or ask for a new one.", message);

        using HttpResponseMessage page = await Browser().GetAsync(Visitor.Prefix + "/reset");
        string html = await Visitor.HtmlAsync(page, HttpStatusCode.BadRequest);
        Assert.Contains("This link is incomplete.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
    }

    [FakeFact]
    public async Task S20_Passwords_That_Differ_Are_Refused_Without_Asking_The_Service()
    {
        string token = await ForgotAsync();
        int calls = await app.Fake.CountAsync("reset_password");
        using HttpResponseMessage reset = await Api().SubmitAsync("reset", Reset(token, "new-Pass-2026", "new-Pass-2027"));
        string message = await Visitor.ErrorAsync(reset, HttpStatusCode.BadRequest, "invalid_input");
        Assert.Equal("The two passwords do not match.", message);
        Assert.Equal(calls, await app.Fake.CountAsync("reset_password"));
    }

    [FakeFact]
    public async Task S20_Short_Password_Gets_422_With_The_Services_Message_Escaped()
    {
        string token = await ForgotAsync();
        using HttpResponseMessage json = await Api().SubmitAsync("reset", Reset(token, "short", "short"));
        string message = await Visitor.ErrorAsync(json, HttpStatusCode.UnprocessableEntity, "password_policy");
        Assert.Equal("Password must be at least 8 characters.", message);

        using HttpResponseMessage page = await Browser().SubmitAsync("reset", Reset(token, "short", "short"));
        string html = await Visitor.HtmlAsync(page, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Password must be at least 8 characters.", html, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
    }

    /// <summary>Ask for a reset of the plain user's password; the token of the mail the fake sent.</summary>
    private async Task<string> ForgotAsync()
    {
        Dictionary<string, string> fields = new()
        {
            ["email"] = "user@example.com",
        };
        using HttpResponseMessage forgot = await Api().SubmitAsync("forgot", fields);
        Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);
        return await app.Fake.MailedTokenAsync(FixtureUsers.Plain.Key, "reset");
    }

    private static Dictionary<string, string> Reset(string token, string password, string confirm) => new()
    {
        ["token"] = token,
        ["password"] = password,
        ["password_confirm"] = confirm,
    };

    // -- S21: change password ---------------------------------------------------------------

    [FakeFact]
    public async Task S21_Change_Password_Keeps_The_User_Signed_In_Under_A_New_Session_Id()
    {
        const string NewPassword = "changed-Pass-2026";
        Visitor api = Api();
        using HttpResponseMessage login = await api.SignInAsync(FixtureUsers.Plain);
        string before = Visitor.CookieValue(Assert.IsType<string>(Visitor.SessionCookie(login)));

        using HttpResponseMessage wrong = await api.SubmitAsync("password", Change("not-the-password", NewPassword, NewPassword));
        string message = await Visitor.ErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_credentials");
        Assert.Equal("Your current password is not correct.", message);
        Assert.True(await api.SignedInAsync());

        using HttpResponseMessage changed = await api.SubmitAsync("password", Change(FixtureUsers.Plain.Password, NewPassword, NewPassword));
        JsonNode body = await Visitor.JsonAsync(changed, HttpStatusCode.OK);
        Assert.Equal("changed", (string?)body["status"]);
        string after = Visitor.CookieValue(Assert.IsType<string>(Visitor.SessionCookie(changed)));
        Assert.NotEqual(before, after);
        Assert.True(await api.SignedInAsync());

        Visitor replay = app.Factory.NewBareVisitor(browser: false);
        replay.Cookies = AcmeDefaults.CookieName + "=" + before;
        Assert.False(await replay.SignedInAsync());

        using HttpResponseMessage withNew = await Api().LoginAsync(FixtureUsers.Plain.Username, NewPassword);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
        using HttpResponseMessage withOld = await Api().LoginAsync(FixtureUsers.Plain.Username, FixtureUsers.Plain.Password);
        await Visitor.ErrorAsync(withOld, HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [FakeFact]
    public async Task S21_Change_Password_Page_And_Form()
    {
        Visitor browser = Browser();
        await browser.SignInAsync(FixtureUsers.Plain);
        using HttpResponseMessage page = await browser.GetAsync(Visitor.Prefix + "/password");
        string html = await Visitor.HtmlAsync(page, HttpStatusCode.OK);
        Assert.Contains("autocomplete=\"current-password\"", html, StringComparison.Ordinal);
        Assert.Contains("autocomplete=\"new-password\"", html, StringComparison.Ordinal);

        using HttpResponseMessage differ = await browser.SubmitAsync("password", Change(FixtureUsers.Plain.Password, "changed-Pass-1", "changed-Pass-2"));
        Assert.Contains("The two passwords do not match.", await Visitor.HtmlAsync(differ, HttpStatusCode.BadRequest), StringComparison.Ordinal);

        using HttpResponseMessage changed = await browser.SubmitAsync("password", Change(FixtureUsers.Plain.Password, "changed-Pass-1", "changed-Pass-1"));
        Assert.Contains("Your password has been changed.", await Visitor.HtmlAsync(changed, HttpStatusCode.OK), StringComparison.Ordinal);
    }

    [Fact]
    public async Task S21_Anonymous_Is_Sent_To_Sign_In()
    {
        using HttpResponseMessage page = await Browser().GetAsync(Visitor.Prefix + "/password");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(
            Visitor.Prefix + "/login?next=" + Uri.EscapeDataString(Visitor.Prefix + "/password"),
            page.Headers.Location?.OriginalString);

        using HttpResponseMessage json = await Api().SubmitAsync("password", Change("a-password", "changed-Pass-1", "changed-Pass-1"));
        await Visitor.ErrorAsync(json, HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static Dictionary<string, string> Change(string current, string password, string confirm) => new()
    {
        ["current_password"] = current,
        ["new_password"] = password,
        ["new_password_confirm"] = confirm,
    };

    // -- S22: unverified accounts --------------------------------------------------------------

    [FakeFact]
    public async Task S22_Unverified_Account_Gets_Its_Own_Message()
    {
        using HttpResponseMessage json = await Api().LoginAsync(FixtureUsers.Unverified.Username, FixtureUsers.Unverified.Password);
        string message = await Visitor.ErrorAsync(json, HttpStatusCode.Forbidden, "unverified");
        Assert.Equal("Verify your email address first: use the link we sent you.", message);
        Assert.Null(Visitor.SessionCookie(json));

        using HttpResponseMessage page = await Browser().LoginAsync(FixtureUsers.Unverified.Username, FixtureUsers.Unverified.Password);
        Assert.Contains(message, await Visitor.HtmlAsync(page, HttpStatusCode.Forbidden), StringComparison.Ordinal);
    }

    [FakeFact]
    public async Task S22_Verified_From_The_Mailed_Link_Then_Signs_In()
    {
        string token = await app.Fake.MailedTokenAsync(FixtureUsers.Unverified.Key, "verify");
        Visitor browser = Browser();

        // Opening the link (as a mail scanner does) verifies nothing: it shows the button.
        using HttpResponseMessage link = await browser.GetAsync($"{Visitor.Prefix}/verify?token={Uri.EscapeDataString(token)}");
        string html = await Visitor.HtmlAsync(link, HttpStatusCode.OK);
        Assert.Contains("Verify my email address", html, StringComparison.Ordinal);
        Assert.Equal(0, await app.Fake.CountAsync("verify_email"));
        using HttpResponseMessage still = await Api().LoginAsync(FixtureUsers.Unverified.Username, FixtureUsers.Unverified.Password);
        await Visitor.ErrorAsync(still, HttpStatusCode.Forbidden, "unverified");

        using HttpResponseMessage verified = await browser.SubmitAsync("verify", new Dictionary<string, string> { ["token"] = token });
        Assert.Contains("Your email address is verified. You can sign in now.", await Visitor.HtmlAsync(verified, HttpStatusCode.OK), StringComparison.Ordinal);
        await Api().SignInAsync(FixtureUsers.Unverified);

        using HttpResponseMessage reused = await Api().SubmitAsync("verify", new Dictionary<string, string> { ["token"] = token });
        await Visitor.ErrorAsync(reused, HttpStatusCode.BadRequest, "invalid_token");
    }
}
