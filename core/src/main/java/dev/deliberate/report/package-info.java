/**
 * The self-contained HTML report (inline SVG chart, embedded spec, a small sample browser; no external files),
 * the combined metrics file and the Markdown summary, all built from eval directories.
 */
package dev.deliberate.report;
