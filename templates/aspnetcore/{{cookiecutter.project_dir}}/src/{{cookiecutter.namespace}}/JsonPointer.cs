using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace {{ cookiecutter.namespace }};

/// <summary>Reads values out of JSON by JSON pointer (RFC 6901), plus <c>*</c> for every array element.</summary>
internal static class JsonPointer
{
    /// <summary>The value at <paramref name="pointer"/> (<c>""</c> is the whole document).</summary>
    public static bool TryResolve(JsonElement document, string pointer, out JsonElement value) =>
        TryResolve(document, Tokens(pointer), 0, out value);

    /// <summary>
    /// The values at a pointer with one <c>*</c> token, one per array element; or the elements of the
    /// array at a pointer without one. Null when the document does not have them.
{%- if cookiecutter.pointer_filters %} A <c>*[member=value]</c> token
    /// keeps only the elements whose member is that text.
{%- endif %}
    /// </summary>
    public static List<JsonElement>? ResolveAll(JsonElement document, string pointer)
    {
        string[] tokens = Tokens(pointer);
{%- if cookiecutter.pointer_filters %}
        int star = Array.FindIndex(tokens, token => token == "*" || token.StartsWith("*[", StringComparison.Ordinal));
{%- else %}
        int star = Array.IndexOf(tokens, "*");
{%- endif %}
        JsonElement array;
        if (star < 0)
        {
            if (!TryResolve(document, tokens, 0, out array) || array.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            return [.. array.EnumerateArray()];
        }

        if (!TryResolve(document, tokens[..star], 0, out array) || array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        List<JsonElement> values = [];
        foreach (JsonElement item in array.EnumerateArray())
        {
{%- if cookiecutter.pointer_filters %}
            if (tokens[star] != "*" && !Keeps(item, tokens[star]))
            {
                continue;
            }
{% endif %}
            if (!TryResolve(item, tokens, star + 1, out JsonElement value))
            {
                return null;
            }

            values.Add(value);
        }

        return values;
    }
{%- if cookiecutter.pointer_filters %}

    /// <summary>
    /// Whether an array element passes a <c>*[member=value]</c> filter: its member is exactly that text
    /// (a number or null never is).
    /// </summary>
    private static bool Keeps(JsonElement item, string filter)
    {
        int split = filter.IndexOf('=', StringComparison.Ordinal);
        string member = filter[2..split];
        string expected = filter[(split + 1)..^1];
        return item.ValueKind == JsonValueKind.Object
            && item.TryGetProperty(member, out JsonElement value)
            && value.ValueKind == JsonValueKind.String
            && value.GetString() == expected;
    }
{%- endif %}

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        string[] tokens = pointer[1..].Split('/');
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = tokens[i].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        }

        return tokens;
    }

    private static bool TryResolve(JsonElement document, string[] tokens, int start, out JsonElement value)
    {
        value = document;
        for (int i = start; i < tokens.Length; i++)
        {
            string token = tokens[i];
            if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty(token, out JsonElement child))
            {
                value = child;
            }
            else if (value.ValueKind == JsonValueKind.Array
                && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                && index < value.GetArrayLength())
            {
                value = value[index];
            }
            else
            {
                value = default;
                return false;
            }
        }

        return true;
    }
}
