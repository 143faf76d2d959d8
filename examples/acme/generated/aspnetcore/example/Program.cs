// The example app of Acme.AspNetCore: "/" greets the signed-in user, "/admin" needs the
// admins role. Configure it with the Acme section of appsettings.json or the
// ACME_* environment variables; ASPNETCORE_URLS or --urls sets the port.
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Acme.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.AddAcmeAuthentication();

WebApplication app = builder.Build();
app.UseAcmeErrorHandling();
app.MapAcmeAuth();

app.MapGet("/", (HttpContext context, IAntiforgery antiforgery) =>
{
    AcmeUser user = context.GetRequiredAcmeUser();
    return Greet(context, antiforgery, "Home", $"Hello {user.FirstName ?? user.Username}");
}).RequireAuthorization();

app.MapGet("/admin", (HttpContext context, IAntiforgery antiforgery) =>
{
    AcmeUser user = context.GetRequiredAcmeUser();
    return Greet(context, antiforgery, "Admin", $"Hello {user.Username}, you are an administrator");
}).RequireAcmeRoles("admins");

app.Run();

// A greeting as JSON {"message": ...} or as a page with a sign-out button, as Accept asks.
static IResult Greet(HttpContext context, IAntiforgery antiforgery, string title, string message)
{
    string? answer = context.Request.Negotiate(AcmeContent.Html, AcmeContent.Json);
    if (answer == AcmeContent.Json)
    {
        return Results.Content(new JsonObject { ["message"] = message }.ToJsonString(), "application/json; charset=utf-8");
    }

    if (answer is null)
    {
        return AcmeContent.Error("not_acceptable", "Ask for text/html or application/json.", StatusCodes.Status406NotAcceptable);
    }

    AntiforgeryTokenSet tokens = antiforgery.GetAndStoreTokens(context);
    string logout = context.Request.PathBase + context.RequestServices.GetRequiredService<IOptions<AcmeOptions>>().Value.RoutePrefix + "/logout";
    HtmlEncoder html = HtmlEncoder.Default;
    string page = $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.Encode(title)}</title></head>
        <body>
        <main>
        <h1>{html.Encode(message)}</h1>
        <form method="post" action="{html.Encode(logout)}">
        <input type="hidden" name="{html.Encode(tokens.FormFieldName)}" value="{html.Encode(tokens.RequestToken ?? string.Empty)}">
        <button type="submit">Sign out</button>
        </form>
        </main>
        </body>
        </html>
        """;
    return Results.Content(page, "text/html; charset=utf-8");
}
