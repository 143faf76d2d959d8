using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Acme.AspNetCore;

/// <summary>
/// Retries GET requests that could not connect, with a short back-off. Nothing else is retried: a
/// request that reached the service, or any other method, is never sent twice.
/// </summary>
internal sealed class GetRetryHandler(int retries) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Get)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException error) when (attempt < retries && NotConnected(error))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 << attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool NotConnected(HttpRequestException error) =>
        error.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
}
