package com.acme.auth;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.View;

/**
 * JSON answers: the contract's error body {@code {"error": {"code": ..., "message": ...}}}, and any other body, written
 * from a filter or returned from a controller as a {@link ModelAndView}.
 */
final class JsonAnswers {

    private JsonAnswers() {
    }

    /**
     * The contract's error body.
     * @param code the error code, such as {@code invalid_credentials}
     * @param message what the user is told
     * @return the body
     */
    static Map<String, Object> error(String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        return Map.of("error", error);
    }

    /**
     * An answer from a controller that returns pages as well.
     * @param status the status
     * @param body the JSON body; null for none
     * @return the answer
     */
    static ModelAndView answer(HttpStatusCode status, Object body) {
        ModelAndView answer = new ModelAndView(new JsonView(body));
        answer.setStatus(status);
        return answer;
    }

    /**
     * Write a JSON answer to a response, from a filter.
     * @param response the response
     * @param status the status
     * @param body the JSON body; null for none
     * @throws IOException when the response cannot be written
     */
    static void write(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        if (body != null) {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.getOutputStream().write(JsonMapper.shared().writeValueAsBytes(body));
        }
        response.flushBuffer();
    }

    /** A view that writes one body as JSON. */
    private record JsonView(Object body) implements View {

        @Override
        public String getContentType() {
            return MediaType.APPLICATION_JSON_VALUE;
        }

        @Override
        public void render(Map<String, ?> model, HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            write(response, response.getStatus(), this.body);
        }

    }

}
