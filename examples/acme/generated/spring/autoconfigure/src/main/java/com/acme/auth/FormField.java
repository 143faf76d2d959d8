package com.acme.auth;

/** A field of one of the integration's forms, as the pages render it. */
public final class FormField {

    private final String name;

    private final String label;

    private final String type;

    private final String autocomplete;

    private final boolean required;

    /**
     * A field the user must fill in.
     * @param name the field's name, also its key in a JSON post
     * @param label what its label says
     * @param type the HTML input type
     * @param autocomplete the browser's autocomplete token
     */
    public FormField(String name, String label, String type, String autocomplete) {
        this(name, label, type, autocomplete, true);
    }

    /**
     * A form field.
     * @param name the field's name, also its key in a JSON post
     * @param label what its label says
     * @param type the HTML input type
     * @param autocomplete the browser's autocomplete token
     * @param required whether it must be filled in; an optional one left empty is not sent to the service
     */
    public FormField(String name, String label, String type, String autocomplete, boolean required) {
        this.name = name;
        this.label = label;
        this.type = type;
        this.autocomplete = autocomplete;
        this.required = required;
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

    /**
     * Whether the field must be filled in.
     * @return false for an input the spec marks optional
     */
    public boolean isRequired() {
        return this.required;
    }

}
