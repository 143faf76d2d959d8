package com.acme.auth;

/** A field of one of the integration's forms, as the pages render it. */
public final class FormField {

    private final String name;

    private final String label;

    private final String type;

    private final String autocomplete;

    /**
     * A form field.
     * @param name the field's name, also its key in a JSON post
     * @param label what its label says
     * @param type the HTML input type
     * @param autocomplete the browser's autocomplete token
     */
    public FormField(String name, String label, String type, String autocomplete) {
        this.name = name;
        this.label = label;
        this.type = type;
        this.autocomplete = autocomplete;
    }

    /**
     * The field's name.
     * @return the name
     */
    public String getName() {
        return this.name;
    }

    /**
     * What the label says.
     * @return the label
     */
    public String getLabel() {
        return this.label;
    }

    /**
     * The HTML input type.
     * @return the type, such as {@code email}
     */
    public String getType() {
        return this.type;
    }

    /**
     * The browser's autocomplete token.
     * @return the token, such as {@code current-password}
     */
    public String getAutocomplete() {
        return this.autocomplete;
    }

}
