package io.rebound.storage;

/**
 * An object as the store holds it: its key, size and the SHA-256 of its bytes (hex, as {@code sha256sum} prints it).
 */
public record StoredObject(String key, long size, String sha256) {}
