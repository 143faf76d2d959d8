{%- set N = cookiecutter.class_name -%}
package {{ cookiecutter.example_package }};

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

import {{ cookiecutter.package }}.{{ N }}User;
import {{ cookiecutter.package }}.Negotiation;

/**
{% filter javawrap %}The example's pages: {@code /} for every signed-in user, {@code /admin} for the
{{ cookiecutter.guard_role | javadoc }} role only. Each answers a page to browsers and {@code {"message": "..."}} to API
clients.{% endfilter %}
 */
@RestController
class HomeController {

    /**
     * Greet the signed-in user.
     * @param user the signed-in user, as the service describes it
     * @param request the request, for its {@code Accept} and CSRF token
     * @return the greeting
     */
    @GetMapping("/")
    ResponseEntity<?> home(@AuthenticationPrincipal {{ N }}User user, HttpServletRequest request) {
        String name = (user.getFirstName() != null) ? user.getFirstName() : user.getUsername();
        return answer(request, "Hello, " + name + "!");
    }

    /**
     * A page for administrators only: {@code @RolesAllowed} takes the service's role names.
     * @param user the signed-in user
     * @param request the request
     * @return the greeting
     */
    @RolesAllowed({{ cookiecutter.guard_role | java }})
    @GetMapping("/admin")
    ResponseEntity<?> admin(@AuthenticationPrincipal {{ N }}User user, HttpServletRequest request) {
        return answer(request, "Welcome to the admin area, " + user.getUsername() + ".");
    }

    /**
     * JSON for API clients, a small page for browsers, as {@code Accept} asks, decided by the starter's rule; 406 when
     * it allows neither.
     */
    private static ResponseEntity<?> answer(HttpServletRequest request, String message) {
        Negotiation.Answer answer = Negotiation.answer(request, Negotiation.Answer.HTML);
        if (answer == null) {
            return ResponseEntity.status(HttpStatus.NOT_ACCEPTABLE).build();
        }
        if (answer == Negotiation.Answer.JSON) {
            return ResponseEntity.ok(Map.of("message", message));
        }
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        String page = """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Example</title></head>
                <body>
                  <h1>%s</h1>
                  <form method="post" action="%s/auth/logout">
                    <input type="hidden" name="%s" value="%s">
                    <button type="submit">Sign out</button>
                  </form>
                </body>
                </html>
                """.formatted(HtmlUtils.htmlEscape(message), HtmlUtils.htmlEscape(request.getContextPath()),
                HtmlUtils.htmlEscape(csrf.getParameterName()), HtmlUtils.htmlEscape(csrf.getToken()));
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).body(page);
    }

}
