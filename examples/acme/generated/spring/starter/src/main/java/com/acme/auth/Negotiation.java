package com.acme.auth;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * Which representation a request asks for: a page or JSON, decided by {@code Accept} as the HTTP contract says.
 * <p>
 * No {@code Accept} counts as {@code *}{@code /*}; when HTML and JSON are equally acceptable the route decides (a page
 * for browser routes, JSON for a JSON post). An {@code Accept} that allows neither gets nothing: the caller answers
 * 406.
 */
final class Negotiation {

    /** The two representations the integration answers with. */
    enum Answer {

        HTML, JSON

    }

    private static final List<MediaType> HTML_TYPES = List.of(MediaType.TEXT_HTML, MediaType.APPLICATION_XHTML_XML);

    private Negotiation() {
    }

    /**
     * The representation a request prefers.
     * @param request the request
     * @param tie what to answer when both are equally acceptable
     * @return the answer, or null when the request accepts neither
     */
    static Answer answer(HttpServletRequest request, Answer tie) {
        List<MediaType> accepted = accepted(request);
        double html = Math.max(quality(accepted, HTML_TYPES.get(0)), quality(accepted, HTML_TYPES.get(1)));
        double json = quality(accepted, MediaType.APPLICATION_JSON);
        if (html == 0 && json == 0) {
            return null;
        }
        if (html == json) {
            return tie;
        }
        return (json > html) ? Answer.JSON : Answer.HTML;
    }

    /** JSON for a JSON post, else a page: what a route that has a page answers when {@code Accept} does not decide. */
    static Answer answerForPost(HttpServletRequest request) {
        return answer(request, isJson(request) ? Answer.JSON : Answer.HTML);
    }

    static boolean isJson(HttpServletRequest request) {
        MediaType type = contentType(request);
        return type != null && (MediaType.APPLICATION_JSON.includes(type) || "json".equals(type.getSubtypeSuffix()));
    }

    static boolean isForm(HttpServletRequest request) {
        MediaType type = contentType(request);
        return type != null && (MediaType.APPLICATION_FORM_URLENCODED.includes(type)
                || MediaType.MULTIPART_FORM_DATA.includes(type));
    }

    private static MediaType contentType(HttpServletRequest request) {
        String header = request.getContentType();
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return MediaType.parseMediaType(header);
        }
        catch (InvalidMediaTypeException ex) {
            return null;
        }
    }

    private static List<MediaType> accepted(HttpServletRequest request) {
        String header = request.getHeader("Accept");
        if (header == null || header.isBlank()) {
            return List.of(MediaType.ALL);
        }
        try {
            return MediaType.parseMediaTypes(header);
        }
        catch (InvalidMediaTypeException ex) {
            return List.of(MediaType.ALL);
        }
    }

    /** The quality the most specific matching range gives a media type; 0 when none includes it. */
    private static double quality(List<MediaType> accepted, MediaType type) {
        MediaType best = null;
        for (MediaType range : accepted) {
            if (range.includes(type) && (best == null || specificity(range) > specificity(best))) {
                best = range;
            }
        }
        return (best == null) ? 0 : best.getQualityValue();
    }

    private static int specificity(MediaType range) {
        if (range.isWildcardType()) {
            return 0;
        }
        return range.isWildcardSubtype() ? 1 : 2;
    }

}
