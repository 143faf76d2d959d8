using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Acme.AspNetCore.Tests;

/// <summary>Compares JSON the way the contract reads it: date-times as instants, numbers by value.</summary>
public static class JsonAssert
{
    /// <summary>Fail unless <paramref name="actual"/> holds the same JSON as <paramref name="expected"/>.</summary>
    public static void Equivalent(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        if (expected is null)
        {
            Assert.True(actual is null, $"{path}: expected null, got {actual?.ToJsonString()}");
            return;
        }

        if (expected is JsonObject expectedObject)
        {
            JsonObject actualObject = Assert.IsType<JsonObject>(actual);
            Assert.Equal(expectedObject.Select(p => p.Key).Order(), actualObject.Select(p => p.Key).Order());
            foreach ((string key, JsonNode? value) in expectedObject)
            {
                Equivalent(value, actualObject[key], $"{path}.{key}");
            }

            return;
        }

        if (expected is JsonArray expectedArray)
        {
            JsonArray actualArray = Assert.IsType<JsonArray>(actual);
            Assert.True(expectedArray.Count == actualArray.Count, $"{path}: expected {expectedArray.Count} items, got {actualArray.Count}");
            for (int i = 0; i < expectedArray.Count; i++)
            {
                Equivalent(expectedArray[i], actualArray[i], $"{path}[{i}]");
            }

            return;
        }

        JsonValue expectedValue = expected.AsValue();
        JsonValue actualValue = Assert.IsAssignableFrom<JsonValue>(actual);
        JsonValueKind kind = expectedValue.GetValueKind();
        Assert.True(kind == actualValue.GetValueKind(), $"{path}: expected {expected.ToJsonString()}, got {actual.ToJsonString()}");
        if (kind == JsonValueKind.String
            && DateTimeOffset.TryParse(expectedValue.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset expectedInstant)
            && expectedValue.GetValue<string>().Contains('T', StringComparison.Ordinal))
        {
            Assert.True(
                DateTimeOffset.TryParse(actualValue.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset actualInstant)
                && actualInstant == expectedInstant,
                $"{path}: expected the instant {expected.ToJsonString()}, got {actual.ToJsonString()}");
            return;
        }

        if (kind == JsonValueKind.Number)
        {
            Assert.True(
                decimal.Parse(expected.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
                == decimal.Parse(actual.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
                $"{path}: expected {expected.ToJsonString()}, got {actual.ToJsonString()}");
            return;
        }

        Assert.True(JsonNode.DeepEquals(expected, actual), $"{path}: expected {expected.ToJsonString()}, got {actual.ToJsonString()}");
    }
}
