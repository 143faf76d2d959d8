using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Acme.AspNetCore;

/// <summary>
/// The Redis that <see cref="AcmeOptions.RedisUrl"/> names, when it is set: one connection, shared by the
/// session store (a <c>RedisCache</c>), the Data Protection keys and the refresh lock. It connects on
/// first use and reconnects by itself; while Redis is unreachable, requests that need a session fail.
/// </summary>
internal sealed class AcmeRedis : IDisposable
{
    /// <summary>The prefix of every key the integration writes to Redis.</summary>
    public const string KeyPrefix = "acme:";

    /// <summary>The Redis key holding the Data Protection key ring, shared by every instance.</summary>
    public const string DataProtectionKey = KeyPrefix + "data-protection-keys";

    private readonly Lazy<ConnectionMultiplexer>? _connection;
    private readonly RedisCache? _cache;

    /// <summary>Prepare the connection (nothing connects yet) when a Redis URL is configured.</summary>
    public AcmeRedis(IOptions<AcmeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AcmeOptions settings = options.Value;
        if (settings.RedisUrl is null || !TryParseUrl(settings.RedisUrl, out ConfigurationOptions? parsed))
        {
            return;
        }

        ConfigurationOptions configuration = parsed;
        configuration.ConnectTimeout = (int)settings.Timeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)settings.Timeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)settings.Timeout.TotalMilliseconds;
        Lazy<ConnectionMultiplexer> connection = new(() => ConnectionMultiplexer.Connect(configuration));
        _connection = connection;
        _cache = new RedisCache(new RedisCacheOptions
        {
            InstanceName = KeyPrefix,
            ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(connection.Value),
        });
    }

    /// <summary>Whether a Redis is configured.</summary>
    public bool Enabled => _connection is not null;

    /// <summary>The session store's cache in Redis, or null when no Redis is configured.</summary>
    public IDistributedCache? Cache => _cache;

    /// <summary>The Redis database, for the lock and the Data Protection keys.</summary>
    /// <exception cref="InvalidOperationException">No Redis is configured.</exception>
    public IDatabase Database => (_connection ?? throw new InvalidOperationException("no Redis is configured")).Value.GetDatabase();

    /// <summary>
    /// Read a <c>redis://</c> or <c>rediss://</c> URL: host, port (6379 unless given), the password (and user)
    /// before <c>@</c>, the database number as the path. StackExchange.Redis reads only its own
    /// <c>host:port,option=value</c> syntax, while every other target (and Redis's own tools) take URLs.
    /// </summary>
    public static bool TryParseUrl(string url, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConfigurationOptions? configuration)
    {
        configuration = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri)
            || (uri.Scheme != "redis" && uri.Scheme != "rediss")
            || uri.Host.Length == 0
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
        {
            return false;
        }

        int database = 0;
        string path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0 && !int.TryParse(path, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out database))
        {
            return false;
        }

        configuration = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            DefaultDatabase = database,
            Ssl = uri.Scheme == "rediss",
        };
        configuration.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            string[] credentials = uri.UserInfo.Split(':', 2);
            if (credentials.Length == 2)
            {
                configuration.User = credentials[0].Length > 0 ? Uri.UnescapeDataString(credentials[0]) : null;
                configuration.Password = Uri.UnescapeDataString(credentials[1]);
            }
            else
            {
                configuration.Password = Uri.UnescapeDataString(credentials[0]);
            }
        }

        return true;
    }

    /// <summary>The start-up problem for a URL <see cref="TryParseUrl"/> refuses, without its password.</summary>
    public static string UrlProblem(string url)
    {
        int at = url.LastIndexOf('@');
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        string shown = at > 0 && scheme > 0 && at > scheme ? url[..(scheme + 3)] + "***" + url[at..] : url;
        return $"Acme:RedisUrl must be a URL like 'redis://host:6379/0' (rediss:// for TLS), not '{shown}'.";
    }

    /// <summary>Close the connection, if it was opened.</summary>
    public void Dispose()
    {
        _cache?.Dispose();
        if (_connection is { IsValueCreated: true })
        {
            _connection.Value.Dispose();
        }
    }
}
