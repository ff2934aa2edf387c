package dev.deliberate.run;

import java.time.Duration;

/** Waits; a seam so that tests can see the waits the retry logic asks for without spending them. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = d -> Thread.sleep(d.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
