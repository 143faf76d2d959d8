{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};
{%- for group in cookiecutter.client_imports %}
{% for name in group %}
import {{ name }};
{%- endfor %}
{%- endfor %}

/**
{% filter javawrap %}Talks to {{ cookiecutter.service_name | javadoc }}: one instance per application, a bean of the auto-configuration.{% endfilter %}
 * <p>
 * Each method is the straight-line sequence of requests the service's API needs. A request that takes longer than
 * the timeout fails; only GET requests are sent again, when their connection failed or the service answered 5xx: a
 * POST is never sent twice. Anything unexpected fails closed, as {@link ServiceUnavailable}.
 */
public class {{ N }}Client {

    private final JsonMapper mapper = JsonMapper.shared();
{% for s in cookiecutter.settings %}
    private final String {{ s.field }};
{% endfor %}
    private final ServiceTransport transport;

    /**
     * A client that sends its requests with the given {@link RestClient}.
     * <p>
     * The auto-configuration builds it from Spring Boot's {@code RestClient.Builder}, so that the application's
     * customizers (observation, interceptors, SSL) apply, with {@code {{ cookiecutter.slug }}.timeout} as connect and
     * read timeout and redirects not followed.
     * @param properties the {@code {{ cookiecutter.slug }}.*} properties
     * @param http the REST client
     */
    public {{ N }}Client({{ N }}Properties properties, RestClient http) {
{%- for s in cookiecutter.settings %}
        this.{{ s.field }} = properties.{{ s.getter }}(){% if s.name == "base_url" %}.replaceAll("/+$", ""){% endif %};
{%- endfor %}
        this.transport = new ServiceTransport(http, this.mapper, properties.getTimeout(), properties.getRetries());
    }
{%- set login = cookiecutter.ops.login %}

    /**
     * Sign a user in.
     * @param username what the user signs in with
     * @param password the user's password; it goes to the service only
     * @return the service session: secrets, to keep server-side
     * @throws {{ N }}ServiceException when the service refuses, or fails
     */
    public {{ N }}ServiceSession login(String username, String password) {
{%- for step in login.steps %}
{%- for line in step.lines %}
        {{ line }}
{%- endfor %}
{%- endfor %}
        return new {{ N }}ServiceSession({{ login.returns }});
    }
{%- set get_user = cookiecutter.ops.get_user %}

    /**
     * Fetch the user record of a service session made by {@link #login(String, String)}.
     * @param session the service session
     * @return the user record, as the service sent it
     * @throws {{ N }}ServiceException when the session has ended, the user is gone, or the service fails
     */
    public JsonNode getUser({{ N }}ServiceSession session) {
{%- for local, key in get_user.session_locals %}
        String {{ local }} = session.value({{ key | java }});
{%- endfor %}
{%- for step in get_user.steps %}
{%- for line in step.lines %}
        {{ line }}
{%- endfor %}
{%- endfor %}
    }
{%- if cookiecutter.has_register %}
{%- set register = cookiecutter.ops.register %}

    /**
     * Create an account; the user signs in afterwards.
{%- for p in register.params %}
     * @param {{ p.java }} the {{ p.name | javadoc }} the user entered
{%- endfor %}
{% filter javawrap("     * ") %}@throws {{ N }}ServiceException when the service refuses (e.g. {@link {{ N }}ServiceException.Conflict}), or fails{% endfilter %}
     */
    public void register({% for p in register.params %}String {{ p.java }}{% if not loop.last %}, {% endif %}{% endfor %}) {
{%- for step in register.steps %}
{%- for line in step.lines %}
        {{ line }}
{%- endfor %}
{%- endfor %}
    }
{%- endif %}
{%- if cookiecutter.has_forgot_password %}
{%- set forgot = cookiecutter.ops.forgot_password %}

    /**
     * Ask the service to send a password reset message.
{%- for p in forgot.params %}
     * @param {{ p.java }} the {{ p.name | javadoc }} the user entered
{%- endfor %}
     * @throws {{ N }}ServiceException when the service refuses, or fails
     */
    public void forgotPassword({% for p in forgot.params %}String {{ p.java }}{% if not loop.last %}, {% endif %}{% endfor %}) {
{%- for step in forgot.steps %}
{%- for line in step.lines %}
        {{ line }}
{%- endfor %}
{%- endfor %}
    }
{%- endif %}
{%- for op in cookiecutter.lifecycle_ops %}

    /**
{%- for line in op.doc %}
     * {{ line }}
{%- endfor %}
     */
    {{ op.signature }} {
{%- for local, key in op.session_locals %}
        String {{ local }} = session.value({{ key | java }});
{%- endfor %}
{%- for local, key in op.input_locals %}
        String {{ local }} = required(input, {{ key | java }});
{%- endfor %}
{%- for step in op.steps %}
{%- for line in step.lines %}
        {{ line }}
{%- endfor %}
{%- endfor %}
{%- for line in op.return_lines %}
        {{ line }}
{%- endfor %}
    }
{%- endfor %}

    /**
     * Send one request; return its JSON body (an empty object when it has none) or throw the error it means.
     * @param step the step as the spec writes it, such as {@code GET /v1/users/{session.user_id}}: what messages name,
     * since the URL itself may hold values of the user's
     */
    private JsonNode send(String step, ServiceRequest request) {
        request.describedAs(step);
        ServiceRequest.Response response = this.transport.send(request);
        byte[] body = response.body();
        JsonNode json = null;
        if (body.length > 0) {
            try {
                json = this.mapper.readTree(body);
            }
            catch (JacksonException ex) {
                json = null;
            }
        }
        if (!request.succeeded(response.status())) {
            throw request.error(response.status(), json);
        }
        if (body.length == 0) {
            return this.mapper.createObjectNode();
        }
        if (json == null) {
            throw new ServiceUnavailable(request.describe() + ": the response is not JSON");
        }
        return json;
    }
{%- if cookiecutter.uses_object %}

    private ObjectNode object() {
        return this.mapper.createObjectNode();
    }
{%- endif %}
{%- if cookiecutter.optional_inputs %}

    /** An object holding {@code name} only when {@code value} has text: an optional input left empty is left out. */
    private ObjectNode unlessEmpty(String name, String value) {
        return (value == null || value.isEmpty()) ? object() : object().put(name, value);
    }
{%- endif %}
{%- if cookiecutter.uses_array %}

    private ArrayNode array() {
        return this.mapper.createArrayNode();
    }
{%- endif %}

    /** The text (or number, as text) the service must have sent at a JSON pointer. */
    private static String text(JsonNode body, String pointer) {
        JsonNode value = body.at(pointer);
        if (value.isString() || value.isIntegralNumber()) {
            return value.asString();
        }
        throw new ServiceUnavailable("the response has no value at " + (pointer.isEmpty() ? "/" : pointer));
    }

    /** The user record the service must have sent at a JSON pointer. */
    private static JsonNode record(JsonNode body, String pointer) {
        JsonNode value = body.at(pointer);
        if (!value.isObject()) {
            throw new ServiceUnavailable("the response has no user record at " + (pointer.isEmpty() ? "/" : pointer));
        }
        return value;
    }
{%- if "deadline" in cookiecutter.helpers %}

    /**
     * The deadline of an access token that lives {@code expires_in} seconds (at a JSON pointer), in epoch seconds, as
     * text. It comes a little early (up to 5 seconds, a tenth of short lifetimes), so that no request sets out with a
     * token about to expire.
     */
    private static String deadline(JsonNode body, String pointer) {
        JsonNode value = body.at(pointer);
        double seconds = Double.NaN;
        if (value.isNumber()) {
            seconds = value.asDouble();
        }
        else if (value.isString()) {
            try {
                seconds = Double.parseDouble(value.asString().trim());
            }
            catch (NumberFormatException ex) {
                seconds = Double.NaN;
            }
        }
        if (!Double.isFinite(seconds) || seconds < 0) {
            throw new ServiceUnavailable(
                    "the response has no lifetime in seconds at " + (pointer.isEmpty() ? "/" : pointer));
        }
        double now = System.currentTimeMillis() / 1000.0;
        return Long.toString((long) Math.floor(now + seconds - Math.min(5, seconds / 10)));
    }
{%- endif %}
{%- if "required" in cookiecutter.helpers %}

    /** What the user entered under an input name of the spec; the caller must give each. */
    private static String required(Map<String, String> input, String name) {
        String value = input.get(name);
        if (value == null) {
            throw new IllegalArgumentException("No " + name + " given");
        }
        return value;
    }
{%- endif %}
{%- if "percentEncode" in cookiecutter.helpers %}

    /** Percent-encode a value for one URL path segment or form field. */
    private static String percentEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
{%- endif %}
{%- if "base64" in cookiecutter.helpers %}

    /** Standard base64 of the UTF-8 text. */
    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
{%- endif %}

}
