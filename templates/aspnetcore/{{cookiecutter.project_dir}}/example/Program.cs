{% set N = cookiecutter.class_name -%}
// The example app of {{ cookiecutter.namespace }}: "/" greets the signed-in user, "/admin" needs the
// {{ cookiecutter.guard_role | cscomment }} role. Configure it with the {{ N }} section of appsettings.json or the
// {{ cookiecutter.config_prefix }}_* environment variables; ASPNETCORE_URLS or --urls sets the port.
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using {{ cookiecutter.namespace }};
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.Add{{ N }}Authentication();

WebApplication app = builder.Build();
app.Use{{ N }}ErrorHandling();
app.Map{{ N }}Auth();

app.MapGet("/", (HttpContext context, IAntiforgery antiforgery) =>
{
    {{ N }}User user = context.GetRequired{{ N }}User();
    return Greet(context, antiforgery, "Home", $"Hello {user.FirstName ?? user.Username}");
}).RequireAuthorization();

app.MapGet("/admin", (HttpContext context, IAntiforgery antiforgery) =>
{
    {{ N }}User user = context.GetRequired{{ N }}User();
    return Greet(context, antiforgery, "Admin", $"Hello {user.Username}, you are an administrator");
}).Require{{ N }}Roles({{ cookiecutter.guard_role | cs }});

app.Run();

// A greeting as JSON {"message": ...} or as a page with a sign-out button, as Accept asks.
static IResult Greet(HttpContext context, IAntiforgery antiforgery, string title, string message)
{
    string? answer = context.Request.Negotiate({{ N }}Content.Html, {{ N }}Content.Json);
    if (answer == {{ N }}Content.Json)
    {
        return Results.Content(new JsonObject { ["message"] = message }.ToJsonString(), "application/json; charset=utf-8");
    }

    if (answer is null)
    {
        return {{ N }}Content.Error("not_acceptable", "Ask for text/html or application/json.", StatusCodes.Status406NotAcceptable);
    }

    AntiforgeryTokenSet tokens = antiforgery.GetAndStoreTokens(context);
    string logout = context.Request.PathBase + context.RequestServices.GetRequiredService<IOptions<{{ N }}Options>>().Value.RoutePrefix + "/logout";
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
