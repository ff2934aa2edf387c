/** The self-contained HTML report, metrics.json and the Markdown summary. */
package dev.deliberate.report;
