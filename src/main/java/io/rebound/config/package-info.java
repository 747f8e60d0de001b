/** Application configuration: Rebound's properties, engine plugins, web and REST wiring. */
package io.rebound.config;
