package {{ cookiecutter.example_package }};

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;

/**
{% filter javawrap %}A plain Spring Boot application that signs its users in with {{ cookiecutter.service_name | javadoc }}: the
starter is its one extra dependency, and {% for s in cookiecutter.required_settings %}{@code {{ s.property }}}{% if loop.revindex == 2 %} and {% elif not loop.last %}, {% endif %}{% endfor %} its
properties.{% endfilter %}
 * <p>
 * Run it with {@code java -jar example/target/example.jar --server.port=8080} once the settings are in the
 * environment (see the README).
 */
@SpringBootApplication
@EnableMethodSecurity(jsr250Enabled = true)
public class ExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }

}
