using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace Acme.AspNetCore.Tests;

/// <summary>
/// The smoke cases S1-S17 every authgen target implements, against the example app and the fake
/// Acme Identity. Each test starts with the fake reset.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SmokeTests(AppFixture app) : IAsyncLifetime
{
    private const string AdminPath = "/admin";

    /// <inheritdoc />
    public Task InitializeAsync() => app.ResetAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    private Visitor Api() => app.Factory.NewVisitor(browser: false);

    private Visitor Browser() => app.Factory.NewVisitor(browser: true);

    [Theory]
    [InlineData("/")]
    [InlineData(AdminPath)]
    public async Task S01_Anonymous_Html_Redirects_To_Login(string path)
    {
        using HttpResponseMessage response = await Browser().GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Visitor.Prefix + "/login?next=" + Uri.EscapeDataString(path), response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/")]
    [InlineData(AdminPath)]
    [InlineData(Visitor.Prefix + "/me")]
    public async Task S01_Anonymous_Json_Gets_401(string path)
    {
        using HttpResponseMessage response = await Api().GetAsync(path);
        await Visitor.ErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task S02_Login_Sets_HttpOnly_SameSite_Cookie_And_Follows_Safe_Next()
    {
        Visitor browser = Browser();
        using HttpResponseMessage response = await browser.SignInAsync(FixtureUsers.Plain, next: "/admin?tab=smoke");
        Assert.Equal("/admin?tab=smoke", response.Headers.Location?.OriginalString);
        string cookie = Assert.IsType<string>(Visitor.SessionCookie(response));
        string attributes = cookie.ToLowerInvariant();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
        foreach (string other in Visitor.SetCookies(response))
        {
            Assert.Contains("httponly", other.ToLowerInvariant());
        }

        Assert.True(await browser.SignedInAsync());
    }

    [Theory]
    [InlineData("user")]
    [InlineData("admin")]
    public async Task S03_Me_Returns_Mapped_Fields_With_Types(string key)
    {
        FixtureUser user = key == "admin" ? FixtureUsers.Administrator : FixtureUsers.Plain;
        Visitor api = Api();
        using HttpResponseMessage login = await api.SignInAsync(user);
        JsonNode loginBody = await Visitor.JsonAsync(login, HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty((string?)loginBody["csrf_token"]));
        using HttpResponseMessage response = await api.MeAsync();
        JsonNode me = await Visitor.JsonAsync(response, HttpStatusCode.OK);
        user.AssertMe(me);
        JsonAssert.Equivalent(me, loginBody["user"]!);
    }

    [Fact]
    public async Task S04_Native_User_Object_Yields_Mapped_Values()
    {
        Visitor api = Api();
        await api.SignInAsync(FixtureUsers.Plain);
        using HttpResponseMessage probe = await api.GetAsync(AppFactory.UserProbePath);
        Assert.Equal(HttpStatusCode.NoContent, probe.StatusCode);
        (AcmeUser? user, ClaimsPrincipal? principal) = app.Factory.LastSeen;
        FixtureUsers.Plain.AssertTyped(Assert.IsType<AcmeUser>(user));
        Assert.NotNull(principal);
        Assert.Equal(user!.Id, principal.FindFirst(ClaimTypes.NameIdentifier)?.Value);
        Assert.Equal(user.Username, principal.Identity?.Name);
        Assert.All(user.Roles, role => Assert.True(principal.IsInRole(role)));

        Visitor admin = Api();
        await admin.SignInAsync(FixtureUsers.Administrator);
        using HttpResponseMessage adminProbe = await admin.GetAsync(AppFactory.UserProbePath);
        FixtureUsers.Administrator.AssertTyped(Assert.IsType<AcmeUser>(app.Factory.LastSeen.User));
    }

    [Fact]
    public async Task S05_Roles_Guard_403_For_User_200_For_Admin()
    {
        Visitor user = Api();
        await user.SignInAsync(FixtureUsers.Plain);
        using HttpResponseMessage refused = await user.GetAsync(AdminPath);
        await Visitor.ErrorAsync(refused, HttpStatusCode.Forbidden, "forbidden");

        Visitor browser = Browser();
        await browser.SignInAsync(FixtureUsers.Plain);
        using HttpResponseMessage page = await browser.GetAsync(AdminPath);
        await Visitor.HtmlAsync(page, HttpStatusCode.Forbidden);

        Visitor admin = Api();
        await admin.SignInAsync(FixtureUsers.Administrator);
        using HttpResponseMessage allowed = await admin.GetAsync(AdminPath);
        JsonNode body = await Visitor.JsonAsync(allowed, HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty((string?)body["message"]));
    }

    [Fact]
    public async Task S06_Wrong_Password_Gets_Generic_Error_And_No_Session()
    {
        Visitor api = Api();
        using HttpResponseMessage wrong = await api.LoginAsync(FixtureUsers.Plain.Username, FixtureUsers.Plain.Password + "-wrong");
        string wrongMessage = await Visitor.ErrorAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Null(Visitor.SessionCookie(wrong));
        using HttpResponseMessage unknown = await Api().LoginAsync("nobody-smoke@example.invalid", FixtureUsers.Plain.Password);
        string unknownMessage = await Visitor.ErrorAsync(unknown, HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(wrongMessage, unknownMessage);
        Assert.DoesNotContain(FixtureUsers.Plain.Username, wrongMessage, StringComparison.Ordinal);
        Assert.False(await api.SignedInAsync());

        Visitor browser = Browser();
        using HttpResponseMessage page = await browser.LoginAsync(FixtureUsers.Plain.Username, "wrong");
        await Visitor.HtmlAsync(page, HttpStatusCode.Unauthorized);
        Assert.False(await browser.SignedInAsync());
    }

    [Fact]
    public async Task S07_Logout_Is_Post_And_Ends_Session()
    {
        Visitor api = Api();
        using HttpResponseMessage login = await api.SignInAsync(FixtureUsers.Plain);
        string session = Visitor.CookieValue(Assert.IsType<string>(Visitor.SessionCookie(login)));

        using HttpResponseMessage get = await api.GetAsync(Visitor.Prefix + "/logout");
        await Visitor.ErrorAsync(get, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.True(await api.SignedInAsync());

        using HttpResponseMessage logout = await api.LogoutAsync();
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.False(await api.SignedInAsync());

        Visitor replay = app.Factory.NewBareVisitor(browser: false);
        replay.Cookies = AcmeDefaults.CookieName + "=" + session;
        Assert.False(await replay.SignedInAsync());

        Visitor browser = Browser();
        await browser.SignInAsync(FixtureUsers.Plain);
        using HttpResponseMessage form = await browser.LogoutAsync();
        Assert.Equal(HttpStatusCode.SeeOther, form.StatusCode);
        Assert.Equal(Visitor.Prefix + "/login", form.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task S08_State_Changing_Routes_Reject_Missing_Csrf()
    {
        Visitor api = Api();
        using HttpResponseMessage json = await api.LoginAsync(FixtureUsers.Plain.Username, FixtureUsers.Plain.Password, csrf: false);
        await Visitor.ErrorAsync(json, HttpStatusCode.Forbidden, "csrf_failed");
        Assert.False(await api.SignedInAsync());

        Visitor browser = Browser();
        using HttpResponseMessage form = await browser.LoginAsync(FixtureUsers.Plain.Username, FixtureUsers.Plain.Password, csrf: false);
        await Visitor.HtmlAsync(form, HttpStatusCode.Forbidden);
        Assert.False(await browser.SignedInAsync());

        using HttpResponseMessage forged = await api.SubmitAsync(
            "login",
            new Dictionary<string, string> { ["username"] = FixtureUsers.Plain.Username, ["password"] = FixtureUsers.Plain.Password },
            token: "not-the-token");
        await Visitor.ErrorAsync(forged, HttpStatusCode.Forbidden, "csrf_failed");

        await api.SignInAsync(FixtureUsers.Plain);
        using HttpResponseMessage logout = await api.LogoutAsync(csrf: false);
        await Visitor.ErrorAsync(logout, HttpStatusCode.Forbidden, "csrf_failed");
        Assert.True(await api.SignedInAsync());
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("\\\\evil.example/")]
    [InlineData("http:evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("evil.example")]
    public async Task S09_Unsafe_Next_Is_Not_Followed(string next)
    {
        using HttpResponseMessage response = await Browser().SignInAsync(FixtureUsers.Plain, next);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task S10_Session_Cookie_Changes_At_Login()
    {
        Visitor browser = Browser();
        using HttpResponseMessage first = await browser.SignInAsync(FixtureUsers.Plain);
        string before = Visitor.CookieValue(Assert.IsType<string>(Visitor.SessionCookie(first)));
        using HttpResponseMessage second = await browser.SignInAsync(FixtureUsers.Plain);
        string after = Visitor.CookieValue(Assert.IsType<string>(Visitor.SessionCookie(second)));
        Assert.NotEqual(before, after);

        Visitor replay = app.Factory.NewBareVisitor(browser: false);
        replay.Cookies = AcmeDefaults.CookieName + "=" + before;
        Assert.False(await replay.SignedInAsync());
    }

    [FakeTheory]
    [InlineData("""{"operation": "login", "status": 503}""")]
    [InlineData("""{"operation": "login", "status": 500}""")]
    [InlineData("""{"operation": "login", "drop": true}""")]
    [InlineData("""{"operation": "login", "delay": 3.5, "times": 1}""")]
    [InlineData("""{"operation": "get_user", "status": 503}""")]
    public async Task S11_Service_Down_Gives_503_And_No_Session(string fault)
    {
        await app.Fake.FaultAsync(fault);
        Visitor api = Api();
        using HttpResponseMessage response = await api.LoginAsync(FixtureUsers.Plain.Username, FixtureUsers.Plain.Password);
        await Visitor.ErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.Null(Visitor.SessionCookie(response));
        Assert.False(await api.SignedInAsync());
    }

    [FakeFact]
    public async Task S11_Service_Down_Gives_Browsers_A_503_Page()
    {
        await app.Fake.FaultAsync("""{"operation": "login", "status": 503}""");
        Visitor browser = Browser();
        using HttpResponseMessage response = await browser.LoginAsync(FixtureUsers.Plain.Username, FixtureUsers.Plain.Password);
        await Visitor.HtmlAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.False(await browser.SignedInAsync());
    }

    [FakeFact]
    public async Task S12_No_Service_Calls_Within_Ttl_One_After()
    {
        Visitor api = Api();
        await api.SignInAsync(FixtureUsers.Plain);
        int login = await app.Fake.CountAsync("login");
        int getUser = await app.Fake.CountAsync("get_user");
        for (int i = 0; i < 5; i++)
        {
            Assert.True(await api.SignedInAsync());
            using HttpResponseMessage home = await api.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        }

        Assert.Equal(login, await app.Fake.CountAsync("login"));
        Assert.Equal(getUser, await app.Fake.CountAsync("get_user"));

        app.Factory.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        for (int i = 0; i < 5; i++)
        {
            Assert.True(await api.SignedInAsync());
        }

        Assert.Equal(getUser + 1, await app.Fake.CountAsync("get_user"));
    }

    [FakeFact]
    public async Task S12_Service_Down_At_Refresh_Fails_Closed()
    {
        Visitor api = Api();
        await api.SignInAsync(FixtureUsers.Plain);
        await app.Fake.FaultAsync("""{"operation": "get_user", "status": 503}""");
        app.Factory.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        using HttpResponseMessage response = await api.MeAsync();
        await Visitor.ErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        using HttpResponseMessage home = await api.GetAsync("/");
        await Visitor.ErrorAsync(home, HttpStatusCode.ServiceUnavailable, "service_unavailable");
    }

    [Fact]
    public async Task S13_Disabled_User_Cannot_Log_In()
    {
        FixtureUser disabled = FixtureUsers.Disabled;
        Visitor api = Api();
        using HttpResponseMessage response = await api.LoginAsync(disabled.Username, disabled.Password);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            await Visitor.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_credentials");
        }
        else
        {
            await Visitor.ErrorAsync(response, HttpStatusCode.Forbidden, "account_disabled");
        }

        Assert.False(await api.SignedInAsync());
    }

    [FakeTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S13_User_Disabled_Or_Deleted_At_Service_Is_Signed_Out_At_Refresh(bool delete)
    {
        Visitor api = Api();
        await api.SignInAsync(FixtureUsers.Plain);
        await (delete ? app.Fake.DeleteAsync(FixtureUsers.Plain.Key) : app.Fake.DisableAsync(FixtureUsers.Plain.Key));
        Assert.True(await api.SignedInAsync());
        app.Factory.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        using HttpResponseMessage response = await api.MeAsync();
        await Visitor.ErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task S14_Register_Creates_An_Account()
    {
        string email = $"smoke-{Guid.NewGuid():N}@example.com";
        const string Password = "Smoke-pass-1 +&%";
        Dictionary<string, string> fields = new()
        {
            ["email"] = email,
            ["password"] = Password,
            ["first_name"] = "Smoke",
            ["last_name"] = "Smoke",
        };
        Visitor api = Api();
        using HttpResponseMessage created = await api.SubmitAsync("register", fields);
        JsonNode body = await Visitor.JsonAsync(created, HttpStatusCode.Created);
        Assert.Equal("registered", (string?)body["status"]);

        using HttpResponseMessage login = await Api().LoginAsync(fields["email"], Password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        using HttpResponseMessage again = await Api().SubmitAsync("register", fields);
        await Visitor.ErrorAsync(again, HttpStatusCode.Conflict, "conflict");

        fields["email"] = $"smoke-{Guid.NewGuid():N}@example.com";
        using HttpResponseMessage page = await Browser().SubmitAsync("register", fields);
        Assert.Equal(HttpStatusCode.SeeOther, page.StatusCode);
        // the login page then says the account is ready
        Assert.Equal(Visitor.Prefix + "/login?registered=1", page.Headers.Location?.OriginalString);
    }

    [FakeFact]
    public async Task S15_Forgot_Password_Answers_The_Same_For_Known_And_Unknown()
    {
        Dictionary<string, string> known = new()
        {
            ["email"] = "user@example.com",
        };
        Dictionary<string, string> unknown = known.Keys.ToDictionary(name => name, name => "nobody-smoke@example.invalid");

        using HttpResponseMessage knownJson = await Api().SubmitAsync("forgot", known);
        using HttpResponseMessage unknownJson = await Api().SubmitAsync("forgot", unknown);
        JsonNode knownBody = await Visitor.JsonAsync(knownJson, HttpStatusCode.Accepted);
        JsonNode unknownBody = await Visitor.JsonAsync(unknownJson, HttpStatusCode.Accepted);
        Assert.Equal("sent", (string?)knownBody["status"]);
        JsonAssert.Equivalent(knownBody, unknownBody);
        Assert.True(await app.Fake.CountAsync("forgot_password") >= 1);

        using HttpResponseMessage knownPage = await Browser().SubmitAsync("forgot", known);
        using HttpResponseMessage unknownPage = await Browser().SubmitAsync("forgot", unknown);
        Assert.Equal(
            Comparable(await Visitor.HtmlAsync(knownPage, HttpStatusCode.OK)),
            Comparable(await Visitor.HtmlAsync(unknownPage, HttpStatusCode.OK)));
    }

    [Fact]
    public async Task S16_Password_Never_Appears_In_Logs()
    {
        await Api().SignInAsync(FixtureUsers.Plain);
        await Browser().SignInAsync(FixtureUsers.Administrator);
        using HttpResponseMessage wrong = await Api().LoginAsync(FixtureUsers.Plain.Username, "wrong-" + FixtureUsers.Plain.Password);
        Assert.NotEmpty(app.Factory.Logs.Lines);
        foreach (string line in app.Factory.Logs.Lines)
        {
            Assert.DoesNotContain(FixtureUsers.Plain.Password, line, StringComparison.Ordinal);
            Assert.DoesNotContain(FixtureUsers.Administrator.Password, line, StringComparison.Ordinal);
        }
    }

    [FakeFact]
    public async Task S17_No_Service_Token_Readable_In_Cookies()
    {
        Visitor api = Api();
        using HttpResponseMessage response = await api.SignInAsync(FixtureUsers.Plain);
        string text = await response.Content.ReadAsStringAsync();
        List<string> cookies = Visitor.SetCookies(response).Select(Visitor.CookieValue).ToList();
        IReadOnlyList<string> issued = await app.Fake.IssuedAsync();
        Assert.NotEmpty(issued);
        foreach (string value in issued)
        {
            Assert.DoesNotContain(value, text, StringComparison.Ordinal);
            foreach (string cookie in cookies)
            {
                Assert.DoesNotContain(value, cookie, StringComparison.Ordinal);
                Assert.DoesNotContain(value, Uri.UnescapeDataString(cookie), StringComparison.Ordinal);
            }
        }
    }

    /// <summary>A page without what may differ between two requests: form inputs and meta tags.</summary>
    private static string Comparable(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "<(input|meta)\\b[^>]*>", "<$1>");
}
