using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Acme.AspNetCore;

/// <summary>Adds the integration's answers of last resort to an application's pipeline, when it asks for them.</summary>
public static class AcmeApplicationBuilderExtensions
{
    /// <summary>
    /// Answer what nothing else answered in the integration's error shape: an unhandled exception becomes a 500
    /// (JSON or a page, no stack trace, whatever the environment), and the bare 405, 406 and 415 of the
    /// integration's routes get their JSON error body. Call it first, right after <c>Build()</c>; an exception
    /// handler of the application's own (<c>UseExceptionHandler</c>) added after it still handles exceptions first.
    /// Nothing is added to the pipeline unless the application calls this.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application, to chain more calls.</returns>
    public static IApplicationBuilder UseAcmeErrorHandling(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<AcmeErrorMiddleware>();
    }
}

/// <summary>
/// The answers of last resort. An exception that nothing in the application handled becomes a 500 in
/// the integration's error shape, JSON or a page, and is logged here: the client never sees a stack
/// trace, and a JSON client never gets an empty 500. The bare 405, 406 and 415 answers of the
/// integration's routes (from routing, say) get the JSON error body every answer of the integration has.
/// </summary>
/// <remarks>
/// Added by <see cref="AcmeApplicationBuilderExtensions.UseAcmeErrorHandling"/> only. An exception handler the
/// application adds itself (<c>UseExceptionHandler</c>) runs inside this middleware and so handles exceptions first.
/// </remarks>
internal sealed class AcmeErrorMiddleware(
    RequestDelegate next,
    IOptions<AcmeOptions> options,
    IHostEnvironment environment,
    ILogger<AcmeErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception error) when (Answerable(context, error) && !ForTheDeveloperPage(context))
        {
            logger.LogError(error, "Unhandled exception on {Method} {Path}; answered 500 without details", context.Request.Method, context.Request.Path);
            await AcmeResponses.UnexpectedErrorAsync(context);
            return;
        }

        HttpResponse response = context.Response;
        if (response.HasStarted
            || response.ContentType is not null
            || !context.Request.Path.StartsWithSegments(options.Value.RoutePrefix))
        {
            return;
        }

        string? code = response.StatusCode switch
        {
            StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
            StatusCodes.Status406NotAcceptable => "not_acceptable",
            StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
            _ => null,
        };
        if (code is not null)
        {
            await AcmeResponses.ErrorAsync(context, response.StatusCode, code, AcmeResponses.MessageFor(code));
        }
    }

    /// <summary>
    /// Whether an exception can still be answered: the response has not started, the client is still
    /// there, and it is not a request the server itself refuses with a 4xx of its own (a body too large).
    /// </summary>
    /// <summary>
    /// Whether to leave an exception to the developer exception page: on the application's own routes in the
    /// Development environment, as if this middleware were not there.
    /// </summary>
    private bool ForTheDeveloperPage(HttpContext context) =>
        environment.IsDevelopment() && !context.Request.Path.StartsWithSegments(options.Value.RoutePrefix);

    private static bool Answerable(HttpContext context, Exception error) =>
        !context.Response.HasStarted
        && !context.RequestAborted.IsCancellationRequested
        && error is not BadHttpRequestException;
}

/// <summary>
/// Keeps the developer exception page, which the web host adds in the Development environment, off the
/// integration's routes: their unexpected errors are answered as in production, so no environment
/// shows a stack trace there. The application's own routes keep the page. The exception is still logged.
/// </summary>
internal sealed class AcmeDeveloperPageExceptionFilter(IOptions<AcmeOptions> options) : IDeveloperPageExceptionFilter
{
    /// <inheritdoc />
    public Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        HttpContext context = errorContext.HttpContext;
        return context.Request.Path.StartsWithSegments(options.Value.RoutePrefix)
            ? AcmeResponses.UnexpectedErrorAsync(context)
            : next(errorContext);
    }
}
