using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace Acme.AspNetCore.Tests;

/// <summary>Settings are checked when the app starts, with messages that name what to fix.</summary>
public sealed class StartupTests
{
    [Fact]
    public void Missing_Setting_Stops_Start_Up_Naming_It()
    {
        using BrokenSettingsFactory factory = new("Acme:ApiKey", string.Empty);
        Exception error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        string messages = Messages(error);
        Assert.Contains("Acme:ApiKey", messages, StringComparison.Ordinal);
        Assert.Contains("ACME_API_KEY", messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ACME_LOGIN_LIMIT_PER_ACCOUNT", "-1")]
    [InlineData("ACME_LOGIN_LIMIT_PER_CLIENT", "many")]
    [InlineData("ACME_LOGIN_LIMIT_WINDOW", "soon")]
    [InlineData("Acme:LoginLimitPerAccount", "-1")]
    [InlineData("Acme:LoginLimitWindow", "00:00:00")]
    public void Invalid_Login_Limit_Stops_Start_Up_Naming_It(string key, string value)
    {
        using BrokenSettingsFactory factory = new(key, value);
        Exception error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains(key, Messages(error), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/admin?tab=1", "/admin?tab=1")]
    [InlineData("//evil.example", null)]
    [InlineData("/\\evil.example", null)]
    [InlineData("https://evil.example", null)]
    [InlineData("/ok\tpath", null)]
    [InlineData("", null)]
    public void Next_Is_Followed_Only_Within_The_Site(string next, string? expected)
    {
        Assert.Equal(expected, AcmeEndpoints.SafeNext(next));
    }

    private static string Messages(Exception error)
    {
        StringBuilder text = new();
        Stack<Exception> pending = new();
        pending.Push(error);
        while (pending.Count > 0)
        {
            Exception current = pending.Pop();
            text.AppendLine(current.Message);
            if (current is AggregateException aggregate)
            {
                foreach (Exception inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is not null)
            {
                pending.Push(current.InnerException);
            }
        }

        return text.ToString();
    }

    private sealed class BrokenSettingsFactory(string key, string value) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (KeyValuePair<string, string> setting in AppFactory.Settings("http://127.0.0.1:9"))
            {
                builder.UseSetting(setting.Key, setting.Value);
            }

            builder.UseSetting(key, value);
        }
    }
}
