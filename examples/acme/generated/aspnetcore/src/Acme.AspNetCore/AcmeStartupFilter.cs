using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Acme.AspNetCore;

/// <summary>Puts <see cref="AcmeStatusCodeMiddleware"/> in front of the application's pipeline.</summary>
internal sealed class AcmeStartupFilter : IStartupFilter
{
    /// <inheritdoc />
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<AcmeStatusCodeMiddleware>();
        next(app);
    };
}

/// <summary>
/// Gives the bare 405, 406 and 415 answers of the integration's routes (from routing, say) the JSON
/// error body every answer of the integration has.
/// </summary>
internal sealed class AcmeStatusCodeMiddleware(RequestDelegate next, IOptions<AcmeOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
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
}
