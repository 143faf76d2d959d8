{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.package }};

import java.io.IOException;
import java.io.InputStream;
{%- if cookiecutter.spring_oidc_links %}
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
{%- endif %}
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.View;
import org.springframework.web.servlet.ViewResolver;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * Renders the integration's pages: a Thymeleaf view, or a static HTML file given as {@code classpath:} or
 * {@code file:} (see {@link {{ N }}Properties.Pages}).
 * <p>
 * Every page gets {@code brand} (name, logo URL and primary colour from {@code {{ cookiecutter.slug }}.branding.*}) and
 * {@code links} (login, logout, home{% if cookiecutter.has_register %}, register{% endif %}{% if cookiecutter.has_forgot_password %}, forgot{% endif %}{% if cookiecutter.has_reset_password %}, reset{% endif %}{% if cookiecutter.has_verify_email %}, verify{% endif %}{% if cookiecutter.has_change_password %}, password{% endif %}, csrf),
 * on top of what the page itself needs.
 */
public class {{ N }}Pages {

    private final {{ N }}Properties properties;

    private final ViewResolver viewResolver;

    private final ResourceLoader resourceLoader;

    /**
     * Pages rendered with a view resolver.
     * @param properties the integration's properties
     * @param viewResolver resolves view names, e.g. Thymeleaf's; {@code null} when every page is a static file
     * @param resourceLoader loads static pages
     */
    public {{ N }}Pages({{ N }}Properties properties, ViewResolver viewResolver,
            ResourceLoader resourceLoader) {
        this.properties = properties;
        this.viewResolver = viewResolver;
        this.resourceLoader = resourceLoader;
    }

    /**
     * A page as a controller's answer.
     * @param page the view name or static file, from {@link {{ N }}Properties.Pages}
     * @param request the request
     * @param status the status to answer with
     * @param model what the page shows besides the brand and the links
     * @return the answer
     */
    public ModelAndView page(String page, HttpServletRequest request, HttpStatusCode status, Map<String, ?> model) {
        View view = view(page, RequestContextUtils.getLocale(request));
        ModelAndView answer = new ModelAndView(view, model(request, model));
        answer.setStatus(status);
        return answer;
    }

    /**
     * Render a page from a filter, outside Spring MVC.
     * @param page the view name or static file
     * @param request the request
     * @param response the response
     * @param status the status to answer with
     * @param model what the page shows besides the brand and the links
     * @throws IOException when the page cannot be written
     */
    public void render(String page, HttpServletRequest request, HttpServletResponse response, int status,
            Map<String, ?> model) throws IOException {
        response.setStatus(status);
        try {
            view(page, request.getLocale()).render(model(request, model), request, response);
        }
        catch (IOException | RuntimeException ex) {
            throw ex;
        }
        catch (Exception ex) {
            throw new IOException("Cannot render the page " + page, ex);
        }
    }

    /**
     * The brand and the links every page gets.
     * @param request the request, for the context path
     * @return the model
     */
    public Map<String, Object> commonModel(HttpServletRequest request) {
        String base = request.getContextPath() + this.properties.getRoutePrefix();
        Map<String, String> links = new LinkedHashMap<>();
        links.put("home", request.getContextPath() + "/");
        links.put("login", base + "/login");
        links.put("logout", base + "/logout");
{%- if cookiecutter.has_register %}
        links.put("register", base + "/register");
{%- endif %}
{%- if cookiecutter.has_forgot_password %}
        links.put("forgot", base + "/forgot");
{%- endif %}
{%- if cookiecutter.has_reset_password %}
        links.put("reset", base + "/reset");
{%- endif %}
{%- if cookiecutter.has_verify_email %}
        links.put("verify", base + "/verify");
{%- endif %}
{%- if cookiecutter.has_change_password %}
        links.put("password", base + "/password");
{%- endif %}
        links.put("csrf", base + "/csrf");
{%- for link in cookiecutter.spring_oidc_links %}
        // the provider's own page
        links.put({{ link.name | java }}, {{ link.java }});
{%- endfor %}
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("brand", this.properties.getBranding());
        model.put("links", links);
        return model;
    }

    private Map<String, Object> model(HttpServletRequest request, Map<String, ?> page) {
        Map<String, Object> model = commonModel(request);
        model.putAll(page);
        return model;
    }

    private View view(String page, Locale locale) {
        if (page.startsWith("classpath:") || page.startsWith("file:")) {
            return new StaticPage(this.resourceLoader.getResource(page));
        }
        if (this.viewResolver == null) {
            throw new IllegalStateException("The page " + page + " is a view, and there is no Thymeleaf: add "
                    + "spring-boot-starter-thymeleaf, or make it a static page (classpath: or file:)");
        }
        try {
            View view = this.viewResolver.resolveViewName(page, locale);
            if (view == null) {
                throw new IllegalStateException("No view named " + page);
            }
            return view;
        }
        catch (RuntimeException ex) {
            throw ex;
        }
        catch (Exception ex) {
            throw new IllegalStateException("Cannot resolve the view " + page, ex);
        }
    }

    /** A page that is a static HTML file: it gets no model, so it asks {@code {{ '{' }}prefix}/csrf} for a token itself. */
    private record StaticPage(Resource resource) implements View {

        @Override
        public String getContentType() {
            return MediaType.TEXT_HTML_VALUE;
        }

        @Override
        public void render(Map<String, ?> model, HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            response.setContentType("text/html;charset=UTF-8");
            try (InputStream in = this.resource.getInputStream()) {
                in.transferTo(response.getOutputStream());
            }
        }

    }

}
