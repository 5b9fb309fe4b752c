package io.tollgate.config;

/** A setting that cannot be used; the message names the key and the value. */
public final class InvalidSettingException extends RuntimeException {
    public InvalidSettingException(String key, String value, String problem) {
        super("invalid setting " + key + "='" + value + "': " + problem);
    }
}
