{% set N = cookiecutter.class_name -%}
using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Encodings.Web;

namespace {{ cookiecutter.namespace }};

/// <summary>The pages of the integration.</summary>
public enum {{ N }}PageKind
{
{%- if cookiecutter.is_oidc %}
    /// <summary>The sign-in page: why a sign-in through {{ cookiecutter.service_name | cscomment }} failed, and a way to start again.</summary>
    Login,
{%- else %}
    /// <summary>The login form.</summary>
    Login,

    /// <summary>The form that creates an account.</summary>
    Register,

    /// <summary>The form that asks for a password reset message.</summary>
    ForgotPassword,

    /// <summary>The confirmation that a reset message is on its way (the same for every address).</summary>
    ForgotPasswordSent,
{%- endif %}
{%- if cookiecutter.has_reset_password %}

    /// <summary>The form for a new password, from the link in the reset email.</summary>
    ResetPassword,

    /// <summary>The confirmation that the password was reset.</summary>
    PasswordReset,
{%- endif %}
{%- if cookiecutter.has_verify_email %}

    /// <summary>The button that verifies an email address, from the link in the verification email.</summary>
    VerifyEmail,

    /// <summary>The confirmation that the email address is verified.</summary>
    EmailVerified,
{%- endif %}
{%- if cookiecutter.has_change_password %}

    /// <summary>The signed-in user's form to change their password.</summary>
    ChangePassword,

    /// <summary>The confirmation that the password was changed.</summary>
    PasswordChanged,
{%- endif %}

    /// <summary>A signed-in user lacks a role (403).</summary>
    Forbidden,

    /// <summary>Anything else that went wrong: an expired form, the service down.</summary>
    Error,
}

/// <summary>One input of a page's form.</summary>
public sealed class {{ N }}FormField
{
    /// <summary>Create a field.</summary>
    /// <param name="name">The form field's name.</param>
    /// <param name="label">The visible label.</param>
    /// <param name="type">The input type: <c>text</c>, <c>email</c>, <c>password</c>.</param>
    /// <param name="autocomplete">The browser autocomplete token.</param>
    /// <param name="required">Whether it must be filled in; an optional one left empty is not sent to the service.</param>
    public {{ N }}FormField(string name, string label, string type, string autocomplete, bool required = true)
    {
        Name = name;
        Label = label;
        Type = type;
        Autocomplete = autocomplete;
        Required = required;
    }

    /// <summary>The form field's name.</summary>
    public string Name { get; }

    /// <summary>The visible label.</summary>
    public string Label { get; }

    /// <summary>The input type: <c>text</c>, <c>email</c>, <c>password</c>.</summary>
    public string Type { get; }

    /// <summary>The browser autocomplete token.</summary>
    public string Autocomplete { get; }

    /// <summary>Whether the field must be filled in (false for an input the spec marks optional).</summary>
    public bool Required { get; }
}

/// <summary>A link from one page to another.</summary>
public sealed class {{ N }}PageLink
{
    /// <summary>Create a link.</summary>
    /// <param name="href">Where it leads.</param>
    /// <param name="text">What it says.</param>
    public {{ N }}PageLink(string href, string text)
    {
        Href = href;
        Text = text;
    }

    /// <summary>Where it leads.</summary>
    public string Href { get; }

    /// <summary>What it says.</summary>
    public string Text { get; }
}

/// <summary>Everything a page shows; an <see cref="I{{ N }}PageRenderer"/> turns it into HTML.</summary>
public sealed class {{ N }}Page
{
    /// <summary>Which page it is.</summary>
    public required {{ N }}PageKind Kind { get; init; }

    /// <summary>The page's heading and title.</summary>
    public required string Title { get; init; }

    /// <summary>The HTTP status it is sent with.</summary>
    public int StatusCode { get; init; } = 200;

    /// <summary>The brand name at the top of the page.</summary>
    public required string BrandName { get; init; }

    /// <summary>An image shown instead of the brand name, when set.</summary>
    public string? LogoUrl { get; init; }

    /// <summary>The colour of buttons, links and focus rings (validated: a hex colour or a colour name).</summary>
    public required string PrimaryColor { get; init; }

    /// <summary>An error to show above the form, or null.</summary>
    public string? Error { get; init; }

    /// <summary>A message to show instead of (or above) the form, or null.</summary>
    public string? Notice { get; init; }

    /// <summary>Where the form posts to; null for a page without a form.</summary>
    public string? FormAction { get; init; }

    /// <summary>The label of the form's button.</summary>
    public string SubmitLabel { get; init; } = "Continue";

    /// <summary>The visible inputs of the form.</summary>
    public IReadOnlyList<{{ N }}FormField> Fields { get; init; } = [];

    /// <summary>Values to fill the inputs with again (never passwords).</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    /// <summary>Hidden inputs: the CSRF token, where to go after signing in.</summary>
    public IReadOnlyDictionary<string, string> HiddenFields { get; init; } = new Dictionary<string, string>();

    /// <summary>Links to the other pages.</summary>
    public IReadOnlyList<{{ N }}PageLink> Links { get; init; } = [];
}

/// <summary>Renders the integration's pages. Replace it to change how they look.</summary>
/// <remarks>
/// Set <see cref="{{ N }}Options.Pages"/>, or register an implementation before calling
/// <c>Add{{ N }}Authentication</c>. Subclass <see cref="{{ N }}PageRenderer"/> to change one page and keep the others.
/// </remarks>
public interface I{{ N }}PageRenderer
{
    /// <summary>The complete HTML document of a page.</summary>
    /// <param name="page">What the page shows.</param>
    /// <returns>HTML, with every value escaped.</returns>
    string Render({{ N }}Page page);
}

/// <summary>
/// The built-in pages: accessible HTML with inline CSS, no external assets, in the brand's name, logo and
/// colour. Every value is HTML-encoded.
/// </summary>
public class {{ N }}PageRenderer : I{{ N }}PageRenderer
{
    private const string Css = """
        *, *::before, *::after { box-sizing: border-box; }
        html { color-scheme: light dark; }
        body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1.5rem;
          font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          background: #f4f5f7; color: #1f2330; }
        main { width: 100%; max-width: 26rem; background: #fff; border-radius: 12px; padding: 2rem;
          box-shadow: 0 1px 3px rgb(0 0 0 / 0.08), 0 8px 24px rgb(0 0 0 / 0.06); }
        .brand { margin: 0 0 1.5rem; font-weight: 700; font-size: 1.1rem; color: var(--primary); }
        .brand img { display: block; max-height: 2.5rem; max-width: 100%; }
        h1 { margin: 0 0 1.25rem; font-size: 1.5rem; line-height: 1.25; }
        .field { margin-bottom: 1rem; }
        label { display: block; margin-bottom: 0.35rem; font-weight: 600; font-size: 0.95rem; }
        input { width: 100%; padding: 0.65rem 0.75rem; font: inherit; color: inherit; background: transparent;
          border: 1px solid #b8bcc8; border-radius: 8px; }
        input[aria-invalid="true"] { border-color: #b42318; }
        button { width: 100%; margin-top: 0.5rem; padding: 0.7rem 1rem; font: inherit; font-weight: 600;
          color: #fff; background: var(--primary); border: 0; border-radius: 8px; cursor: pointer; }
        button:hover { filter: brightness(1.08); }
        :focus-visible { outline: 3px solid var(--primary); outline-offset: 2px; }
        a { color: var(--primary); }
        .alert { margin: 0 0 1rem; padding: 0.75rem 1rem; border-radius: 8px; background: #fdecea; color: #7a1b12;
          border: 1px solid #f3b8b1; }
        .alert:empty { display: none; }
        .notice { margin: 0 0 1rem; padding: 0.75rem 1rem; border-radius: 8px; background: #ecfdf3; color: #05603a;
          border: 1px solid #a6f4c5; }
        nav { margin-top: 1.5rem; display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; font-size: 0.95rem; }
        @media (prefers-color-scheme: dark) {
          body { background: #12141a; color: #e7e9ee; }
          main { background: #1c1f27; box-shadow: none; }
          input { border-color: #4a5063; }
          .alert { background: #3a1714; color: #fbd5d0; border-color: #6e2a22; }
          .notice { background: #0f2e1f; color: #c6f6d9; border-color: #1d5c3c; }
        }
        @media (prefers-reduced-motion: reduce) { * { transition: none !important; } }
        """;

    /// <inheritdoc />
    public virtual string Render({{ N }}Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        StringBuilder html = new();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"robots\" content=\"noindex\">\n")
            .Append("<title>").Append(Encode(page.Title)).Append(" · ").Append(Encode(page.BrandName)).Append("</title>\n")
            .Append("<style>:root { --primary: ").Append(page.PrimaryColor).Append("; }\n").Append(Css).Append("</style>\n")
            .Append("</head>\n<body>\n<main aria-labelledby=\"page-title\">\n");
        AppendBrand(html, page);
        html.Append("<h1 id=\"page-title\">").Append(Encode(page.Title)).Append("</h1>\n");
        if (page.Notice is not null)
        {
            html.Append("<p class=\"notice\" role=\"status\">").Append(Encode(page.Notice)).Append("</p>\n");
        }

        // A form's error element is there even while empty (hidden by CSS), so the form can name it with
        // aria-describedby and a screen reader announces what the server puts in it.
        if (page.Error is not null || page.FormAction is not null)
        {
            html.Append("<div class=\"alert\" role=\"alert\" id=\"form-error\">").Append(Encode(page.Error ?? string.Empty)).Append("</div>\n");
        }

        if (page.FormAction is not null)
        {
            AppendForm(html, page);
        }

        if (page.Links.Count > 0)
        {
            html.Append("<nav aria-label=\"More options\">\n");
            foreach ({{ N }}PageLink link in page.Links)
            {
                html.Append("<a href=\"").Append(Encode(link.Href)).Append("\">").Append(Encode(link.Text)).Append("</a>\n");
            }

            html.Append("</nav>\n");
        }

        return html.Append("</main>\n</body>\n</html>\n").ToString();
    }

    /// <summary>HTML-encode text for element content and quoted attribute values.</summary>
    /// <param name="text">Any text.</param>
    /// <returns>The encoded text.</returns>
    protected static string Encode(string text) => HtmlEncoder.Default.Encode(text);

    private static void AppendBrand(StringBuilder html, {{ N }}Page page)
    {
        html.Append("<p class=\"brand\">");
        if (page.LogoUrl is not null)
        {
            html.Append("<img src=\"").Append(Encode(page.LogoUrl)).Append("\" alt=\"").Append(Encode(page.BrandName)).Append("\">");
        }
        else
        {
            html.Append(Encode(page.BrandName));
        }

        html.Append("</p>\n");
    }

    private static void AppendForm(StringBuilder html, {{ N }}Page page)
    {
        html.Append("<form method=\"post\" action=\"").Append(Encode(page.FormAction ?? string.Empty))
            .Append("\" aria-describedby=\"form-error\">\n");
        foreach (KeyValuePair<string, string> hidden in page.HiddenFields)
        {
            html.Append("<input type=\"hidden\" name=\"").Append(Encode(hidden.Key))
                .Append("\" value=\"").Append(Encode(hidden.Value)).Append("\">\n");
        }

        bool first = true;
        foreach ({{ N }}FormField field in page.Fields)
        {
            string id = "field-" + field.Name;
            html.Append("<div class=\"field\">\n<label for=\"").Append(Encode(id)).Append("\">").Append(Encode(field.Label)).Append("</label>\n")
                .Append("<input id=\"").Append(Encode(id)).Append("\" name=\"").Append(Encode(field.Name))
                .Append("\" type=\"").Append(Encode(field.Type)).Append("\" autocomplete=\"").Append(Encode(field.Autocomplete))
                .Append(field.Required ? "\" required maxlength=\"1024\"" : "\" maxlength=\"1024\"");
            if (field.Type != "password" && page.Values.TryGetValue(field.Name, out string? value))
            {
                html.Append(" value=\"").Append(Encode(value)).Append('"');
            }

            if (page.Error is not null)
            {
                html.Append(" aria-invalid=\"true\"");
            }

            if (first)
            {
                html.Append(" autofocus"); // the focus starts on the form, and is back on it after an error
                first = false;
            }

            html.Append(">\n</div>\n");
        }

        html.Append("<button type=\"submit\">").Append(Encode(page.SubmitLabel)).Append("</button>\n</form>\n");
    }
}
