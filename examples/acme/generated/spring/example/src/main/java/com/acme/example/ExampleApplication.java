package com.acme.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;

/**
 * A plain Spring Boot application that signs its users in with Acme Identity: the starter is its one extra dependency,
 * and {@code acme.api-key} and {@code acme.application-id} its properties.
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
