using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Acme.AspNetCore;

/// <summary>
/// At most one refresh of a session's tokens at a time. The service rotates refresh tokens, so a second
/// refresh with the same token would fail and sign the user out: requests of one session that need a
/// refresh at once share the one in flight in this process, and with <see cref="AcmeOptions.RedisUrl"/>
/// set, a short Redis lock (<c>SET NX PX</c>) keyed by the session makes the other instances wait for it too.
/// </summary>
internal sealed class AcmeRefreshFlights(AcmeRedis redis, IOptions<AcmeOptions> options, TimeProvider time)
{
    private const string LockPrefix = AcmeRedis.KeyPrefix + "refresh:";

    /// <summary>How often a request waiting for another instance's refresh looks at the lock again.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyDictionary<string, string>>>> _flights = new();

    /// <summary>
    /// Run <paramref name="refresh"/> for the session <paramref name="sessionKey"/>, or wait for the run already in
    /// flight and share its result. <paramref name="refresh"/> must read the session again first: another
    /// request, here or on another instance, may have refreshed it since this request read it.
    /// </summary>
    /// <exception cref="AcmeException">The refresh failed, or another instance held the lock too long.</exception>
    public async Task<IReadOnlyDictionary<string, string>> RunAsync(
        string sessionKey,
        Func<Task<IReadOnlyDictionary<string, string>>> refresh)
    {
        Lazy<Task<IReadOnlyDictionary<string, string>>> flight =
            _flights.GetOrAdd(sessionKey, key => new(() => LockedAsync(key, refresh)));
        try
        {
            return await flight.Value.ConfigureAwait(false);
        }
        finally
        {
            _flights.TryRemove(KeyValuePair.Create(sessionKey, flight));
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> LockedAsync(
        string sessionKey,
        Func<Task<IReadOnlyDictionary<string, string>>> refresh)
    {
        if (!redis.Enabled)
        {
            return await refresh().ConfigureAwait(false);
        }

        // The refresh takes at most the service timeout; the lock outlives it a little, and expires by
        // itself if this instance dies holding it.
        TimeSpan hold = options.Value.Timeout + options.Value.Timeout;
        string lockKey = LockPrefix + sessionKey;
        string owner = Guid.NewGuid().ToString("N");
        long start = time.GetTimestamp();
        try
        {
            IDatabase database = redis.Database;
            while (!await database.LockTakeAsync(lockKey, owner, hold).ConfigureAwait(false))
            {
                if (time.GetElapsedTime(start) > hold + hold)
                {
                    throw new AcmeServiceUnavailableException("another instance held the refresh lock of this session too long");
                }

                await Task.Delay(Poll, time).ConfigureAwait(false);
            }

            try
            {
                return await refresh().ConfigureAwait(false);
            }
            finally
            {
                await database.LockReleaseAsync(lockKey, owner).ConfigureAwait(false);
            }
        }
        catch (RedisException error)
        {
            throw new AcmeServiceUnavailableException("the refresh lock in Redis could not be taken or released", error);
        }
    }
}
