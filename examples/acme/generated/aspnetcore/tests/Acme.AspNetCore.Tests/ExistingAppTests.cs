using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Xunit;

namespace Acme.AspNetCore.Tests;

/// <summary>
/// The integration added to an application that already exists: its own form route (without an antiforgery
/// token), its own middleware and its own error answers keep working unchanged, and the integration works inside it.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ExistingAppTests(AppFixture app) : IAsyncLifetime
{
    /// <inheritdoc />
    public Task InitializeAsync() => app.ResetAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    [FakeFact]
    public async Task Existing_App_Keeps_Its_Own_Routes_Middleware_And_Errors()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        foreach (KeyValuePair<string, string> setting in AppFactory.Settings(app.Fake.Url))
        {
            builder.Configuration[setting.Key] = setting.Value;
        }

        builder.Services.AddAcmeAuthentication();
        await using WebApplication existing = builder.Build();
        existing.Use(async (context, next) =>
        {
            context.Response.Headers["X-Existing-App"] = "yes";
            await next(context);
        });
        existing.MapPost("/orders", async (HttpContext context) =>
        {
            IFormCollection form = await context.Request.ReadFormAsync();
            return Results.Text($"ordered {form["item"]}", statusCode: StatusCodes.Status201Created);
        });
        existing.MapGet("/boom", IResult () => throw new InvalidOperationException("the app's own failure"));
        existing.MapAcmeAuth();
        await existing.StartAsync();

        TestServer server = existing.GetTestServer();
        HttpClient plain = server.CreateClient();
        using HttpResponseMessage order = await plain.PostAsync("/orders", new FormUrlEncodedContent([new("item", "tea")]));
        Assert.Equal(HttpStatusCode.Created, order.StatusCode);
        Assert.Equal("ordered tea", await order.Content.ReadAsStringAsync());
        Assert.Equal("yes", Assert.Single(order.Headers.GetValues("X-Existing-App")));

        // No middleware of the integration's unless the app asks (UseAcmeErrorHandling): the app's own 500 stays as it was.
        using HttpResponseMessage boom = await plain.GetAsync("/boom");
        Assert.Equal(HttpStatusCode.InternalServerError, boom.StatusCode);
        Assert.Null(boom.Content.Headers.ContentType);

        Visitor visitor = new(new HttpClient(new CookieContainerHandler(new CookieContainer()) { InnerHandler = server.CreateHandler() })
        {
            BaseAddress = server.BaseAddress,
        }, browser: false);
        await visitor.SignInAsync(FixtureUsers.Plain);
        using HttpResponseMessage me = await visitor.MeAsync();
        FixtureUsers.Plain.AssertMe(await Visitor.JsonAsync(me, HttpStatusCode.OK));
        await existing.StopAsync();
    }
}
