package com.acme.auth;

import java.io.Serial;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import com.acme.auth.AcmeServiceException.ServiceUnavailable;

/**
 * Sends the requests of {@link AcmeClient} with a {@link RestClient} and decides what is worth another try.
 * <p>
 * A GET request is sent again, by a {@link RetryTemplate}, when its connection failed: at most {@code retries}
 * more times, 100 ms apart and then twice as long each time, so a request thread waits a few hundred milliseconds
 * at most. Any other request is sent once: a POST is never sent twice. A request that gets no answer within the
 * timeout is not sent again either (the service is slow, and the user has waited already), nor is one the service
 * answered, 5xx included: the service has spoken, and every target of this integration treats that answer alike.
 */
final class ServiceTransport {

    private static final Log logger = LogFactory.getLog(ServiceTransport.class);

    private final RestClient http;

    private final JsonMapper mapper;

    private final Duration timeout;

    private final RetryTemplate retry;

    /**
     * A transport that sends with {@code http}.
     * @param http the REST client, with the integration's timeout as its read timeout
     * @param mapper writes JSON bodies
     * @param timeout the timeout, for messages
     * @param retries how many more times a GET may be sent
     */
    ServiceTransport(RestClient http, JsonMapper mapper, Duration timeout, int retries) {
        this.http = http;
        this.mapper = mapper;
        this.timeout = timeout;
        this.retry = (retries > 0) ? new RetryTemplate(RetryPolicy.builder()
            .maxRetries(retries)
            .delay(Duration.ofMillis(100))
            .multiplier(2)
            .maxDelay(Duration.ofSeconds(1))
            .includes(TransientFailure.class)
            .build()) : null;
    }

    /**
     * Send a request, again when it is a GET that failed in passing.
     * @param request the request
     * @return the answer, whatever its status
     * @throws ServiceUnavailable when no answer came: no connection, or none within the timeout
     */
    ServiceRequest.Response send(ServiceRequest request) {
        try {
            if (this.retry != null && request.idempotent()) {
                return this.retry.execute(() -> attempt(request));
            }
            return attempt(request);
        }
        catch (RetryException ex) {
            return settle(request, ex.getCause());
        }
        catch (TransientFailure ex) {
            return settle(request, ex);
        }
    }

    private ServiceRequest.Response attempt(ServiceRequest request) {
        ServiceRequest.Response response;
        try {
            response = request.send(this.http, this.mapper);
        }
        catch (ResourceAccessException ex) {
            if (timedOut(ex)) {
                throw new ServiceUnavailable(
                        request.describe() + ": no answer within " + this.timeout.toMillis() + " ms");
            }
            logger.debug(request.describe() + " failed to connect");
            throw new TransientFailure(request.describe() + ": " + rootCause(ex).getClass().getSimpleName());
        }
        return response;
    }

    /** The outcome of the last try: the failure, as the service being unavailable. */
    private static ServiceRequest.Response settle(ServiceRequest request, Throwable failure) {
        if (failure instanceof TransientFailure transientFailure) {
            throw new ServiceUnavailable(transientFailure.getMessage());
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new ServiceUnavailable(request.describe() + ": " + failure);
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** A try that may do better a moment later: its connection failed. */
    private static final class TransientFailure extends RuntimeException {

        @Serial
        private static final long serialVersionUID = 1L;

        TransientFailure(String message) {
            super(message);
        }

    }

}
