{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import {{ cookiecutter.package }}.{{ N }}ServiceException.ServiceUnavailable;

/**
 * Typed readers of the service's user record, by JSON pointer; a {@code *} in a pointer maps the rest of it over every
 * element of an array.
 * <p>
 * A required value that is missing fails as {@code failed} (502), one of the wrong type as
 * {@link ServiceUnavailable}: either way the integration never signs in a user it cannot read.
 */
final class UserRecords {

    /** ISO 8601 in UTC to the second, the offset written out: what {@link #iso} writes. */
    private static final DateTimeFormatter UTC_SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'+00:00'", Locale.ROOT);

    private UserRecords() {
    }

    static String string(JsonNode record, String field, String pointer) {
        return required(optionalString(record, pointer), field, pointer);
    }

    static String optionalString(JsonNode record, String pointer) {
        JsonNode value = resolve(record, pointer);
        return (value == null) ? null : text(value, pointer);
    }

    static long integer(JsonNode record, String field, String pointer) {
        return required(optionalInteger(record, pointer), field, pointer);
    }

    static Long optionalInteger(JsonNode record, String pointer) {
        JsonNode value = resolve(record, pointer);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isString()) {
            try {
                return Long.parseLong(value.stringValue().strip());
            }
            catch (NumberFormatException ex) {
                // reported below
            }
        }
        throw wrong(pointer, "an integer", value);
    }

    static double number(JsonNode record, String field, String pointer) {
        return required(optionalNumber(record, pointer), field, pointer);
    }

    static Double optionalNumber(JsonNode record, String pointer) {
        JsonNode value = resolve(record, pointer);
        if (value == null) {
            return null;
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isString()) {
            try {
                return Double.parseDouble(value.stringValue().strip());
            }
            catch (NumberFormatException ex) {
                // reported below
            }
        }
        throw wrong(pointer, "a number", value);
    }

    static boolean bool(JsonNode record, String field, String pointer) {
        return required(optionalBool(record, pointer), field, pointer);
    }

    static Boolean optionalBool(JsonNode record, String pointer) {
        JsonNode value = resolve(record, pointer);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw wrong(pointer, "true or false", value);
        }
        return value.booleanValue();
    }

    static OffsetDateTime dateTime(JsonNode record, String field, String pointer) {
        return required(optionalDateTime(record, pointer), field, pointer);
    }

    /** An ISO 8601 date-time; one without an offset is read as UTC. */
    static OffsetDateTime optionalDateTime(JsonNode record, String pointer) {
        JsonNode value = resolve(record, pointer);
        if (value == null) {
            return null;
        }
        if (value.isString()) {
            String text = value.stringValue().strip();
            try {
                return OffsetDateTime.parse(text);
            }
            catch (DateTimeParseException ex) {
                try {
                    return LocalDateTime.parse(text).atOffset(ZoneOffset.UTC);
                }
                catch (DateTimeParseException again) {
                    // reported below
                }
            }
        }
        throw wrong(pointer, "an ISO 8601 date-time", value);
    }

    static List<String> strings(JsonNode record, String field, String pointer) {
        return required(optionalStrings(record, pointer), field, pointer);
    }

    static List<String> optionalStrings(JsonNode record, String pointer) {
        JsonNode value = resolve(record, pointer);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            throw wrong(pointer, "an array", value);
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value.values()) {
            items.add(text(item, pointer));
        }
        return List.copyOf(items);
    }
{%- if "last_segment" in cookiecutter.value_transforms %}

    /** The text after the last {@code /}: the id at the end of an href; null stays null. */
    static String lastSegment(String text) {
        return (text == null) ? null : text.substring(text.lastIndexOf('/') + 1);
    }
{%- endif %}

    /**
     * A date-time as {@code me} answers it: ISO 8601 in UTC to the second ({@code 2024-03-05T09:30:00+00:00}), as
     * every authgen integration writes a date-time.
     */
    static String iso(OffsetDateTime value) {
        return (value == null) ? null : value.withOffsetSameInstant(ZoneOffset.UTC).format(UTC_SECONDS);
    }

    /** The value at a pointer; null when it is missing or JSON null. */
    private static JsonNode resolve(JsonNode doc, String pointer) {
        String[] tokens = pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/", -1);
        return resolve(doc, tokens, 0);
    }

    private static JsonNode resolve(JsonNode doc, String[] tokens, int from) {
        JsonNode current = doc;
        for (int i = from; i < tokens.length; i++) {
            if (current == null) {
                return null;
            }
{%- if cookiecutter.pointer_filters %}
            if ("*".equals(tokens[i]) || tokens[i].startsWith("*[")) {
{%- else %}
            if ("*".equals(tokens[i])) {
{%- endif %}
                if (!current.isArray()) {
                    return null;
                }
                List<JsonNode> items = new ArrayList<>();
                for (JsonNode item : current.values()) {
{%- if cookiecutter.pointer_filters %}
                    if (!"*".equals(tokens[i]) && !keeps(item, tokens[i])) {
                        continue;
                    }
{%- endif %}
                    JsonNode found = resolve(item, tokens, i + 1);
                    if (found == null) {
                        return null;
                    }
                    items.add(found);
                }
                return JsonNodeFactory.instance.arrayNode().addAll(items);
            }
            String token = tokens[i].replace("~1", "/").replace("~0", "~");
            current = current.isArray() ? element(current, token) : current.get(token);
        }
        return (current == null || current.isNull() || current.isMissingNode()) ? null : current;
    }
{%- if cookiecutter.pointer_filters %}

    /** Whether an array element passes a {@code *[member=value]} filter: its member is exactly that text. */
    private static boolean keeps(JsonNode item, String filter) {
        int split = filter.indexOf('=');
        String member = unescape(filter.substring(2, split));
        String expected = unescape(filter.substring(split + 1, filter.length() - 1));
        JsonNode value = item.isObject() ? item.get(member) : null;
        return value != null && value.isString() && expected.equals(value.stringValue());
    }

    private static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }
{%- endif %}

    private static JsonNode element(JsonNode array, String token) {
        if (!token.matches("[0-9]{1,9}")) {
            return null;
        }
        return array.get(Integer.parseInt(token));
    }

    private static String text(JsonNode value, String pointer) {
        if (value.isString() || value.isIntegralNumber()) {
            return value.asString();
        }
        throw wrong(pointer, "text", value);
    }

    /** A required field's value; missing or null, the service answered something unexpected (502 {@code failed}). */
    private static <T> T required(T value, String field, String pointer) {
        if (value == null) {
            throw new {{ N }}ServiceException(
                    "get_user: field '" + field + "' (" + (pointer.isEmpty() ? "/" : pointer) + ") is missing or null");
        }
        return value;
    }

    private static ServiceUnavailable wrong(String pointer, String expected, JsonNode value) {
        String found = value.getNodeType().name().toLowerCase(Locale.ROOT);
        return new ServiceUnavailable(
                "the user record has " + found + " at " + pointer + " where it needs " + expected);
    }

}
