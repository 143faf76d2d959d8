using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace Acme.AspNetCore;

/// <summary>
/// Reads typed values out of the service's user record by JSON pointer. A required value that is missing
/// is a <c>failed</c> <see cref="AcmeException"/>, one of the wrong type a
/// <see cref="FormatException"/>; optional readers answer null for a missing value.
/// </summary>
internal static class UserRecord
{
    public static string Text(JsonElement record, string field, string pointer) =>
        OptionalText(record, pointer) ?? throw Missing(field, pointer);

    public static string? OptionalText(JsonElement record, string pointer)
    {
        if (!Find(record, pointer, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number when value.TryGetInt64(out long number) => number.ToString(CultureInfo.InvariantCulture),
            _ => throw Wrong(pointer, "text", value),
        };
    }

    /// <summary>Any scalar as text (<c>true</c>, <c>12</c>, <c>ACTIVE</c>), for comparisons; null when missing.</summary>
    public static string? ScalarText(JsonElement record, string pointer)
    {
        if (!Find(record, pointer, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    public static long Integer(JsonElement record, string field, string pointer) =>
        OptionalInteger(record, pointer) ?? throw Missing(field, pointer);

    public static long? OptionalInteger(JsonElement record, string pointer)
    {
        if (!Find(record, pointer, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String
            && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed))
        {
            return parsed;
        }

        throw Wrong(pointer, "an integer", value);
    }

    public static double Number(JsonElement record, string field, string pointer) =>
        OptionalNumber(record, pointer) ?? throw Missing(field, pointer);

    public static double? OptionalNumber(JsonElement record, string pointer)
    {
        if (!Find(record, pointer, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        if (value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            return parsed;
        }

        throw Wrong(pointer, "a number", value);
    }

    public static bool Flag(JsonElement record, string field, string pointer) =>
        OptionalFlag(record, pointer) ?? throw Missing(field, pointer);

    public static bool? OptionalFlag(JsonElement record, string pointer)
    {
        if (!Find(record, pointer, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Wrong(pointer, "true or false", value),
        };
    }

    public static DateTimeOffset Instant(JsonElement record, string field, string pointer) =>
        OptionalInstant(record, pointer) ?? throw Missing(field, pointer);

    public static DateTimeOffset? OptionalInstant(JsonElement record, string pointer)
    {
        if (!Find(record, pointer, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
        {
            return parsed;
        }

        throw Wrong(pointer, "an ISO 8601 date-time", value);
    }

    public static IReadOnlyList<string> TextList(JsonElement record, string field, string pointer) =>
        OptionalTextList(record, pointer) ?? throw Missing(field, pointer);

    public static IReadOnlyList<string> TextListOrEmpty(JsonElement record, string pointer) =>
        OptionalTextList(record, pointer) ?? [];

    private static List<string>? OptionalTextList(JsonElement record, string pointer)
    {
        List<JsonElement>? items = JsonPointer.ResolveAll(record, pointer);
        if (items is null)
        {
            if (Find(record, pointer, out JsonElement value))
            {
                throw Wrong(pointer, "an array", value);
            }

            return null;
        }

        List<string> texts = new(items.Count);
        foreach (JsonElement item in items)
        {
            texts.Add(item.ValueKind switch
            {
                JsonValueKind.String => item.GetString() ?? string.Empty,
                JsonValueKind.Number when item.TryGetInt64(out long number) => number.ToString(CultureInfo.InvariantCulture),
                _ => throw Wrong(pointer, "an array of text", item),
            });
        }

        return texts;
    }

    /// <summary>The value at <paramref name="pointer"/>, unless it is missing or JSON null.</summary>
    private static bool Find(JsonElement record, string pointer, out JsonElement value) =>
        JsonPointer.TryResolve(record, pointer, out value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>A required field missing or null: the service answered something unexpected (502 <c>failed</c>).</summary>
    private static AcmeException Missing(string field, string pointer) =>
        new($"get_user: field '{field}' ({(pointer.Length == 0 ? "/" : pointer)}) is missing or null");

    private static FormatException Wrong(string pointer, string expected, JsonElement value) =>
        new($"the user record has {value.ValueKind} at {pointer}, not {expected}");
}
