package io.tollgate.core;

/** Who shares a limit: one user across all APIs, one user on one API, or all users of one API. */
public enum Scope {
    USER("user"),
    USER_API("user_api"),
    API("api");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
