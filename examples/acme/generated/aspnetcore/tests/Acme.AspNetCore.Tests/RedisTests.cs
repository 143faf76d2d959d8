using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using StackExchange.Redis;
using Xunit;

namespace Acme.AspNetCore.Tests;

/// <summary>
/// Several instances of the example app on one Redis (<c>Acme:RedisUrl</c>), the way a site behind a load
/// balancer runs: a client that alternates instances keeps one session, and a sign-out on one instance holds
/// on every other, across restarts. Without the setting, each instance keeps its own sessions.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class RedisTests(AppFixture app) : IAsyncLifetime
{
    private RedisServer? _redis;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        if (RedisServer.Executable is not null && RealService.Url is null)
        {
            _redis = await RedisServer.StartAsync();
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [RedisFact]
    public async Task Two_Instances_Share_Sessions_And_The_Cached_User()
    {
        await using AppFactory a = Instance();
        await using AppFactory b = Instance();
        CookieContainer jar = new();
        Visitor onA = Client(a, jar);
        Visitor onB = Client(b, jar);

        await onA.SignInAsync(FixtureUsers.Plain);
        int getUser = await app.Fake.CountAsync("get_user");
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage me = await (i % 2 == 0 ? onB : onA).MeAsync();
            FixtureUsers.Plain.AssertMe(await Visitor.JsonAsync(me, HttpStatusCode.OK));
        }

        Assert.Equal(getUser, await app.Fake.CountAsync("get_user"));
        Assert.True(await DataProtectionKeysAsync() > 0, "the Data Protection key ring is not in Redis");
    }

    [RedisFact]
    public async Task Signed_Out_On_One_Instance_Is_Refused_By_The_Other_Also_After_A_Restart()
    {
        AppFactory a = Instance();
        await using AppFactory b = Instance();
        CookieContainer jar = new();
        CookieContainer otherJar = new();
        Visitor onA = Client(a, jar);
        await onA.SignInAsync(FixtureUsers.Plain);
        await Client(a, otherJar).SignInAsync(FixtureUsers.Administrator);
        string session = Assert.IsType<Cookie>(jar.GetCookies(new Uri("http://localhost/"))[AcmeDefaults.CookieName]).Value;

        using HttpResponseMessage logout = await Client(b, jar).LogoutAsync();
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.False(await Replay(a, session).SignedInAsync());

        await a.DisposeAsync();
        await using AppFactory restarted = Instance();
        Assert.False(await Replay(restarted, session).SignedInAsync());
        Assert.True(await Client(restarted, otherJar).SignedInAsync(), "a session still signed in did not survive the restart");
    }

    [RedisFact]
    public async Task S18_Requests_On_Two_Instances_After_Expiry_Cause_One_Refresh()
    {
        await using AppFactory a = Instance();
        await using AppFactory b = Instance();
        CookieContainer jar = new();
        Visitor onA = Client(a, jar);
        Visitor onB = Client(b, jar);
        await onA.SignInAsync(FixtureUsers.Plain);
        await app.Fake.ExpireTokensAsync(FixtureUsers.Plain.Key);
        TimeSpan pastTtl = TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1);
        a.Clock.Advance(pastTtl);
        b.Clock.Advance(pastTtl);
        int refreshes = await app.Fake.CountAsync("refresh");

        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? onA : onB).MeAsync()));
        foreach (HttpResponseMessage answer in answers)
        {
            using (answer)
            {
                FixtureUsers.Plain.AssertMe(await Visitor.JsonAsync(answer, HttpStatusCode.OK));
            }
        }

        Assert.Equal(refreshes + 1, await app.Fake.CountAsync("refresh"));
    }

    [FakeFact]
    public async Task Without_Redis_Each_Instance_Keeps_Its_Own_Sessions()
    {
        await using AppFactory a = app.NewFactory(new Dictionary<string, string>());
        await using AppFactory b = app.NewFactory(new Dictionary<string, string>());
        CookieContainer jar = new();
        await Client(a, jar).SignInAsync(FixtureUsers.Plain);
        Assert.True(await Client(a, jar).SignedInAsync());
        Assert.False(await Client(b, jar).SignedInAsync());
    }

    private AppFactory Instance() =>
        app.NewFactory(new Dictionary<string, string> { ["Acme:RedisUrl"] = _redis!.Url });

    /// <summary>An API client of one instance whose cookies live in <paramref name="jar"/>, shared with other instances' clients.</summary>
    private static Visitor Client(AppFactory instance, CookieContainer jar) =>
        new(instance.CreateDefaultClient(new CookieContainerHandler(jar)), browser: false);

    private static Visitor Replay(AppFactory instance, string session)
    {
        Visitor replay = instance.NewBareVisitor(browser: false);
        replay.Cookies = AcmeDefaults.CookieName + "=" + session;
        return replay;
    }

    private async Task<long> DataProtectionKeysAsync()
    {
        Assert.True(AcmeRedis.TryParseUrl(_redis!.Url, out ConfigurationOptions? configuration));
        await using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        return await connection.GetDatabase().ListLengthAsync(AcmeRedis.DataProtectionKey);
    }
}
