package io.rebound.api;

/** The body of every error answer of {@code /api}. */
public record ApiError(int status, String error, String message) {}
