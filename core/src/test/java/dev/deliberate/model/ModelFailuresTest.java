package dev.deliberate.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelFailuresTest {
  @Test
  void rateLimitsTimeoutsAndServerErrorsAreRetriable() {
    for (int status : new int[] {408, 409, 425, 429, 500, 502, 503, 504, 599}) {
      assertTrue(ModelFailures.retriableStatus(status), String.valueOf(status));
    }
  }

  @Test
  void requestErrorsAreNot() {
    for (int status : new int[] {400, 401, 403, 404, 413, 422, 499}) {
      assertFalse(ModelFailures.retriableStatus(status), String.valueOf(status));
    }
  }
}
