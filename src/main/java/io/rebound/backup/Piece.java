package io.rebound.backup;

/**
 * One object of a backup or a log batch: its file name, its key in the bucket, its size and the SHA-256 of its
 * bytes (hex). The manifest's checksum is the one a download is checked against.
 */
public record Piece(String name, String key, long size, String sha256) {}
