using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Xunit;

namespace Acme.AspNetCore.Tests;

/// <summary>
/// The failed sign-in throttle, each test on an app of its own configured the way the conformance kit
/// configures the example: by the <c>ACME_LOGIN_LIMIT_*</c> environment variables.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ThrottleTests(AppFixture app) : IAsyncLifetime
{
    private const string Window = "60";
    private const string Message = "Too many failed sign-in attempts. Try again later.";

    /// <inheritdoc />
    public Task InitializeAsync() => app.Fake.ResetAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Per_Account_Limit_Answers_429_With_Retry_After()
    {
        await using AppFactory factory = app.NewFactory(Limits(perAccount: 3));
        Visitor api = factory.NewVisitor(browser: false);
        await FailAsync(api, FixtureUsers.Plain.Username, 3);

        using HttpResponseMessage refused = await api.LoginAsync(FixtureUsers.Plain.Username, "wrong-again");
        await AssertTooManyAsync(refused);

        using HttpResponseMessage variant = await api.LoginAsync("  " + FixtureUsers.Plain.Username.ToUpperInvariant() + " ", "wrong");
        await AssertTooManyAsync(variant);

        using HttpResponseMessage page = await factory.NewVisitor(browser: true).LoginAsync(FixtureUsers.Plain.Username, "wrong");
        string html = await Visitor.HtmlAsync(page, HttpStatusCode.TooManyRequests);
        Assert.Contains(Message, html, StringComparison.Ordinal);
        Assert.NotNull(page.Headers.RetryAfter?.Delta);

        using HttpResponseMessage other = await factory.NewVisitor(browser: false).LoginAsync(FixtureUsers.Administrator.Username, FixtureUsers.Administrator.Password);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Known_And_Unknown_Usernames_Are_Throttled_Alike()
    {
        await using AppFactory factory = app.NewFactory(Limits(perAccount: 2));
        List<(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)> answers = [];
        foreach (string username in new[] { FixtureUsers.Plain.Username, "nobody-throttle@example.invalid" })
        {
            Visitor api = factory.NewVisitor(browser: false);
            await FailAsync(api, username, 2);
            using HttpResponseMessage refused = await api.LoginAsync(username, "wrong-again");
            answers.Add((refused.StatusCode, await refused.Content.ReadAsStringAsync(), refused.Headers.RetryAfter?.Delta));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, answers[0].Status);
        Assert.Equal(answers[0], answers[1]);
    }

    [Fact]
    public async Task Correct_Password_During_Lockout_Is_Refused_Without_Asking_The_Service()
    {
        await using AppFactory factory = app.NewFactory(Limits(perAccount: 2));
        Visitor api = factory.NewVisitor(browser: false);
        await FailAsync(api, FixtureUsers.Plain.Username, 2);
        int logins = await app.Fake.CountAsync("login");
        int users = await app.Fake.CountAsync("get_user");

        using HttpResponseMessage refused = await api.LoginAsync(FixtureUsers.Plain.Username, FixtureUsers.Plain.Password);
        await AssertTooManyAsync(refused);
        Assert.Null(Visitor.SessionCookie(refused));
        Assert.False(await api.SignedInAsync());
        Assert.Equal(logins, await app.Fake.CountAsync("login"));
        Assert.Equal(users, await app.Fake.CountAsync("get_user"));
    }

    [Fact]
    public async Task Success_Clears_The_Count_Of_The_Username()
    {
        await using AppFactory factory = app.NewFactory(Limits(perAccount: 3));
        Visitor api = factory.NewVisitor(browser: false);
        await FailAsync(api, FixtureUsers.Plain.Username, 2);
        await api.SignInAsync(FixtureUsers.Plain);

        // Without the clearing these would be failures 3 and 4 of 3, and the second would be a 429.
        await FailAsync(factory.NewVisitor(browser: false), FixtureUsers.Plain.Username, 2);
        await factory.NewVisitor(browser: false).SignInAsync(FixtureUsers.Plain);
    }

    [Fact]
    public async Task Service_Down_Counts_For_Nothing()
    {
        await using AppFactory factory = app.NewFactory(Limits(perAccount: 1));
        await app.Fake.FaultAsync("""{"operation": "login", "status": 503}""");
        Visitor api = factory.NewVisitor(browser: false);
        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage down = await api.LoginAsync(FixtureUsers.Plain.Username, FixtureUsers.Plain.Password);
            await Visitor.ErrorAsync(down, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        }

        await app.Fake.ResetAsync();
        await api.SignInAsync(FixtureUsers.Plain);
    }

    [Fact]
    public async Task Per_Client_Limit_Counts_Every_Username_From_One_Address()
    {
        await using AppFactory factory = app.NewFactory(Limits(perClient: 3));
        Visitor first = factory.NewVisitor(browser: false);
        first.ClientAddress = "203.0.113.7";
        await FailAsync(first, "nobody-1@example.invalid", 1);
        await FailAsync(first, "nobody-2@example.invalid", 1);

        // A success clears the count of its username, not of its address: the next failure is the third.
        await first.SignInAsync(FixtureUsers.Plain);
        await FailAsync(first, "nobody-3@example.invalid", 1);

        Visitor again = factory.NewVisitor(browser: false);
        again.ClientAddress = first.ClientAddress;
        using HttpResponseMessage refused = await again.LoginAsync(FixtureUsers.Administrator.Username, FixtureUsers.Administrator.Password);
        await AssertTooManyAsync(refused);

        Visitor elsewhere = factory.NewVisitor(browser: false);
        elsewhere.ClientAddress = "203.0.113.8";
        await elsewhere.SignInAsync(FixtureUsers.Administrator);
    }

    /// <summary>The throttle's settings, as the environment variables the kit sets.</summary>
    private static Dictionary<string, string> Limits(int perAccount = 0, int perClient = 0) => new()
    {
        ["ACME_LOGIN_LIMIT_PER_ACCOUNT"] = perAccount.ToString(CultureInfo.InvariantCulture),
        ["ACME_LOGIN_LIMIT_PER_CLIENT"] = perClient.ToString(CultureInfo.InvariantCulture),
        ["ACME_LOGIN_LIMIT_WINDOW"] = Window,
    };

    /// <summary>Sign in with a wrong password <paramref name="times"/> times; each must be refused as such.</summary>
    private static async Task FailAsync(Visitor visitor, string username, int times)
    {
        for (int i = 0; i < times; i++)
        {
            using HttpResponseMessage wrong = await visitor.LoginAsync(username, $"wrong-{i}");
            await Visitor.ErrorAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        }
    }

    /// <summary>The contract's 429: its error body, and <c>Retry-After</c> in whole seconds from 1 to the window.</summary>
    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        string message = await Visitor.ErrorAsync(response, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.Equal(Message, message);
        string retryAfter = Assert.Single(response.Headers.GetValues("Retry-After"));
        Assert.Matches("^[0-9]+$", retryAfter);
        Assert.InRange(int.Parse(retryAfter, CultureInfo.InvariantCulture), 1, int.Parse(Window, CultureInfo.InvariantCulture));
    }
}
