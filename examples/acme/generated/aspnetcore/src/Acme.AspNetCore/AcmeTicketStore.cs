using System;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Distributed;

namespace Acme.AspNetCore;

/// <summary>
/// Keeps sessions on the server, in <see cref="IDistributedCache"/>: the cookie holds only a random
/// key. Signing out deletes the session, so a copy of the old cookie no longer signs anyone in, and
/// the service's tokens never leave the server. With <see cref="AcmeOptions.RedisUrl"/> set the cache is
/// that Redis, shared by every instance of the application; else the application's
/// <see cref="IDistributedCache"/> (in memory unless it registers another).
/// </summary>
internal sealed class AcmeTicketStore(IDistributedCache cache) : ITicketStore
{
    /// <summary>The property of a stored session that holds its own key, for the refresh of that session.</summary>
    internal const string KeyItem = ".acme.key";

    private const string KeyPrefix = "acme-session:";

    /// <summary>How long a session without an expiry of its own is kept.</summary>
    private static readonly TimeSpan Unused = TimeSpan.FromHours(12);

    /// <inheritdoc />
    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        string key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        await RenewAsync(key, ticket).ConfigureAwait(false);
        return key;
    }

    /// <inheritdoc />
    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ticket.Properties.Items[KeyItem] = key;
        DistributedCacheEntryOptions entry = new();
        DateTimeOffset? expires = ticket.Properties.ExpiresUtc;
        if (expires.HasValue && expires.Value > DateTimeOffset.UtcNow)
        {
            entry.AbsoluteExpiration = expires;
        }
        else
        {
            entry.SlidingExpiration = Unused;
        }

        return cache.SetAsync(KeyPrefix + key, TicketSerializer.Default.Serialize(ticket), entry);
    }

    /// <inheritdoc />
    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        byte[]? data = await cache.GetAsync(KeyPrefix + key).ConfigureAwait(false);
        return data is null ? null : TicketSerializer.Default.Deserialize(data);
    }

    /// <inheritdoc />
    public Task RemoveAsync(string key) => cache.RemoveAsync(KeyPrefix + key);

    /// <summary>The key a session was stored under, from its properties; null for a session not (yet) stored.</summary>
    internal static string? KeyOf(AuthenticationProperties properties) =>
        properties.Items.TryGetValue(KeyItem, out string? key) ? key : null;
}
