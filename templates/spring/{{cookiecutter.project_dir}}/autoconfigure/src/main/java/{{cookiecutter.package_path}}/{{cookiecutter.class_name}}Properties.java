{%- set N = cookiecutter.class_name -%}
{%- set S = cookiecutter.slug -%}
package {{ cookiecutter.package }};

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.validation.Errors;
import org.springframework.validation.ValidationUtils;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
{% filter javawrap %}Settings of the {{ cookiecutter.service_name | javadoc }} integration, under {@code {{ S }}.*}.{% endfilter %}
 * <p>
{%- set last = cookiecutter.settings[-1] %}
{% filter javawrap %}Spring binds them from every property source, with relaxed names: {@code {{ last.property }}} in
{@code application.properties}, {@code {{ last.property | upper | replace(".", "_") | replace("-", "_") }}} in the environment. Each
service setting also falls back to the environment variable the service's spec names (see
{@link {{ N }}EnvironmentPostProcessor}). A missing or invalid setting stops the application at start-up with a
message naming it.{% endfilter %}
 */
@ConfigurationProperties({{ N }}Properties.PREFIX)
@Validated
public class {{ N }}Properties implements Validator {

    /** The prefix of every property of the integration. */
    public static final String PREFIX = {{ S | java }};

    /** The route prefix as a placeholder, for request mappings. */
    public static final String ROUTE_PREFIX_PLACEHOLDER = "${" + PREFIX + ".route-prefix:/auth}";
{% for s in cookiecutter.settings %}
    /**
{% filter javawrap("     * ") %}{{ s.description | javadoc }}.{% if s.secret %} A secret: keep it out of source control.{% endif %} Environment variable: {{ s.env }}.{% endfilter %}
     */
{%- if s.required %}
    @NotBlank(message = "is required: set {{ s.property }} or the {{ s.env }} environment variable")
{%- endif %}
{%- if s.name == "base_url" %}
    @Pattern(regexp = "https?://\\S+", message = "must be an http:// or https:// URL")
{%- endif %}
    private String {{ s.field }}{% if s.default is not none %} = {{ s.default }}{% endif %};
{% endfor %}
    /** Time to wait for the identity service before failing closed with a 503; a bare number is seconds. */
    @NotNull
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration timeout = {{ cookiecutter.timeout }};
{%- if not cookiecutter.is_oidc %}

    /** Retries of a GET whose connection failed; no other request, nor one the service answered, is retried. */
    @Min(0)
    @Max(5)
    private int retries = 2;
{%- endif %}

    /**
     * How long the signed-in user is trusted before it is fetched from the service again; a bare number is
     * seconds. Within it, requests cost no call to the service.
     */
    @NotNull
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration sessionTtl = Duration.ofMinutes(5);

    /**
     * The Redis that several instances share their HTTP sessions through, such as redis://127.0.0.1:6379/0; needs
     * spring-boot-starter-session-data-redis. Unset, sessions stay in the servlet container's memory.
     */
    private String redisUrl;

    /** Where the routes live: /auth/login, /auth/me and the others with the default. */
    @NotNull
    @Pattern(regexp = "(/[A-Za-z0-9._~-]+)+", message = "must be a path such as /auth, without a trailing slash")
    private String routePrefix = "/auth";
{%- if not cookiecutter.is_oidc %}

    /** Failed sign-ins allowed before sign-in is refused for a while (429); off unless set. */
    @Valid
    private final LoginLimit loginLimit = new LoginLimit();
{%- endif %}

    /** Brand name, logo and colour of the pages. */
    @Valid
    private final Branding branding = new Branding();

    /** The pages the integration renders, each replaceable by the application's own. */
    @Valid
    private final Pages pages = new Pages();
{% for s in cookiecutter.settings %}
    public String {{ s.getter }}() {
        return this.{{ s.field }};
    }

    public void {{ s.setter }}(String {{ s.field }}) {
        this.{{ s.field }} = {{ s.field }};
    }
{% endfor %}
    public Duration getTimeout() {
        return this.timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }
{%- if not cookiecutter.is_oidc %}

    public int getRetries() {
        return this.retries;
    }

    public void setRetries(int retries) {
        this.retries = retries;
    }
{%- endif %}

    public Duration getSessionTtl() {
        return this.sessionTtl;
    }

    public void setSessionTtl(Duration sessionTtl) {
        this.sessionTtl = sessionTtl;
    }

    public String getRedisUrl() {
        return this.redisUrl;
    }

    public void setRedisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
    }

    public String getRoutePrefix() {
        return this.routePrefix;
    }

    public void setRoutePrefix(String routePrefix) {
        this.routePrefix = routePrefix;
    }
{%- if not cookiecutter.is_oidc %}

    public LoginLimit getLoginLimit() {
        return this.loginLimit;
    }
{%- endif %}

    public Branding getBranding() {
        return this.branding;
    }

    /**
     * Spring Boot checks the properties with this object itself as well as with Bean Validation: without a Bean
     * Validation provider on the class path (the starter brings one, the auto-configuration module alone does not), the
     * annotations above are not checked, and a missing required setting still has to stop the start.
     * @param type the type of the object to check
     * @return whether it is these properties
     */
    @Override
    public boolean supports(Class<?> type) {
        return {{ N }}Properties.class.isAssignableFrom(type);
    }

    /**
     * Rejects each required setting that is missing, unless Bean Validation rejected it already.
     * @param target these properties
     * @param errors where Spring Boot collects what is wrong
     */
    @Override
    public void validate(Object target, Errors errors) {
{%- for s in cookiecutter.required_settings %}
        if (!errors.hasFieldErrors({{ s.field | java }})) {
            ValidationUtils.rejectIfEmptyOrWhitespace(errors, {{ s.field | java }}, "required",
                    "is required: set {{ s.property }} or the {{ s.env }} environment variable");
        }
{%- endfor %}
    }
{%- if not cookiecutter.is_oidc %}

    /**
{% filter javawrap("     * ") %}The failed sign-in throttle (see {@link {{ N }}LoginThrottle}). Spring's relaxed binding reads the
environment too: {@code {{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_ACCOUNT}, {@code {{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_CLIENT} and
{@code {{ cookiecutter.config_prefix }}_LOGIN_LIMIT_WINDOW} (seconds).{% endfilter %}
     */
    public static class LoginLimit {

        /**
         * Failed sign-ins for one username (as submitted, whether or not the account exists) within the window,
         * after which sign-in for it is refused until the window has passed; 0 is off.
         */
        @Min(0)
        private int perAccount;

        /** Failed sign-ins from one client address within the window, after which it is refused; 0 is off. */
        @Min(0)
        private int perClient;

        /** How long failures are counted for, from the first; a bare number is seconds. */
        @NotNull
        @DurationMin(seconds = 1)
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration window = Duration.ofMinutes(5);

        public int getPerAccount() {
            return this.perAccount;
        }

        public void setPerAccount(int perAccount) {
            this.perAccount = perAccount;
        }

        public int getPerClient() {
            return this.perClient;
        }

        public void setPerClient(int perClient) {
            this.perClient = perClient;
        }

        public Duration getWindow() {
            return this.window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

    }

{%- endif %}

    public Pages getPages() {
        return this.pages;
    }

    /** What the pages show: the settings a site changes instead of generated code. */
    public static class Branding {

        /** The name at the top of the pages and in their titles. */
        @NotBlank
        private String name = {{ cookiecutter.service_name | java }};

        /** An image shown instead of the name, when set: an http(s) URL or a path on this site. */
        @Pattern(regexp = "(https?://|/)[^\\s\"'<>]*", message = "must be an http(s) URL or a path starting with /")
        private String logoUrl;

        /** The colour of buttons, links and focus rings: a hex colour such as #4f46e5, or a CSS colour name. */
        @NotNull
        @Pattern(regexp = "#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{3,30}",
                message = "must be a hex colour like #4f46e5 or a CSS colour name")
        private String primaryColor = "#4f46e5";

        public String getName() {
            return this.name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getLogoUrl() {
            return this.logoUrl;
        }

        public void setLogoUrl(String logoUrl) {
            this.logoUrl = logoUrl;
        }

        public String getPrimaryColor() {
            return this.primaryColor;
        }

        public void setPrimaryColor(String primaryColor) {
            this.primaryColor = primaryColor;
        }

    }

    /**
{% filter javawrap("     * ") %}The pages, each a Thymeleaf view name ({@code {{ S }}/login} is the starter's own) or a static HTML file given
as {@code classpath:/...} or {@code file:...}. An application can also override a page by shipping a template of the
same name, {@code templates/{{ S }}/login.html}.{% endfilter %}
     */
    public static class Pages {

        /** The sign-in page. */
        @NotBlank
        private String login = {{ (S ~ "/login") | java }};
{%- if cookiecutter.has_register %}

        /** The page that creates an account. */
        @NotBlank
        private String register = {{ (S ~ "/register") | java }};
{%- endif %}
{%- if cookiecutter.has_forgot_password %}

        /** The page that starts a password reset, and confirms it. */
        @NotBlank
        private String forgot = {{ (S ~ "/forgot") | java }};
{%- endif %}
{%- if cookiecutter.has_reset_password %}

        /** The page the reset link in the service's email opens, which sets a new password. */
        @NotBlank
        private String reset = {{ (S ~ "/reset") | java }};
{%- endif %}
{%- if cookiecutter.has_verify_email %}

        /** The page the verification link in the service's email opens, which verifies the address. */
        @NotBlank
        private String verify = {{ (S ~ "/verify") | java }};
{%- endif %}
{%- if cookiecutter.has_change_password %}

        /** The page where a signed-in user changes the password. */
        @NotBlank
        private String password = {{ (S ~ "/password") | java }};
{%- endif %}

        /** The page of a signed-in user who lacks the role a page needs. */
        @NotBlank
        private String forbidden = {{ (S ~ "/forbidden") | java }};

        /** The page of everything else that went wrong: an expired form, the service being down. */
        @NotBlank
        private String error = {{ (S ~ "/error") | java }};

        public String getLogin() {
            return this.login;
        }

        public void setLogin(String login) {
            this.login = login;
        }
{%- if cookiecutter.has_register %}

        public String getRegister() {
            return this.register;
        }

        public void setRegister(String register) {
            this.register = register;
        }
{%- endif %}
{%- if cookiecutter.has_forgot_password %}

        public String getForgot() {
            return this.forgot;
        }

        public void setForgot(String forgot) {
            this.forgot = forgot;
        }
{%- endif %}
{%- if cookiecutter.has_reset_password %}

        public String getReset() {
            return this.reset;
        }

        public void setReset(String reset) {
            this.reset = reset;
        }
{%- endif %}
{%- if cookiecutter.has_verify_email %}

        public String getVerify() {
            return this.verify;
        }

        public void setVerify(String verify) {
            this.verify = verify;
        }
{%- endif %}
{%- if cookiecutter.has_change_password %}

        public String getPassword() {
            return this.password;
        }

        public void setPassword(String password) {
            this.password = password;
        }
{%- endif %}

        public String getForbidden() {
            return this.forbidden;
        }

        public void setForbidden(String forbidden) {
            this.forbidden = forbidden;
        }

        public String getError() {
            return this.error;
        }

        public void setError(String error) {
            this.error = error;
        }

    }

}
