using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
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
/// </summary>
internal sealed class AcmeSessions(AcmeClient client, IOptions<AcmeOptions> options, TimeProvider time, ILogger<AcmeSessions> logger)
{
    private const string FetchedKey = ".acme.fetched";
    private const string ServiceKey = ".acme.service";

    /// <summary>
    /// Sign a user in at the service and start a new session for them. Nothing changes until the service
    /// has accepted the password and described an active user.
    /// </summary>
    /// <exception cref="AcmeException">The service refused the user or cannot be reached.</exception>
    public async Task<AcmeUser> SignInAsync(HttpContext context, string username, string password)
    {
        IReadOnlyDictionary<string, string> service = await client.LoginAsync(username, password, context.RequestAborted);
        AcmeUser user = AcmeUser.FromRecord(await client.GetUserAsync(service, context.RequestAborted));
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

        AcmeUser user;
        try
        {
            user = AcmeUser.FromRecord(await client.GetUserAsync(service, context.HttpContext.RequestAborted));
        }
        catch (AcmeException error) when (error.Kind is AcmeErrorKind.InvalidCredentials or AcmeErrorKind.UserNotFound or AcmeErrorKind.AccountDisabled)
        {
            await RejectAsync(context, $"the service refused the user ({error.Code})");
            return;
        }
        catch (AcmeException error)
        {
            logger.LogWarning("Could not refresh the signed-in user, failing closed: {Reason}", error.Message);
            context.HttpContext.Features.Set(new AcmeServiceFailure(error));
            context.RejectPrincipal();
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

    private async Task RejectAsync(CookieValidatePrincipalContext context, string reason)
    {
        logger.LogInformation("Signed out: {Reason}", reason);
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(AcmeDefaults.AuthenticationScheme);
    }

    /// <summary>Keep the service session and the time the user was fetched in the (server-side) session.</summary>
    private void Remember(AuthenticationProperties properties, IReadOnlyDictionary<string, string> service)
    {
        JsonObject values = new();
        foreach (KeyValuePair<string, string> pair in service)
        {
            values[pair.Key] = pair.Value;
        }

        properties.Items[ServiceKey] = values.ToJsonString();
        properties.Items[FetchedKey] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
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
