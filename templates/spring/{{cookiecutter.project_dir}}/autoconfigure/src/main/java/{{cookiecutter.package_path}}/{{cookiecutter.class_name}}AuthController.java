{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

import java.io.IOException;
import java.io.InputStream;
{%- if cookiecutter.change_refreshes %}
import java.io.Serial;
{%- endif %}
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
{%- if cookiecutter.has_change_password %}
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
{%- endif %}
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationServiceException;
{%- if cookiecutter.change_refreshes %}
import org.springframework.security.authentication.CredentialsExpiredException;
{%- endif %}
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.logout.CompositeLogoutHandler;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.authentication.session.CompositeSessionAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfAuthenticationStrategy;
import org.springframework.security.web.csrf.CsrfLogoutHandler;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.view.RedirectView;
{%- if cookiecutter.has_forgot_password %}

import {{ cookiecutter.package }}.{{ N }}ServiceException.UserNotFound;
{%- endif %}

/**
 * The integration's routes under {@code {{ cookiecutter.slug }}.route-prefix} ({@code /auth} by default): login, logout, me,
 * csrf{% if cookiecutter.has_register %}, register{% endif %}{% if cookiecutter.has_forgot_password %}, forgot{% endif %}{% if cookiecutter.has_reset_password %}, reset{% endif %}{% if cookiecutter.has_verify_email %}, verify{% endif %}{% if cookiecutter.has_change_password %}, password{% endif %}.
 * <p>
 * Each route answers browsers with pages and API clients with JSON, as {@code Accept} asks. Posts come as forms with
 * the CSRF field, or as JSON ({@code Content-Type: application/json}) with the CSRF header; {@code GET csrf} tells
 * API clients both names and a token. Signing in makes a new session (its id changes, and so does the CSRF token).
 */
@Controller
@RequestMapping({{ N }}Properties.ROUTE_PREFIX_PLACEHOLDER)
public class {{ N }}AuthController {

    /** The longest text accepted in a field, so no one can post megabytes to the service. */
    public static final int MAX_INPUT_LENGTH = 1024;

    /**
     * The longest {@code next} followed; a longer one is dropped like any unsafe one (a {@code Location} header of
     * many kilobytes is more than servers and proxies will send).
     */
    public static final int MAX_NEXT_LENGTH = 2048;

    /** What a sign-in refused by the throttle is told, whether or not the account exists. */
    public static final String TOO_MANY_ATTEMPTS = {{ cookiecutter.messages.error.too_many_attempts | java }};

{%- if cookiecutter.email_links %}

    /** What a link without its token is told. */
    public static final String INCOMPLETE_LINK =
            {{ cookiecutter.messages.incomplete_link | java }};
{%- endif %}
{%- if cookiecutter.new_passwords %}

    /** What a form whose two new passwords differ is told; the service is not asked. */
    public static final String PASSWORDS_DIFFER = {{ cookiecutter.messages.passwords_differ | java }};
{%- endif %}
{%- if cookiecutter.has_reset_password %}

    /** The query parameter of the reset link in the service's email that holds the token. */
    public static final String RESET_TOKEN_PARAMETER = {{ cookiecutter.reset_token_query | java }};
{%- endif %}
{%- if cookiecutter.has_verify_email %}

    /** The query parameter of the verification link in the service's email that holds the token. */
    public static final String VERIFY_TOKEN_PARAMETER = {{ cookiecutter.verify_token_query | java }};
{%- endif %}

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** The largest JSON body read. */
    private static final int MAX_JSON_BODY = 64 * 1024;

    private static final List<FormField> LOGIN_FIELDS = List.of(
{%- for input in cookiecutter.login_inputs %}
            new FormField({{ input.name | java }}, {{ input.label | java }}, {{ input.html_type | java }}, {{ input.autocomplete | java }}){% if not loop.last %},{% else %});{% endif %}
{%- endfor %}
{%- if cookiecutter.has_register %}

    private static final List<FormField> REGISTER_FIELDS = List.of(
{%- for input in cookiecutter.register_inputs %}
            new FormField({{ input.name | java }}, {{ input.label | java }}, {{ input.html_type | java }}, {{ input.autocomplete | java }}{% if not input.required %}, false{% endif %}){% if not loop.last %},{% else %});{% endif %}
{%- endfor %}
{%- endif %}
{%- if cookiecutter.has_forgot_password %}

    private static final List<FormField> FORGOT_FIELDS = List.of(
{%- for input in cookiecutter.forgot_inputs %}
            new FormField({{ input.name | java }}, {{ input.label | java }}, {{ input.html_type | java }}, {{ input.autocomplete | java }}{% if not input.required %}, false{% endif %}){% if not loop.last %},{% else %});{% endif %}
{%- endfor %}
{%- endif %}

{%- if cookiecutter.has_reset_password %}

    private static final List<FormField> RESET_FIELDS = List.of(
{%- for input in cookiecutter.reset_inputs %}
            new FormField({{ input.name | java }}, {{ input.label | java }}, {{ input.html_type | java }}, {{ input.autocomplete | java }}){% if not loop.last %},{% else %});{% endif %}
{%- endfor %}
{%- endif %}
{%- if cookiecutter.has_change_password %}

    private static final List<FormField> PASSWORD_FIELDS = List.of(
{%- for input in cookiecutter.change_password_inputs %}
            new FormField({{ input.name | java }}, {{ input.label | java }}, {{ input.html_type | java }}, {{ input.autocomplete | java }}){% if not loop.last %},{% else %});{% endif %}
{%- endfor %}
{%- endif %}

    private static final Log logger = LogFactory.getLog({{ N }}AuthController.class);

    private final {{ N }}Properties properties;

    private final {{ N }}Client client;

    private final AuthenticationManager authenticationManager;

    private final SecurityContextRepository securityContextRepository;

    private final SessionAuthenticationStrategy sessionStrategy;

    private final LogoutHandler logoutHandler;

    private final {{ N }}LoginThrottle throttle;

    private final {{ N }}Pages pages;
{%- if cookiecutter.change_refreshes %}

    private final {{ N }}SessionRefresher refresher;
{%- endif %}

    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    /**
     * The routes.
     * @param properties the integration's properties
     * @param client the service's client
     * @param authenticationManager signs users in, with {@link {{ N }}AuthenticationProvider}
     * @param securityContextRepository where the signed-in user is kept: the HTTP session
     * @param csrfTokens the CSRF tokens of the integration's security filter chain
     * @param throttle limits failed sign-ins
     * @param pages renders the pages
{%- if cookiecutter.change_refreshes %}
     * @param refresher renews the service session when changing the password finds it expired
{%- endif %}
     */
    public {{ N }}AuthController({{ N }}Properties properties, {{ N }}Client client,
            AuthenticationManager authenticationManager, SecurityContextRepository securityContextRepository,
            CsrfTokenRepository csrfTokens, {{ N }}LoginThrottle throttle, {{ N }}Pages pages{% if cookiecutter.change_refreshes %},
            {{ N }}SessionRefresher refresher{% endif %}) {
        this.properties = properties;
        this.client = client;
        this.authenticationManager = authenticationManager;
        this.securityContextRepository = securityContextRepository;
        this.sessionStrategy = new CompositeSessionAuthenticationStrategy(
                List.of(new ChangeSessionIdAuthenticationStrategy(), new CsrfAuthenticationStrategy(csrfTokens)));
        SecurityContextLogoutHandler signOut = new SecurityContextLogoutHandler();
        signOut.setSecurityContextRepository(securityContextRepository);
        this.logoutHandler = new CompositeLogoutHandler(new CsrfLogoutHandler(csrfTokens), signOut);
        this.throttle = throttle;
        this.pages = pages;
{%- if cookiecutter.change_refreshes %}
        this.refresher = refresher;
{%- endif %}
    }

    // -- login ----------------------------------------------------------------------------------------

    /**
     * The login page.
     * @param next where to go after signing in: followed only when it is a path on this site
     * @param registered set when the user has just created an account
     * @param request the request
     * @return the page
     */
    @GetMapping(path = "/login", produces = MediaType.TEXT_HTML_VALUE)
    public ModelAndView loginPage(@RequestParam(name = "next", required = false) String next,
            @RequestParam(name = "registered", required = false) String registered, HttpServletRequest request) {
        Map<String, Object> model = formModel(LOGIN_FIELDS, Map.of(), Map.of(), null);
        model.put("next", safeNext(next));
        if (registered != null) {
            model.put("notice", {{ cookiecutter.messages.registered | java }});
        }
        return this.pages.page(this.properties.getPages().getLogin(), request, HttpStatus.OK, model);
    }

    /**
     * Sign a user in, from the login form or from JSON {@code {"username": ..., "password": ...}}. Too many failed
     * attempts for the username or from the client's address are answered 429 without asking the service (see
     * {@link {{ N }}LoginThrottle}).
     * @param request the request
     * @param response the response, which gets the new session's cookie
     * @return JSON {@code {"user": ..., "csrf_token": ...}}, or a redirect to {@code next}; the error otherwise
     */
    @PostMapping("/login")
    public ModelAndView login(HttpServletRequest request, HttpServletResponse response) {
        Negotiation.Answer answer = answerOrRefuse(request);
        Map<String, String> values = read(request, LOGIN_FIELDS, "next");
        Map<String, String> problems = check(values, LOGIN_FIELDS);
        String next = safeNext(values.get("next"));
        if (!problems.isEmpty()) {
            return invalid(answer, request, problems, loginModel(values, next, problems, null));
        }
        String username = values.get("username").strip();
        long wait = this.throttle.secondsToWait(username, request.getRemoteAddr());
        if (wait > 0) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(wait));
            return loginRefused(answer, request, values, next, HttpStatus.TOO_MANY_REQUESTS, "too_many_attempts",
                    TOO_MANY_ATTEMPTS);
        }
        Authentication result;
        try {
            result = this.authenticationManager
                .authenticate(UsernamePasswordAuthenticationToken.unauthenticated(username, values.get("password")));
        }
        catch (AuthenticationException ex) {
            Refusal refusal = Refusal.of(ex);
            if (refusal.countsAsFailure()) {
                this.throttle.failed(username, request.getRemoteAddr());
            }
            return loginRefused(answer, request, values, next, refusal.status(), refusal.code(), refusal.message());
        }
        this.throttle.succeeded(username);
        this.sessionStrategy.onAuthentication(result, request, response);
        SecurityContext context = this.holder.createEmptyContext();
        context.setAuthentication(result);
        this.holder.setContext(context);
        this.securityContextRepository.saveContext(context, request, response);
        if (answer == Negotiation.Answer.JSON) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("user", (({{ N }}User) result.getPrincipal()).toMap());
            body.put("csrf_token", csrfToken(request));
            return JsonAnswers.answer(HttpStatus.OK, body);
        }
        return seeOther((next != null) ? next : request.getContextPath() + "/");
    }

    /** A refused sign-in: the JSON error, or the login page again with the message. */
    private ModelAndView loginRefused(Negotiation.Answer answer, HttpServletRequest request, Map<String, String> values,
            String next, HttpStatusCode status, String code, String message) {
        if (answer == Negotiation.Answer.JSON) {
            return JsonAnswers.answer(status, JsonAnswers.error(code, message));
        }
        return this.pages.page(this.properties.getPages().getLogin(), request, status,
                loginModel(values, next, Map.of(), message));
    }

    private Map<String, Object> loginModel(Map<String, String> values, String next, Map<String, String> problems,
            String error) {
        Map<String, Object> model = formModel(LOGIN_FIELDS, values, problems, error);
        model.put("next", next);
        return model;
    }

    // -- logout, me, csrf -------------------------------------------------------------------------------

    /**
     * Sign out: a POST with the CSRF token, so no link or image can sign anyone out.
{%- if cookiecutter.has_logout %}
     * The service session ends at the service first; when that fails, the failure is logged and the user is signed
     * out here all the same.
{%- endif %}
     * @param request the request
     * @param response the response
     * @return 204 for API clients, a redirect to the login page for browsers
     */
    @PostMapping("/logout")
    public ModelAndView logout(HttpServletRequest request, HttpServletResponse response) {
        Negotiation.Answer answer = answerOrRefuse(request);
        Authentication authentication = this.holder.getContext().getAuthentication();
{%- if cookiecutter.has_logout %}
        if (authentication instanceof {{ N }}AuthenticationToken token) {
            try {
                this.client.logout(token.getServiceSession());
            }
            catch ({{ N }}ServiceException ex) {
                logger.warn("Ending the service session failed (logout: " + ex.getCode() + "); signed out here anyway");
            }
        }
{%- endif %}
        this.logoutHandler.logout(request, response, authentication);
        if (answer == Negotiation.Answer.JSON) {
            return JsonAnswers.answer(HttpStatus.NO_CONTENT, null);
        }
        return seeOther(request.getContextPath() + this.properties.getRoutePrefix() + "/login");
    }

    /**
     * The signed-in user: the canonical properties, then every field of the service's record.
     * @param user the signed-in user; null when there is none
     * @return the user as JSON, or 401
     */
    @GetMapping(path = "/me", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> me(@AuthenticationPrincipal {{ N }}User user) {
        if (user == null) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                .body(JsonAnswers.error("unauthorized", {{ cookiecutter.messages.error.unauthorized | java }}));
        }
        return ResponseEntity.ok(user.toMap());
    }

    /**
     * A CSRF token for API clients, and where it goes: the header of JSON posts, the field of forms.
     * @param request the request
     * @return {@code {"csrf_token": ..., "header": ..., "field": ...}}
     */
    @GetMapping(path = "/csrf", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, String>> csrf(HttpServletRequest request) {
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        if (token == null) {
            throw new IllegalStateException("No CSRF token: the integration's security filter chain did not run");
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("csrf_token", token.getToken());
        body.put("header", token.getHeaderName());
        body.put("field", token.getParameterName());
        return ResponseEntity.ok(body);
    }
{%- if cookiecutter.has_register %}

    // -- register -------------------------------------------------------------------------------------

    /**
     * The page that creates an account.
     * @param request the request
     * @return the page
     */
    @GetMapping(path = "/register", produces = MediaType.TEXT_HTML_VALUE)
    public ModelAndView registerPage(HttpServletRequest request) {
        return this.pages.page(this.properties.getPages().getRegister(), request, HttpStatus.OK,
                formModel(REGISTER_FIELDS, Map.of(), Map.of(), null));
    }

    /**
     * Create an account at the service; the user signs in afterwards.
     * @param request the request
     * @return JSON {@code {"status": "registered"}} (201), or a redirect to the login page; the error otherwise
     */
    @PostMapping("/register")
    public ModelAndView register(HttpServletRequest request) {
        Negotiation.Answer answer = answerOrRefuse(request);
        Map<String, String> values = read(request, REGISTER_FIELDS);
        Map<String, String> problems = check(values, REGISTER_FIELDS);
        if (!problems.isEmpty()) {
            return invalid(answer, request, problems, formModel(REGISTER_FIELDS, values, problems, null));
        }
        try {
            this.client.register(
{%- for p in cookiecutter.ops.register.params %}
                    values.get({{ p.name | java }}){% if not loop.last %},{% else %});{% endif %}
{%- endfor %}
        }
        catch ({{ N }}ServiceException ex) {
            logger.info("Registration refused: " + ex.getCode());
            return refused(answer, request, ex, this.properties.getPages().getRegister(),
                    formModel(REGISTER_FIELDS, values, Map.of(), ex.getPublicMessage()));
        }
        if (answer == Negotiation.Answer.JSON) {
            return JsonAnswers.answer(HttpStatus.CREATED, Map.of("status", "registered"));
        }
        return seeOther(request.getContextPath() + this.properties.getRoutePrefix() + "/login?registered");
    }
{%- endif %}
{%- if cookiecutter.has_forgot_password %}

    // -- forgot password ------------------------------------------------------------------------------

    /**
     * The page that starts a password reset.
     * @param request the request
     * @return the page
     */
    @GetMapping(path = "/forgot", produces = MediaType.TEXT_HTML_VALUE)
    public ModelAndView forgotPage(HttpServletRequest request) {
        return this.pages.page(this.properties.getPages().getForgot(), request, HttpStatus.OK,
                formModel(FORGOT_FIELDS, Map.of(), Map.of(), null));
    }

    /**
     * Start a password reset. The answer is the same whether or not the account exists.
     * @param request the request
     * @return JSON {@code {"status": "sent"}} (202), or the confirmation page; the error when the service fails
     */
    @PostMapping("/forgot")
    public ModelAndView forgot(HttpServletRequest request) {
        Negotiation.Answer answer = answerOrRefuse(request);
        Map<String, String> values = read(request, FORGOT_FIELDS);
        Map<String, String> problems = check(values, FORGOT_FIELDS);
        if (!problems.isEmpty()) {
            return invalid(answer, request, problems, formModel(FORGOT_FIELDS, values, problems, null));
        }
        try {
            this.client.forgotPassword(
{%- for p in cookiecutter.ops.forgot_password.params %}
                    values.get({{ p.name | java }}){% if not loop.last %},{% else %});{% endif %}
{%- endfor %}
        }
        catch (UserNotFound ex) {
            // answered like a known account, so the answer does not tell who has one
        }
        catch ({{ N }}ServiceException ex) {
            logger.info("Password reset refused: " + ex.getCode());
            return refused(answer, request, ex, this.properties.getPages().getForgot(),
                    formModel(FORGOT_FIELDS, values, Map.of(), ex.getPublicMessage()));
        }
        if (answer == Negotiation.Answer.JSON) {
            return JsonAnswers.answer(HttpStatus.ACCEPTED, Map.of("status", "sent"));
        }
        Map<String, Object> model = formModel(FORGOT_FIELDS, Map.of(), Map.of(), null);
        model.put("sent", true);
        return this.pages.page(this.properties.getPages().getForgot(), request, HttpStatus.OK, model);
    }
{%- endif %}

{%- if cookiecutter.has_reset_password %}

    // -- reset password -------------------------------------------------------------------------------

    /**
     * The page the reset link in the service's email opens: the new password, twice.
     * @param token the link's token; the page says when it is missing
     * @param request the request
     * @param response the response, which keeps the token out of {@code Referer} headers
     * @return the page
     */
    @GetMapping(path = "/reset", produces = MediaType.TEXT_HTML_VALUE)
    public ModelAndView resetPage(@RequestParam(name = RESET_TOKEN_PARAMETER, required = false) String token,
            HttpServletRequest request, HttpServletResponse response) {
        noReferrer(response);
        Map<String, Object> model = linkModel(RESET_FIELDS, Map.of(), Map.of(), token);
        if (!isToken(token)) {
            return linkRefused(Negotiation.Answer.HTML, request, this.properties.getPages().getReset(), model);
        }
        return this.pages.page(this.properties.getPages().getReset(), request, HttpStatus.OK, model);
    }

    /**
     * Set a new password with the token of the reset link; signs nobody in.
     * @param request the request: a form, or JSON {@code {"token", "password", "password_confirm"}}
     * @return JSON {@code {"status": "reset"}}, or the page that says so; the error otherwise
     */
    @PostMapping("/reset")
    public ModelAndView reset(HttpServletRequest request) {
        Negotiation.Answer answer = answerOrRefuse(request);
        String page = this.properties.getPages().getReset();
        Map<String, String> values = read(request, RESET_FIELDS, "token");
        String token = values.get("token");
        if (!isToken(token)) {
            return linkRefused(answer, request, page, linkModel(RESET_FIELDS, values, Map.of(), null));
        }
        Map<String, String> problems = check(values, RESET_FIELDS);
        if (!problems.isEmpty()) {
            return invalid(answer, request, problems, linkModel(RESET_FIELDS, values, problems, token));
        }
        if (!values.get("password").equals(values.get("password_confirm"))) {
            return passwordsDiffer(answer, request, page, linkModel(RESET_FIELDS, values, Map.of(), token));
        }
        try {
            this.client.resetPassword(Map.of("token", token, "password", values.get("password")));
        }
        catch ({{ N }}ServiceException ex) {
            logger.info("Password reset refused (reset_password: " + ex.getCode() + ")");
            Map<String, Object> model = linkModel(RESET_FIELDS, values, Map.of(), token);
            model.put("error", ex.getPublicMessage());
            model.put("linkRefused", isLinkRefusal(ex));
            return refused(answer, request, ex, page, model);
        }
        if (answer == Negotiation.Answer.JSON) {
            return JsonAnswers.answer(HttpStatus.OK, Map.of("status", "reset"));
        }
        Map<String, Object> model = linkModel(RESET_FIELDS, Map.of(), Map.of(), null);
        model.put("done", true);
        model.put("notice", {{ cookiecutter.messages.reset_done | java }});
        return this.pages.page(page, request, HttpStatus.OK, model);
    }
{%- endif %}
{%- if cookiecutter.has_verify_email %}

    // -- verify email ---------------------------------------------------------------------------------

    /**
     * The page the verification link in the service's email opens: one button that verifies. Opening the link
     * verifies nothing, since mail scanners open links to look at them.
     * @param token the link's token; the page says when it is missing
     * @param request the request
     * @param response the response, which keeps the token out of {@code Referer} headers
     * @return the page
     */
    @GetMapping(path = "/verify", produces = MediaType.TEXT_HTML_VALUE)
    public ModelAndView verifyPage(@RequestParam(name = VERIFY_TOKEN_PARAMETER, required = false) String token,
            HttpServletRequest request, HttpServletResponse response) {
        noReferrer(response);
        Map<String, Object> model = linkModel(List.of(), Map.of(), Map.of(), token);
        if (!isToken(token)) {
            return linkRefused(Negotiation.Answer.HTML, request, this.properties.getPages().getVerify(), model);
        }
        return this.pages.page(this.properties.getPages().getVerify(), request, HttpStatus.OK, model);
    }

    /**
     * Verify the email address with the token of the verification link.
     * @param request the request: a form, or JSON {@code {"token"}}
     * @return JSON {@code {"status": "verified"}}, or the page that says so; the error otherwise
     */
    @PostMapping("/verify")
    public ModelAndView verify(HttpServletRequest request) {
        Negotiation.Answer answer = answerOrRefuse(request);
        String page = this.properties.getPages().getVerify();
        String token = read(request, List.of(), "token").get("token");
        if (!isToken(token)) {
            return linkRefused(answer, request, page, linkModel(List.of(), Map.of(), Map.of(), null));
        }
        try {
            this.client.verifyEmail(Map.of("token", token));
        }
        catch ({{ N }}ServiceException ex) {
            logger.info("Email verification refused (verify_email: " + ex.getCode() + ")");
            Map<String, Object> model = linkModel(List.of(), Map.of(), Map.of(), token);
            model.put("error", ex.getPublicMessage());
            model.put("linkRefused", isLinkRefusal(ex));
            return refused(answer, request, ex, page, model);
        }
        if (answer == Negotiation.Answer.JSON) {
            return JsonAnswers.answer(HttpStatus.OK, Map.of("status", "verified"));
        }
        Map<String, Object> model = linkModel(List.of(), Map.of(), Map.of(), null);
        model.put("done", true);
        model.put("notice", {{ cookiecutter.messages.verified | java }});
        return this.pages.page(page, request, HttpStatus.OK, model);
    }
{%- endif %}
{%- if cookiecutter.email_links %}

    /**
     * The page's address holds the link's token: the browser must not send it on as {@code Referer}, e.g. to a logo
     * at another site.
     */
    private static void noReferrer(HttpServletResponse response) {
        response.setHeader("Referrer-Policy", "no-referrer");
    }

    /** Whether a link's token is there at all (the service says whether it is valid). */
    private static boolean isToken(String token) {
        return token != null && !token.isBlank() && token.length() <= MAX_INPUT_LENGTH;
    }

    /** Whether the service refused the link's token, which a new link replaces. */
    private static boolean isLinkRefusal({{ N }}ServiceException ex) {
        return "invalid_token".equals(ex.getCode()) || "expired_token".equals(ex.getCode());
    }

    /** The model of a page an emailed link opens: a form page's, with the link's token. */
    private static Map<String, Object> linkModel(List<FormField> fields, Map<String, String> values,
            Map<String, String> problems, String token) {
        Map<String, Object> model = formModel(fields, values, problems, null);
        model.put("token", token);
        model.put("linkRefused", false);
        model.put("done", false);
        return model;
    }

    /** A link without its token: 400 {@code invalid_token}, and no form, since there is nothing to send. */
    private ModelAndView linkRefused(Negotiation.Answer answer, HttpServletRequest request, String page,
            Map<String, Object> model) {
        if (answer == Negotiation.Answer.JSON) {
            return JsonAnswers.answer(HttpStatus.BAD_REQUEST, JsonAnswers.error("invalid_token", INCOMPLETE_LINK));
        }
        model.put("error", INCOMPLETE_LINK);
        model.put("linkRefused", true);
        return this.pages.page(page, request, HttpStatus.BAD_REQUEST, model);
    }
{%- endif %}
{%- if cookiecutter.has_change_password %}

    // -- change password ------------------------------------------------------------------------------

    /**
     * The page that changes the signed-in user's password; the routes' security filter chain sends everyone else to
     * sign in first.
     * @param request the request
     * @return the page
     */
    @GetMapping(path = "/password", produces = MediaType.TEXT_HTML_VALUE)
    public ModelAndView passwordPage(HttpServletRequest request) {
        return this.pages.page(this.properties.getPages().getPassword(), request, HttpStatus.OK,
                passwordModel(Map.of(), Map.of(), null));
    }

    /**
     * Change the signed-in user's password. The user stays signed in, in a session with a new id.
     * @param request the request: a form, or JSON {@code {"current_password", "new_password", "new_password_confirm"}}
     * @param response the response, which gets the session's new cookie
     * @return JSON {@code {"status": "changed"}}, or the page that says so; the error otherwise
     */
    @PostMapping("/password")
    public ModelAndView changePassword(HttpServletRequest request, HttpServletResponse response) {
        Negotiation.Answer answer = answerOrRefuse(request);
        if (!(this.holder.getContext().getAuthentication() instanceof {{ N }}AuthenticationToken token)) {
            // the routes' chain requires a signed-in user here: an application's own chain may not
            throw new AuthenticationCredentialsNotFoundException("Sign in to change the password");
        }
        String page = this.properties.getPages().getPassword();
        Map<String, String> values = read(request, PASSWORD_FIELDS);
        Map<String, String> problems = check(values, PASSWORD_FIELDS);
        if (!problems.isEmpty()) {
            return invalid(answer, request, problems, passwordModel(values, problems, null));
        }
        if (!values.get("new_password").equals(values.get("new_password_confirm"))) {
            return passwordsDiffer(answer, request, page, passwordModel(values, Map.of(), null));
        }
        Map<String, String> input = Map.of("current_password", values.get("current_password"), "new_password",
                values.get("new_password"));
        {{ N }}ServiceSession session = token.getServiceSession();
        try {
{%- if cookiecutter.has_refresh %}
            try {
                this.client.changePassword(session, input);
            }
            catch ({{ N }}ServiceException.Expired ex) {
                session = renewForPasswordChange(session);
                this.client.changePassword(session, input);
            }
{%- else %}
            this.client.changePassword(session, input);
{%- endif %}
        }
{%- if cookiecutter.has_refresh %}
        catch (SignedOut ex) {
            logger.info("Signed out a user whose session could not be renewed (refresh: " + ex.getCode() + ")");
            this.logoutHandler.logout(request, response, token);
            throw new CredentialsExpiredException("The session has ended: sign in again", ex.getCause());
        }
{%- endif %}
        catch ({{ N }}ServiceException.InvalidCredentials ex) {
            logger.info("Password change refused (change_password: " + ex.getCode() + ")");
            return answerError(answer, request, page, passwordModel(values, Map.of(), null), HttpStatus.BAD_REQUEST,
                    "invalid_credentials", {{ cookiecutter.messages.wrong_current_password | java }});
        }
        catch ({{ N }}ServiceException ex) {
            logger.info("Password change refused (change_password: " + ex.getCode() + ")");
            return refused(answer, request, ex, page, passwordModel(values, Map.of(), ex.getPublicMessage()));
        }
        // a new session id for the new password; the session keeps its values (and its CSRF token)
        request.changeSessionId();
{%- if cookiecutter.has_refresh %}
        if (!session.equals(token.getServiceSession())) {
            SecurityContext context = this.holder.createEmptyContext();
            context.setAuthentication(
                    new {{ N }}AuthenticationToken(token.getPrincipal(), session, token.getLoadedAt()));
            this.holder.setContext(context);
            this.securityContextRepository.saveContext(context, request, response);
        }
{%- endif %}
        if (answer == Negotiation.Answer.JSON) {
            return JsonAnswers.answer(HttpStatus.OK, Map.of("status", "changed"));
        }
        Map<String, Object> model = passwordModel(Map.of(), Map.of(), null);
        model.put("done", true);
        model.put("notice", {{ cookiecutter.messages.password_changed | java }});
        return this.pages.page(page, request, HttpStatus.OK, model);
    }

    private static Map<String, Object> passwordModel(Map<String, String> values, Map<String, String> problems,
            String error) {
        Map<String, Object> model = formModel(PASSWORD_FIELDS, values, problems, error);
        model.put("done", false);
        return model;
    }
{%- if cookiecutter.has_refresh %}

    /** Renew an expired service session; when the service refuses, the user is signed out. */
    private {{ N }}ServiceSession renewForPasswordChange({{ N }}ServiceSession session) {
        try {
            return this.refresher.refresh(session);
        }
        catch ({{ N }}ServiceException ex) {
            throw new SignedOut(ex);
        }
    }

    /** The service session could not be renewed while changing the password. */
    private static final class SignedOut extends RuntimeException {

        @Serial
        private static final long serialVersionUID = 1L;

        SignedOut({{ N }}ServiceException cause) {
            super(cause.getMessage(), cause);
        }

        String getCode() {
            return (({{ N }}ServiceException) getCause()).getCode();
        }

    }
{%- endif %}
{%- endif %}
{%- if cookiecutter.new_passwords %}

    /** Two new passwords that differ: 400 {@code invalid_input}, before asking the service. */
    private ModelAndView passwordsDiffer(Negotiation.Answer answer, HttpServletRequest request, String page,
            Map<String, Object> model) {
        return answerError(answer, request, page, model, HttpStatus.BAD_REQUEST, "invalid_input", PASSWORDS_DIFFER);
    }

    /** An error as JSON, or as the page again with the message. */
    private ModelAndView answerError(Negotiation.Answer answer, HttpServletRequest request, String page,
            Map<String, Object> model, HttpStatus status, String code, String message) {
        if (answer == Negotiation.Answer.JSON) {
            return JsonAnswers.answer(status, JsonAnswers.error(code, message));
        }
        model.put("error", message);
        return this.pages.page(page, request, status, model);
    }
{%- endif %}

    // -- helpers --------------------------------------------------------------------------------------

    /**
     * {@code next} when it is a path on this site, else null: nothing with a scheme or a host, nothing a browser
     * would read as one ({@code //host}, {@code /\host}, control characters), and nothing longer than
     * {@value #MAX_NEXT_LENGTH} characters once written as a {@code Location} header writes it: in ASCII, with spaces
     * and other characters percent-encoded as UTF-8 (a path a browser sends is written so already).
     * @param next the requested target
     * @return the target as it goes into {@code Location}, or null
     */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")) {
            return null;
        }
        StringBuilder location = new StringBuilder(next.length());
        for (byte b : next.getBytes(StandardCharsets.UTF_8)) {
            int octet = b & 0xff;
            if (octet < 0x20 || octet == 0x7f) {
                return null;
            }
            if (octet == ' ' || octet > 0x7f) {
                location.append('%').append(HEX.toHexDigits(b));
            }
            else {
                location.append((char) octet);
            }
        }
        return (location.length() <= MAX_NEXT_LENGTH) ? location.toString() : null;
    }

    /** The representation to answer a post with; 406 when the request accepts neither. */
    private static Negotiation.Answer answerOrRefuse(HttpServletRequest request) {
        Negotiation.Answer answer = Negotiation.answerForPost(request);
        if (answer == null) {
            throw new InvalidRequest(HttpStatus.NOT_ACCEPTABLE, "not_acceptable",
                    {{ cookiecutter.messages.error.not_acceptable | java }});
        }
        return answer;
    }

    /**
     * The fields of a post, from a form's body or a JSON object, never from the query string; absent fields are left
     * out.
     */
    private static Map<String, String> read(HttpServletRequest request, List<FormField> fields, String... extra) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(fields.stream().map(FormField::getName).toList());
        names.addAll(List.of(extra));
        if (Negotiation.isJson(request)) {
            JsonNode body = jsonBody(request);
            for (String name : names) {
                JsonNode value = body.get(name);
                if (value == null || value.isNull()) {
                    continue;
                }
                if (!value.isString()) {
                    throw new InvalidRequest(HttpStatus.BAD_REQUEST, "invalid_input", name + ": must be text.");
                }
                values.put(name, value.stringValue());
            }
            return values;
        }
        if (Negotiation.isForm(request)) {
            BodyParameters body = new BodyParameters(request);
            for (String name : names) {
                String value = body.getParameter(name);
                if (value != null) {
                    values.put(name, value);
                }
            }
            return values;
        }
        throw new InvalidRequest(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                {{ cookiecutter.messages.error.unsupported_media_type | java }});
    }

    private static JsonNode jsonBody(HttpServletRequest request) {
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(MAX_JSON_BODY + 1);
        }
        catch (IOException ex) {
            throw new InvalidRequest(HttpStatus.BAD_REQUEST, "invalid_input", {{ cookiecutter.messages.body_not_json | java }});
        }
        if (bytes.length > MAX_JSON_BODY) {
            throw new InvalidRequest(HttpStatus.BAD_REQUEST, "invalid_input", {{ cookiecutter.messages.body_too_large | java }});
        }
        try {
            JsonNode body = JsonMapper.shared().readTree(bytes);
            if (body != null && body.isObject()) {
                return body;
            }
        }
        catch (JacksonException ex) {
            // reported below
        }
        throw new InvalidRequest(HttpStatus.BAD_REQUEST, "invalid_input", {{ cookiecutter.messages.body_not_json | java }});
    }

    /** What is wrong with each field: missing, or too long. */
    private static Map<String, String> check(Map<String, String> values, List<FormField> fields) {
        Map<String, String> problems = new LinkedHashMap<>();
        for (FormField field : fields) {
            String value = values.get(field.getName());
            if (value == null || value.isBlank()) {
                if (field.isRequired()) {
                    problems.put(field.getName(), "This field is required.");
                }
            }
            else if (value.length() > MAX_INPUT_LENGTH) {
                problems.put(field.getName(), "This is too long.");
            }
        }
        return problems;
    }

    private ModelAndView invalid(Negotiation.Answer answer, HttpServletRequest request, Map<String, String> problems,
            Map<String, Object> model) {
        if (answer == Negotiation.Answer.JSON) {
            StringBuilder message = new StringBuilder();
            problems.forEach((name, problem) -> message.append(message.isEmpty() ? "" : " ").append(name).append(": ")
                    .append(problem));
            return JsonAnswers.answer(HttpStatus.BAD_REQUEST, JsonAnswers.error("invalid_input", message.toString()));
        }
        return this.pages.page(pageOf(request), request, HttpStatus.BAD_REQUEST, model);
    }

    private ModelAndView refused(Negotiation.Answer answer, HttpServletRequest request, {{ N }}ServiceException ex,
            String page, Map<String, Object> model) {
        if (answer == Negotiation.Answer.JSON) {
            return JsonAnswers.answer(HttpStatusCode.valueOf(ex.getStatus()),
                    JsonAnswers.error(ex.getCode(), ex.getPublicMessage()));
        }
        return this.pages.page(page, request, HttpStatusCode.valueOf(ex.getStatus()), model);
    }

    /** The page of the route a post went to, to show it again. */
    private String pageOf(HttpServletRequest request) {
        String uri = request.getRequestURI();
{%- if cookiecutter.has_register %}
        if (uri.endsWith("/register")) {
            return this.properties.getPages().getRegister();
        }
{%- endif %}
{%- if cookiecutter.has_forgot_password %}
        if (uri.endsWith("/forgot")) {
            return this.properties.getPages().getForgot();
        }
{%- endif %}
{%- if cookiecutter.has_reset_password %}
        if (uri.endsWith("/reset")) {
            return this.properties.getPages().getReset();
        }
{%- endif %}
{%- if cookiecutter.has_verify_email %}
        if (uri.endsWith("/verify")) {
            return this.properties.getPages().getVerify();
        }
{%- endif %}
{%- if cookiecutter.has_change_password %}
        if (uri.endsWith("/password")) {
            return this.properties.getPages().getPassword();
        }
{%- endif %}
        return this.properties.getPages().getLogin();
    }

    /** The model of a form page: its fields, the values to show again (never a password) and the problems. */
    private static Map<String, Object> formModel(List<FormField> fields, Map<String, String> values,
            Map<String, String> problems, String error) {
        Map<String, String> shown = new LinkedHashMap<>();
        for (FormField field : fields) {
            String value = values.get(field.getName());
            shown.put(field.getName(), (value == null || "password".equals(field.getType())) ? "" : value);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("fields", fields);
        model.put("values", shown);
        model.put("errors", problems);
        model.put("error", error);
        return model;
    }

    private static String csrfToken(HttpServletRequest request) {
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        return (token != null) ? token.getToken() : null;
    }

    private static ModelAndView seeOther(String location) {
        RedirectView redirect = new RedirectView(location, false);
        redirect.setStatusCode(HttpStatus.SEE_OTHER);
        redirect.setExposeModelAttributes(false);
        return new ModelAndView(redirect);
    }

    /** Why a sign-in was refused, as the answer says it. */
    private record Refusal(HttpStatusCode status, String code, String message) {

        /** Whether the service refused the credentials, which the throttle counts; a service failure is not. */
        boolean countsAsFailure() {
            return "invalid_credentials".equals(this.code) || "account_disabled".equals(this.code){% if "unverified" in cookiecutter.spring_login_kinds %}
                    || "unverified".equals(this.code){% endif %};
        }

        static Refusal of(AuthenticationException ex) {
            if (ex instanceof DisabledException) {
                return new Refusal(HttpStatus.FORBIDDEN, "account_disabled", {{ cookiecutter.messages.error.account_disabled | java }});
            }
{%- if "unverified" in cookiecutter.spring_login_kinds %}
            if (ex instanceof {{ N }}AuthenticationProvider.UnverifiedException) {
                return new Refusal(HttpStatus.FORBIDDEN, "unverified", ex.getMessage());
            }
{%- endif %}
            if (ex instanceof AuthenticationServiceException
                    && ex.getCause() instanceof {{ N }}ServiceException cause) {
                return new Refusal(HttpStatusCode.valueOf(cause.getStatus()), cause.getCode(),
                        cause.getPublicMessage());
            }
            if (ex instanceof AuthenticationServiceException) {
                return new Refusal(HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable",
                        {{ cookiecutter.messages.error.service_unavailable | java }});
            }
            return new Refusal(HttpStatus.UNAUTHORIZED, "invalid_credentials",
                    {{ N }}AuthenticationProvider.INVALID_CREDENTIALS);
        }

    }

}
