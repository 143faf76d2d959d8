{% set N = cookiecutter.class_name -%}
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

namespace {{ cookiecutter.namespace }};

/// <summary>
/// Signs users in and keeps the signed-in user fresh: the user is cached in the session with the time
/// it was fetched and the service's own session values (its tokens). Within
/// <see cref="{{ N }}Options.SessionTtl"/> a request is served from the cache without calling the service;
/// after it, the user is fetched once more, and a user the service has disabled or deleted is signed out.
/// </summary>
internal sealed class {{ N }}Sessions({{ N }}Client client, IOptions<{{ N }}Options> options, TimeProvider time, ILogger<{{ N }}Sessions> logger)
{
    private const string FetchedKey = ".{{ cookiecutter.slug }}.fetched";
    private const string ServiceKey = ".{{ cookiecutter.slug }}.service";

    /// <summary>
    /// Sign a user in at the service and start a new session for them. Nothing changes until the service
    /// has accepted the password and described an active user.
    /// </summary>
    /// <exception cref="{{ N }}Exception">The service refused the user or cannot be reached.</exception>
    public async Task<{{ N }}User> SignInAsync(HttpContext context, string username, string password)
    {
        IReadOnlyDictionary<string, string> service = await client.LoginAsync(username, password, context.RequestAborted);
        {{ N }}User user;
        try
        {
            user = {{ N }}User.FromRecord(await client.GetUserAsync(service, context.RequestAborted));
        }
        catch ({{ N }}Exception error) when (error.Kind == {{ N }}ErrorKind.Failed)
        {
            // What was unexpected (a field of the user record, a status); never a password or a token.
            logger.LogWarning("Sign-in failed: {Reason}", error.Message);
            throw;
        }

        if (!user.Active)
        {
            throw new {{ N }}AccountDisabledException("the service describes the account as not active");
        }

        AuthenticationProperties properties = new() { IsPersistent = false, AllowRefresh = true };
        Remember(properties, service);
        ClaimsPrincipal principal = user.ToPrincipal();
        await context.SignInAsync({{ N }}Defaults.AuthenticationScheme, principal, properties);
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

        {{ N }}User user;
        try
        {
            user = {{ N }}User.FromRecord(await client.GetUserAsync(service, context.HttpContext.RequestAborted));
        }
        catch ({{ N }}Exception error) when (error.Kind is {{ N }}ErrorKind.InvalidCredentials or {{ N }}ErrorKind.UserNotFound or {{ N }}ErrorKind.AccountDisabled)
        {
            await RejectAsync(context, $"the service refused the user ({error.Code})");
            return;
        }
        catch ({{ N }}Exception error)
        {
            logger.LogWarning("Could not refresh the signed-in user, failing closed: {Reason}", error.Message);
            context.HttpContext.Features.Set(new {{ N }}ServiceFailure(error));
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
        await context.HttpContext.SignOutAsync({{ N }}Defaults.AuthenticationScheme);
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
internal sealed class {{ N }}ServiceFailure({{ N }}Exception error)
{
    public {{ N }}Exception Error { get; } = error;
}
