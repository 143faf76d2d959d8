package com.acme.auth;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * Which representation a request asks for: a page or JSON, decided by {@code Accept} as the HTTP contract says.
 * <p>
 * The higher quality wins. Between equal qualities, a type the header names beats one it reaches only through a
 * wildcard (RFC 9110's specificity), so the common HTTP clients are API clients: axios sends
 * {@code application/json, text/plain, *}{@code /*} and jQuery's {@code getJSON}
 * {@code application/json, text/javascript, *}{@code /*; q=0.01}. When HTML and JSON are still equally acceptable (no
 * {@code Accept}, or {@code *}{@code /*} alone, as a browser's {@code fetch} sends) the route decides: a page for
 * browser routes, JSON for a JSON post. An {@code Accept} that allows neither gets nothing: the caller answers 406.
 * <p>
 * The integration's routes, guards and error handlers all decide with it; an application's own controllers can too
 * (see the example's {@code HomeController}).
 */
public final class Negotiation {

    /** The two representations the integration answers with. */
    public enum Answer {

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
    public static Answer answer(HttpServletRequest request, Answer tie) {
        List<MediaType> accepted = accepted(request);
        Preference html = preference(accepted, HTML_TYPES.get(0)).max(preference(accepted, HTML_TYPES.get(1)));
        Preference json = preference(accepted, MediaType.APPLICATION_JSON);
        if (html.quality() == 0 && json.quality() == 0) {
            return null;
        }
        int order = json.compareTo(html);
        if (order == 0) {
            return tie;
        }
        return (order > 0) ? Answer.JSON : Answer.HTML;
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

    /**
     * How much a request wants a media type: the quality and the specificity of the most specific range in
     * {@code Accept} that includes it; quality 0 when none does.
     */
    private static Preference preference(List<MediaType> accepted, MediaType type) {
        MediaType best = null;
        for (MediaType range : accepted) {
            if (range.includes(type) && (best == null || specificity(range) > specificity(best))) {
                best = range;
            }
        }
        return (best == null) ? new Preference(0, 0) : new Preference(best.getQualityValue(), specificity(best));
    }

    /** 2 for a named type ({@code application/json}), 1 for {@code text/*}, 0 for {@code *}{@code /*}. */
    private static int specificity(MediaType range) {
        if (range.isWildcardType()) {
            return 0;
        }
        return range.isWildcardSubtype() ? 1 : 2;
    }

    /** The quality first; between equal qualities, the more specific range. */
    private record Preference(double quality, int specificity) implements Comparable<Preference> {

        @Override
        public int compareTo(Preference other) {
            int byQuality = Double.compare(this.quality, other.quality);
            return (byQuality != 0) ? byQuality : Integer.compare(this.specificity, other.specificity);
        }

        Preference max(Preference other) {
            return (compareTo(other) >= 0) ? this : other;
        }

    }

}
