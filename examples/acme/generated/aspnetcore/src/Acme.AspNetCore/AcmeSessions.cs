using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Acme.AspNetCore;

/// <summary>
/// Signs users in and keeps the signed-in user fresh: the user is cached in the session with the time
/// it was fetched and the service's own session values (its tokens). Within
/// <see cref="AcmeOptions.SessionTtl"/> a request is served from the cache without calling the service;
/// after it, the user is fetched once more, and a user the service has disabled or deleted is signed out.
/// Before that fetch, tokens past their expiry are refreshed (and after a fetch the service refused as
/// expired, once); a session whose refresh fails is signed out.
/// </summary>
internal sealed class AcmeSessions(
    AcmeClient client,
    AcmeTicketStore store,
    AcmeRefreshFlights flights,
    IOptions<AcmeOptions> options,
    TimeProvider time,
    ILogger<AcmeSessions> logger)
{
    private const string FetchedKey = ".acme.fetched";
    private const string ServiceKey = ".acme.service";

    /// <summary>The session value with the tokens' deadline, in seconds since 1970 (from the service's <c>expires_in</c>).</summary>
    private const string ExpiresAtKey = "expires_at";

    /// <summary>When the session's tokens were last refreshed (system clock, round-trip format).</summary>
    private const string RefreshedKey = ".acme.refreshed";

    /// <summary>
    /// How long after a refresh its deadline is not taken at its word: a deadline in whole seconds, taken a
    /// little early, can fall due as soon as it is set when tokens live a second or two.
    /// </summary>
    private static readonly TimeSpan JustRefreshed = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Sign a user in at the service and start a new session for them. Nothing changes until the service
    /// has accepted the password and described an active user.
    /// </summary>
    /// <exception cref="AcmeException">The service refused the user or cannot be reached.</exception>
    public async Task<AcmeUser> SignInAsync(HttpContext context, string username, string password)
    {
        IReadOnlyDictionary<string, string> service = await client.LoginAsync(username, password, context.RequestAborted);
        AcmeUser user;
        try
        {
            user = AcmeUser.FromRecord(await client.GetUserAsync(service, context.RequestAborted));
        }
        catch (AcmeException error) when (error.Kind == AcmeErrorKind.Failed)
        {
            // What was unexpected (a field of the user record, a status); never a password or a token.
            logger.LogWarning("Sign-in failed: {Reason}", error.Message);
            throw;
        }

        if (!user.Active)
        {
            throw new AcmeAccountDisabledException("the service describes the account as not active");
        }

        AuthenticationProperties properties = new() { IsPersistent = false, AllowRefresh = true };
        Remember(properties, service);
        ClaimsPrincipal principal = user.ToPrincipal();
        await context.SignInAsync(AcmeDefaults.AuthenticationScheme, principal, properties);
        context.User = principal;
        logger.LogInformation("User {UserId} signed in", user.Id);
        return user;
    }

    /// <summary>
    /// The cookie handler's check of every request's session: nothing within the TTL, a refresh from the
    /// service after it. A service that cannot be asked fails the request closed: nobody is signed in on
    /// it, and the session is kept for when the service is back.
    /// </summary>
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        IReadOnlyDictionary<string, string>? service = Recall(context.Properties, out DateTimeOffset fetched);
        if (service is null)
        {
            await RejectAsync(context, "the session holds no service session");
            return;
        }

        TimeSpan age = time.GetUtcNow() - fetched;
        if (age >= TimeSpan.Zero && age < options.Value.SessionTtl)
        {
            return;
        }

        bool refreshed = false;
        if (HasExpired(service) && !RefreshedLately(context.Properties))
        {
            service = await RefreshOrSignOutAsync(context, service);
            if (service is null)
            {
                return;
            }

            refreshed = true;
        }

        AcmeUser user;
        try
        {
            user = await FetchUserAsync(service, context.HttpContext.RequestAborted);
        }
        catch (AcmeException error) when (!refreshed && error.Kind is AcmeErrorKind.Expired or AcmeErrorKind.InvalidCredentials)
        {
            // The access token expired before its time (or the service gives none): refresh, and ask once more.
            service = await RefreshOrSignOutAsync(context, service);
            if (service is null)
            {
                return;
            }

            try
            {
                user = await FetchUserAsync(service, context.HttpContext.RequestAborted);
            }
            catch (AcmeException again)
            {
                await FailAsync(context, again);
                return;
            }
        }
        catch (AcmeException error)
        {
            await FailAsync(context, error);
            return;
        }

        if (!user.Active)
        {
            await RejectAsync(context, "the service has disabled the account");
            return;
        }

        Remember(context.Properties, service);
        context.ReplacePrincipal(user.ToPrincipal());
        context.ShouldRenew = true;
    }

    /// <summary>
    /// End the request's session at the service, before the application signs it out. A failure is logged
    /// and otherwise ignored: signing out here must never depend on the service.
    /// </summary>
    public async Task EndServiceSessionAsync(HttpContext context)
    {
        AuthenticateResult result = await context.AuthenticateAsync(AcmeDefaults.AuthenticationScheme);
        if (result.Properties is null || Recall(result.Properties, out _) is not { } service)
        {
            return;
        }

        try
        {
            await client.LogoutAsync(service, context.RequestAborted);
        }
        catch (AcmeException error)
        {
            logger.LogWarning("The service did not end its session at sign-out (logout: {Code}); signed out here anyway", error.Code);
        }
    }

    /// <summary>
    /// Change the signed-in user's password at the service (refreshing the tokens once if the service
    /// finds them expired), then give the session a new id: the user stays signed in, and a copy of the
    /// old cookie no longer works.
    /// </summary>
    /// <returns>False when the request has no session (any more): the caller answers as to an anonymous request.</returns>
    /// <exception cref="AcmeException">The service refused the change or cannot be reached.</exception>
    public async Task<bool> ChangePasswordAsync(HttpContext context, string currentPassword, string newPassword)
    {
        AuthenticateResult result = await context.AuthenticateAsync(AcmeDefaults.AuthenticationScheme);
        if (result.Principal is null
            || result.Properties is null
            || Recall(result.Properties, out _) is not { } service)
        {
            return false;
        }

        Dictionary<string, string> input = new()
        {
            ["current_password"] = currentPassword,
            ["new_password"] = newPassword,
        };
        try
        {
            await client.ChangePasswordAsync(service, input, context.RequestAborted);
        }
        catch (AcmeException error) when (error.Kind == AcmeErrorKind.Expired)
        {
            IReadOnlyDictionary<string, string>? refreshed = await RefreshOrSignOutAsync(context, AcmeTicketStore.KeyOf(result.Properties), service);
            if (refreshed is null)
            {
                return false;
            }

            service = refreshed;
            await client.ChangePasswordAsync(service, input, context.RequestAborted);
        }

        AuthenticationProperties properties = new(new Dictionary<string, string?>(result.Properties.Items))
        {
            IsPersistent = result.Properties.IsPersistent,
            AllowRefresh = true,
            IssuedUtc = null,
            ExpiresUtc = null,
        };
        properties.Items.Remove(AcmeTicketStore.KeyItem);
        Keep(properties, service);
        await context.SignInAsync(AcmeDefaults.AuthenticationScheme, result.Principal, properties);
        logger.LogInformation("User {UserId} changed their password", context.GetAcmeUser()?.Id);
        return true;
    }

    /// <summary>
    /// A fetch of the user failed: a user the service no longer accepts is signed out; any other failure
    /// fails the request closed (503, or 502 for an answer the integration cannot read) and keeps the session.
    /// </summary>
    private async Task FailAsync(CookieValidatePrincipalContext context, AcmeException error)
    {
        if (error.Kind is AcmeErrorKind.InvalidCredentials or AcmeErrorKind.UserNotFound or AcmeErrorKind.AccountDisabled or AcmeErrorKind.Expired)
        {
            await RejectAsync(context, $"the service refused the user ({error.Code})");
            return;
        }

        logger.LogWarning("Could not refresh the signed-in user, failing closed: {Reason}", error.Message);
        context.HttpContext.Features.Set(new AcmeServiceFailure(error));
        context.RejectPrincipal();
    }

    private async Task RejectAsync(CookieValidatePrincipalContext context, string reason)
    {
        logger.LogInformation("Signed out: {Reason}", reason);
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(AcmeDefaults.AuthenticationScheme);
    }

    private async Task<AcmeUser> FetchUserAsync(IReadOnlyDictionary<string, string> service, CancellationToken cancellationToken) =>
        AcmeUser.FromRecord(await client.GetUserAsync(service, cancellationToken));

    /// <summary>
    /// Whether the tokens of the session are past their deadline. The client set it on the system clock, so it is
    /// read on the system clock too, not on the injected <c>TimeProvider</c> (which times the user cache).
    /// </summary>
    private static bool HasExpired(IReadOnlyDictionary<string, string> service) =>
        service.TryGetValue(ExpiresAtKey, out string? text)
        && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double expiresAt)
        && DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 >= expiresAt;

    /// <summary>
    /// Whether this session's tokens were refreshed within <see cref="JustRefreshed"/>: then the fetch of the user
    /// goes ahead, and a token the service refuses is refreshed then.
    /// </summary>
    private static bool RefreshedLately(AuthenticationProperties properties) =>
        properties.Items.TryGetValue(RefreshedKey, out string? text)
        && DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset at)
        && DateTimeOffset.UtcNow - at < JustRefreshed;

    private async Task<IReadOnlyDictionary<string, string>?> RefreshOrSignOutAsync(
        CookieValidatePrincipalContext context,
        IReadOnlyDictionary<string, string> service)
    {
        IReadOnlyDictionary<string, string>? values = await RefreshOrSignOutAsync(context.HttpContext, AcmeTicketStore.KeyOf(context.Properties), service);
        if (values is null)
        {
            context.RejectPrincipal();
        }
        else
        {
            context.Properties.Items[RefreshedKey] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        }

        return values;
    }

    /// <summary>
    /// Refresh the service's tokens of a session, once for all its concurrent requests. A refresh that fails,
    /// for any reason, signs the session out (null): the user signs in again, rather than meeting errors
    /// until they do.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>?> RefreshOrSignOutAsync(
        HttpContext context,
        string? sessionKey,
        IReadOnlyDictionary<string, string> service)
    {
        try
        {
            return sessionKey is null
                ? await RefreshedAsync(null, service)
                : await flights.RunAsync(sessionKey, () => RefreshedAsync(sessionKey, service));
        }
        catch (AcmeException error)
        {
            logger.LogWarning("Signed out: the tokens could not be refreshed (refresh: {Code})", error.Code);
            await context.SignOutAsync(AcmeDefaults.AuthenticationScheme);
            return null;
        }
    }

    /// <summary>
    /// The session's values after a refresh: those stored now when another request (or instance) has already
    /// refreshed them since this request read <paramref name="service"/>, else the new service session, stored at
    /// once so that the requests waiting for it find it.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> RefreshedAsync(string? sessionKey, IReadOnlyDictionary<string, string> service)
    {
        AuthenticationTicket? stored = null;
        if (sessionKey is not null)
        {
            stored = await store.RetrieveAsync(sessionKey)
                ?? throw new AcmeInvalidCredentialsException("the session ended while its tokens were being refreshed");
            if (Recall(stored.Properties, out _) is { } current && !SameValues(current, service))
            {
                return current;
            }
        }

        // The complete new service session (what the service does not renew is carried over). Not the request's
        // own cancellation: the requests waiting for this refresh need its result.
        IReadOnlyDictionary<string, string> values = await client.RefreshAsync(service, CancellationToken.None);

        if (stored is not null)
        {
            Keep(stored.Properties, values);
            stored.Properties.Items[RefreshedKey] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            await store.RenewAsync(sessionKey!, stored);
        }

        logger.LogInformation("Refreshed the service session's tokens");
        return values;
    }

    private static bool SameValues(IReadOnlyDictionary<string, string> one, IReadOnlyDictionary<string, string> other)
    {
        if (one.Count != other.Count)
        {
            return false;
        }

        foreach (KeyValuePair<string, string> pair in one)
        {
            if (!other.TryGetValue(pair.Key, out string? value) || value != pair.Value)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Keep the service session and the time the user was fetched in the (server-side) session.</summary>
    private void Remember(AuthenticationProperties properties, IReadOnlyDictionary<string, string> service)
    {
        Keep(properties, service);
        properties.Items[FetchedKey] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
    }

    /// <summary>Keep the service session's values in the (server-side) session.</summary>
    private static void Keep(AuthenticationProperties properties, IReadOnlyDictionary<string, string> service)
    {
        JsonObject values = new();
        foreach (KeyValuePair<string, string> pair in service)
        {
            values[pair.Key] = pair.Value;
        }

        properties.Items[ServiceKey] = values.ToJsonString();
    }

    /// <summary>What <see cref="Remember"/> kept, or null when the session does not hold it.</summary>
    private static IReadOnlyDictionary<string, string>? Recall(AuthenticationProperties properties, out DateTimeOffset fetched)
    {
        fetched = default;
        if (!properties.Items.TryGetValue(ServiceKey, out string? json)
            || !properties.Items.TryGetValue(FetchedKey, out string? when)
            || json is null
            || !DateTimeOffset.TryParseExact(when, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out fetched))
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            Dictionary<string, string> service = new();
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                service[property.Name] = property.Value.GetString() ?? string.Empty;
            }

            return service;
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}

/// <summary>Marks a request on which the service could not refresh the signed-in user.</summary>
internal sealed class AcmeServiceFailure(AcmeException error)
{
    public AcmeException Error { get; } = error;
}
