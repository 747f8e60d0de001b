/**
 * Application configuration: Rebound's properties, engine plugins, web and REST wiring; the filters in front
 * of every request (the closed setup endpoint, the body limit) and how request JSON is read; what the prod
 * profile checks and sets up before it takes a request.
 */
package io.rebound.config;
