{% set N = cookiecutter.class_name -%}
{% set required = cookiecutter.settings | selectattr("required") | list -%}
using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace {{ cookiecutter.namespace }}.Tests;

/// <summary>Settings are checked when the app starts, with messages that name what to fix.</summary>
public sealed class StartupTests
{
    [Fact]
    public void Missing_Setting_Stops_Start_Up_Naming_It()
    {
{%- if required %}
        using BrokenSettingsFactory factory = new("{{ N }}:{{ required[0].prop }}", string.Empty);
{%- else %}
        using BrokenSettingsFactory factory = new("{{ N }}:BaseUrl", "not a URL");
{%- endif %}
        Exception error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        string messages = Messages(error);
{%- if required %}
        Assert.Contains("{{ N }}:{{ required[0].prop }}", messages, StringComparison.Ordinal);
        Assert.Contains({{ required[0].env | cs }}, messages, StringComparison.Ordinal);
{%- else %}
        Assert.Contains("{{ N }}:BaseUrl", messages, StringComparison.Ordinal);
{%- endif %}
    }

{%- if not cookiecutter.is_oidc %}

    [Theory]
    [InlineData("{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_ACCOUNT", "-1")]
    [InlineData("{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_CLIENT", "many")]
    [InlineData("{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_WINDOW", "soon")]
    [InlineData("{{ N }}:LoginLimitPerAccount", "-1")]
    [InlineData("{{ N }}:LoginLimitWindow", "00:00:00")]
    public void Invalid_Login_Limit_Stops_Start_Up_Naming_It(string key, string value)
    {
        using BrokenSettingsFactory factory = new(key, value);
        Exception error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains(key, Messages(error), StringComparison.Ordinal);
    }
{%- endif %}

    [Theory]
    [InlineData("{{ cookiecutter.config_prefix }}_REDIS_URL", "localhost:6379")]
    [InlineData("{{ cookiecutter.config_prefix }}_REDIS_URL", "http://redis.example:6379/0")]
    [InlineData("{{ N }}:RedisUrl", "redis://redis.example:6379/zero")]
    public void Invalid_Redis_Url_Stops_Start_Up_Naming_It(string key, string value)
    {
        using BrokenSettingsFactory factory = new(key, value);
        Exception error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("{{ N }}:RedisUrl", Messages(error), StringComparison.Ordinal);
    }

    [Fact]
    public void Redis_Password_Is_Not_Repeated_In_The_Start_Up_Error()
    {
        using BrokenSettingsFactory factory = new("{{ N }}:RedisUrl", "redis://:sekrit-pass@redis.example:6379/zero");
        Exception error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        string messages = Messages(error);
        Assert.Contains("{{ N }}:RedisUrl", messages, StringComparison.Ordinal);
        Assert.DoesNotContain("sekrit-pass", messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redis://127.0.0.1:6390/2", "127.0.0.1", 6390, 2, null, false)]
    [InlineData("redis://redis.internal", "redis.internal", 6379, 0, null, false)]
    [InlineData("rediss://:p%40ss@cache.example:6380/0", "cache.example", 6380, 0, "p@ss", true)]
    public void Redis_Url_Becomes_The_Connection_Settings(string url, string host, int port, int database, string? password, bool tls)
    {
        Assert.True({{ N }}Redis.TryParseUrl(url, out StackExchange.Redis.ConfigurationOptions? configuration));
        (string, int) endPoint = Assert.Single(configuration.EndPoints) switch
        {
            System.Net.DnsEndPoint name => (name.Host, name.Port),
            System.Net.IPEndPoint address => (address.Address.ToString(), address.Port),
            System.Net.EndPoint other => (other.ToString() ?? string.Empty, 0),
        };
        Assert.Equal((host, port), endPoint);
        Assert.Equal(database, configuration.DefaultDatabase);
        Assert.Equal(password, configuration.Password);
        Assert.Equal(tls, configuration.Ssl);
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
        Assert.Equal(expected, {{ N }}Endpoints.SafeNext(next));
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
