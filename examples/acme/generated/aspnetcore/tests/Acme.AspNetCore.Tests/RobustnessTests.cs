using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace Acme.AspNetCore.Tests;

/// <summary>
/// What an outside attack tried on the other targets: over-long <c>next</c>, the Accept headers of
/// common HTTP clients, a CSRF token in the query string, hostile JSON, unexpected errors, odd
/// <c>Accept</c> values. No answer may redirect an API client, accept a forged form, or show a stack trace.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class RobustnessTests(AppFixture app) : IAsyncLifetime
{
    private const string AdminPath = "/admin";

    /// <summary>Accept headers of common HTTP clients that ask for JSON first.</summary>
    public static TheoryData<string> ApiClientAccepts => new()
    {
        "application/json, text/plain, */*",                 // axios
        "application/json, text/javascript, */*; q=0.01",    // jQuery getJSON
    };

    /// <inheritdoc />
    public Task InitializeAsync() => app.Fake.ResetAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(2048, true)]
    [InlineData(2049, false)]
    [InlineData(10_000, false)]
    public async Task Next_Longer_Than_2048_Characters_Is_Dropped(int length, bool followed)
    {
        string next = "/" + new string('n', length - 1);
        using HttpResponseMessage response = await app.Factory.NewVisitor(browser: true).SignInAsync(FixtureUsers.Plain, next);
        Assert.Equal(followed ? next : "/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Over_Long_Path_Is_Not_Sent_To_The_Login_Page_As_Next()
    {
        using HttpResponseMessage response = await app.Factory.NewVisitor(browser: true).GetAsync("/?q=" + new string('q', 3000));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Visitor.Prefix + "/login", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [MemberData(nameof(ApiClientAccepts))]
    public async Task Api_Client_Accept_Headers_Get_Json_Never_A_Redirect(string accept)
    {
        Visitor anonymous = app.Factory.NewVisitor(browser: false);
        foreach (string path in new[] { "/", AdminPath })
        {
            using HttpResponseMessage response = await anonymous.GetAsync(path, accept);
            await Visitor.ErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        }

        Visitor user = app.Factory.NewVisitor(browser: false);
        await user.SignInAsync(FixtureUsers.Plain);
        using HttpResponseMessage forbidden = await user.GetAsync(AdminPath, accept);
        await Visitor.ErrorAsync(forbidden, HttpStatusCode.Forbidden, "forbidden");
        using HttpResponseMessage home = await user.GetAsync("/", accept);
        JsonNode body = await Visitor.JsonAsync(home, HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty((string?)body["message"]));
    }

    [Fact]
    public async Task Csrf_Token_In_The_Query_String_Is_Refused()
    {
        Visitor browser = app.Factory.NewVisitor(browser: true);
        (string token, _, string field) = await browser.CsrfAsync();
        foreach (string accept in new[] { "text/html", "application/json" })
        {
            HttpRequestMessage request = new(HttpMethod.Post, $"{Visitor.Prefix}/login?{field}={Uri.EscapeDataString(token)}")
            {
                Content = new FormUrlEncodedContent(new[]
                {
                    new KeyValuePair<string?, string?>("username", FixtureUsers.Plain.Username),
                    new KeyValuePair<string?, string?>("password", FixtureUsers.Plain.Password),
                }),
            };
            using HttpResponseMessage response = await browser.SendAsync(request, accept);
            if (accept == "text/html")
            {
                await Visitor.HtmlAsync(response, HttpStatusCode.Forbidden);
            }
            else
            {
                await Visitor.ErrorAsync(response, HttpStatusCode.Forbidden, "csrf_failed");
            }
        }

        Assert.False(await browser.SignedInAsync());
        Assert.Equal(0, await app.Fake.CountAsync("login"));
    }

    [Theory]
    [InlineData("array")]
    [InlineData("object")]
    public async Task Json_Nested_10000_Deep_Is_400_Invalid_Input(string shape)
    {
        const int Depth = 10_000;
        string json = shape == "array"
            ? new string('[', Depth) + new string(']', Depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", Depth)) + "1" + new string('}', Depth);
        Visitor api = app.Factory.NewVisitor(browser: false);
        using HttpResponseMessage response = await api.PostJsonAsync("login", json);
        await Visitor.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_input");
    }

    [Fact]
    public async Task Json_Body_Over_64_KiB_Is_400_Invalid_Input()
    {
        JsonObject body = new()
        {
            ["username"] = FixtureUsers.Plain.Username,
            ["password"] = FixtureUsers.Plain.Password,
            ["padding"] = new string('p', 100_000),
        };
        Visitor api = app.Factory.NewVisitor(browser: false);
        using HttpResponseMessage response = await api.PostJsonAsync("login", body.ToJsonString());
        await Visitor.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_input");
        Assert.False(await api.SignedInAsync());
    }

    [Theory]
    [InlineData("/")]
    [InlineData(AdminPath)]
    [InlineData(Visitor.Prefix + "/login")]
    public async Task Accept_Image_Png_Gets_406_Without_A_Trace(string path)
    {
        Visitor admin = app.Factory.NewVisitor(browser: true);
        await admin.SignInAsync(FixtureUsers.Administrator);
        using HttpResponseMessage response = await admin.GetAsync(path, "image/png");
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        AssertNoDetails(await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Production", false)]
    [InlineData("Production", true)]
    [InlineData("Development", false)]
    [InlineData("Development", true)]
    public async Task Unexpected_Error_Is_A_500_In_The_Error_Shape_Without_Details(string environment, bool browser)
    {
        await using AppFactory factory = app.NewFactory(new Dictionary<string, string>(), environment);
        Visitor visitor = factory.NewVisitor(browser);
        await visitor.CsrfAsync(); // start the app before its clock breaks
        factory.Clock.Broken = true;
        try
        {
            using HttpResponseMessage response = await visitor.LoginAsync(FixtureUsers.Plain.Username, FixtureUsers.Plain.Password);
            if (browser)
            {
                AssertNoDetails(await Visitor.HtmlAsync(response, HttpStatusCode.InternalServerError));
            }
            else
            {
                await Visitor.ErrorAsync(response, HttpStatusCode.InternalServerError, "failed");
                AssertNoDetails(await response.Content.ReadAsStringAsync());
            }

            Assert.Null(Visitor.SessionCookie(response));
        }
        finally
        {
            factory.Clock.Broken = false;
        }

        Assert.Contains(factory.Logs.Lines, line => line.Contains(ManualClock.BrokenMessage, StringComparison.Ordinal));
    }

    [Fact]
    public void User_Record_Without_A_Required_Field_Is_502_Failed_Naming_The_Operation_And_Field()
    {
        using JsonDocument empty = JsonDocument.Parse("{}");
        AcmeException error = Assert.ThrowsAny<AcmeException>(() => AcmeUser.FromRecord(empty.RootElement));
        Assert.Equal((AcmeErrorKind.Failed, 502, "failed"), (error.Kind, error.StatusCode, error.Code));
        Assert.StartsWith("get_user: the user record has no value at /", error.Message, StringComparison.Ordinal);
        Assert.Equal("The identity service answered something unexpected.", error.PublicMessage);
    }

    /// <summary>Nothing of an exception: its type, message, stack frames or source files.</summary>
    private static void AssertNoDetails(string body)
    {
        foreach (string detail in new[] { "Exception", ManualClock.BrokenMessage, "   at ", ".cs:line", "Acme.AspNetCore." })
        {
            Assert.DoesNotContain(detail, body, StringComparison.Ordinal);
        }
    }
}
