/**
 * S3 storage: any S3-compatible store by endpoint ({@code rebound.storage.s3.*}). Files go up in parallel parts,
 * each with its SHA-256, and an upload cut part-way resumes on retry without sending again what the store
 * already holds; downloads run in parallel ranges, resume, and refuse an object whose bytes do not match its
 * checksum. Object lock and server-side encryption are applied when configured, and a locked object is never
 * deleted. Nothing here knows about backups or Camunda.
 */
package io.rebound.storage;
