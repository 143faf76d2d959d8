package com.acme.auth;

import java.io.Serial;

import org.springframework.http.HttpStatus;

/**
 * A request a route cannot read or answer: a body that is not a form nor a JSON object (415, 400), or an
 * {@code Accept} it cannot produce (406). The integration's {@link AcmeErrorResolver} answers it with the
 * JSON error body.
 */
final class InvalidRequest extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int status;

    private final String code;

    InvalidRequest(HttpStatus status, String code, String message) {
        super(message);
        this.status = status.value();
        this.code = code;
    }

    int status() {
        return this.status;
    }

    String code() {
        return this.code;
    }

}
