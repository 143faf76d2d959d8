using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Threading;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Acme.AspNetCore;

/// <summary>
/// Counts failed sign-ins per username and per client address, and refuses sign-in for either once it
/// has failed <see cref="AcmeOptions.LoginLimitPerAccount"/> or <see cref="AcmeOptions.LoginLimitPerClient"/>
/// times within <see cref="AcmeOptions.LoginLimitWindow"/>.
/// </summary>
/// <remarks>
/// Only failures count: the service refused the password or the account, never a service that is
/// down. A refused attempt is answered before the service is asked, so a correct password does not
/// get through either, and the answer is the same whether or not the account exists. A successful
/// sign-in clears the count of its username, not of its address. The counts live in this process.
/// </remarks>
internal sealed class AcmeLoginThrottle
{
    private readonly FailureCounter? _accounts;
    private readonly FailureCounter? _clients;
    private readonly ILogger<AcmeLoginThrottle> _logger;

    public AcmeLoginThrottle(IOptions<AcmeOptions> options, ILogger<AcmeLoginThrottle> logger)
    {
        AcmeOptions settings = options.Value;
        _accounts = FailureCounter.Create(settings.LoginLimitPerAccount, settings.LoginLimitWindow);
        _clients = FailureCounter.Create(settings.LoginLimitPerClient, settings.LoginLimitWindow);
        _logger = logger;
    }

    /// <summary>
    /// How long sign-in for <paramref name="username"/> from the request's client stays refused, or null
    /// when it may go ahead.
    /// </summary>
    public TimeSpan? RefusedFor(HttpContext context, string username)
    {
        string? client = ClientKey(context);
        TimeSpan? account = _accounts?.RefusedFor(AccountKey(username));
        TimeSpan? address = client is null ? null : _clients?.RefusedFor(client);
        if (account is null && address is null)
        {
            return null;
        }

        _logger.LogWarning("Refused a sign-in from {Client} without asking the service: too many failed attempts", client);
        if (account is null || address is null)
        {
            return account ?? address;
        }

        return account.Value >= address.Value ? account : address;
    }

    /// <summary>Count a sign-in the service refused, for its username and its client.</summary>
    public void Failed(HttpContext context, string username)
    {
        _accounts?.Fail(AccountKey(username));
        if (ClientKey(context) is { } client)
        {
            _clients?.Fail(client);
        }
    }

    /// <summary>Forget the failures of a username that has signed in.</summary>
    public void Succeeded(string username) => _accounts?.Clear(AccountKey(username));

    /// <summary>The username as submitted, trimmed and case-folded: the same for <c>Ann</c> and <c> ann </c>.</summary>
    private static string AccountKey(string username) => username.Trim().ToLowerInvariant();

    /// <summary>The client's address, or null when the server does not know it (an in-process test server).</summary>
    private static string? ClientKey(HttpContext context)
    {
        IPAddress? address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return null;
        }

        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    /// <summary>
    /// A <see cref="FixedWindowRateLimiter"/> per key, made at the key's first failure (which starts its
    /// window) and each failure taking one permit; a key without permits is refused until the window ends.
    /// </summary>
    /// <remarks>
    /// The limiters do not replenish on a timer: they are replenished when asked, and dropped once a window
    /// has passed without failures, or when the key signs in. Without a timer or a queue a limiter holds
    /// nothing to release, so a dropped one is left to the garbage collector rather than disposed while
    /// another request may still be using it.
    /// </remarks>
    private sealed class FailureCounter
    {
        private readonly ConcurrentDictionary<string, FixedWindowRateLimiter> _limiters = new(StringComparer.Ordinal);
        private readonly FixedWindowRateLimiterOptions _options;
        private long _lastSweep = Stopwatch.GetTimestamp();

        private FailureCounter(int limit, TimeSpan window)
        {
            _options = new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit,
                Window = window,
                QueueLimit = 0,
                AutoReplenishment = false,
            };
        }

        /// <summary>A counter, or null when <paramref name="limit"/> is 0 (off).</summary>
        public static FailureCounter? Create(int limit, TimeSpan window) => limit > 0 ? new FailureCounter(limit, window) : null;

        /// <summary>How long <paramref name="key"/> stays refused, or null while it has attempts left.</summary>
        public TimeSpan? RefusedFor(string key)
        {
            if (!_limiters.TryGetValue(key, out FixedWindowRateLimiter? limiter))
            {
                return null;
            }

            limiter.TryReplenish();

            // Asking for no permit tells whether any is left, without taking one.
            using RateLimitLease lease = limiter.AttemptAcquire(0);
            if (lease.IsAcquired)
            {
                DropIfIdle(key, limiter);
                return null;
            }

            // A fixed window's limiter answers with the whole window: never too early.
            return lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter) ? retryAfter : _options.Window;
        }

        /// <summary>Count a failure of <paramref name="key"/>; past the limit there is nothing more to count.</summary>
        public void Fail(string key)
        {
            Sweep();
            FixedWindowRateLimiter limiter = _limiters.GetOrAdd(key, _ => new FixedWindowRateLimiter(_options));
            limiter.TryReplenish();
            limiter.AttemptAcquire().Dispose();
        }

        /// <summary>Forget the failures of <paramref name="key"/>.</summary>
        public void Clear(string key) => _limiters.TryRemove(key, out _);

        /// <summary>Drop a limiter that has all its permits back: its window passed without failures.</summary>
        private void DropIfIdle(string key, FixedWindowRateLimiter limiter)
        {
            if (limiter.IdleDuration is not null)
            {
                _limiters.TryRemove(new KeyValuePair<string, FixedWindowRateLimiter>(key, limiter));
            }
        }

        /// <summary>
        /// Once per window, drop the limiters of keys that were never asked about again, so that failures
        /// for ever new usernames do not pile up.
        /// </summary>
        private void Sweep()
        {
            long last = Interlocked.Read(ref _lastSweep);
            long now = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(last, now) < _options.Window
                || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
            {
                return;
            }

            foreach (KeyValuePair<string, FixedWindowRateLimiter> entry in _limiters)
            {
                entry.Value.TryReplenish();
                DropIfIdle(entry.Key, entry.Value);
            }
        }
    }
}
