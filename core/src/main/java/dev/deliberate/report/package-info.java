/**
 * The self-contained HTML report (inline SVG chart, embedded spec, a small sample browser; no external files),
 * the combined metrics file, the Markdown summary, and the comparison a run prints at its end (metrics, held-out
 * attacks alone, examples side by side), all built from eval directories.
 */
package dev.deliberate.report;
