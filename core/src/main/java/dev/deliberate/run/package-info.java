/** What every stage shares: the run directory, manifest, response cache, concurrency, retries, progress. */
package dev.deliberate.run;
