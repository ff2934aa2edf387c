/** The safety spec: Markdown parser, linter, spec(category) excerpts and the content hash. */
package dev.deliberate.spec;
