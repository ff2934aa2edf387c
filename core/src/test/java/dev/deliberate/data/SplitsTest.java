package dev.deliberate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import dev.deliberate.spec.Style;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SplitsTest {
  private static final List<String> ATTACKS = List.of("rot13", "base64-input", "prefix-injection", "evil-confidant", "poem");
  private static final Map<String, String> FAMILY = Map.of(
      "rot13", "encoding", "base64-input", "encoding", "prefix-injection", "injection", "evil-confidant", "roleplay", "poem", "style");

  /** Each request plain, and under every attack (plus one combination). */
  static List<Prompt> dataset(int requests) {
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      Prompt plain = Prompt.of("request number " + i, "violence", Style.REFUSE, "test", null);
      prompts.add(plain);
      for (String attack : ATTACKS) {
        prompts.add(withFamily(plain.attacked(attack, attack + "(" + plain.text() + ")"), FAMILY.get(attack)));
      }
      prompts.add(withFamily(plain.attacked("poem+rot13", "combo(" + plain.text() + ")"), "style+encoding"));
    }
    return prompts;
  }

  private static Prompt withFamily(Prompt p, String family) {
    return new Prompt(null, p.messages(), p.category(), p.expected(), p.source(), p.attack(), p.originalRequest(),
        Map.of("attack_family", family));
  }

  private static Set<String> requests(List<Prompt> prompts) {
    return prompts.stream().map(Prompt::request).collect(Collectors.toSet());
  }

  private static Set<String> ids(List<Prompt> prompts) {
    return prompts.stream().map(Prompt::id).collect(Collectors.toSet());
  }

  @Property(tries = 60)
  void noRequestAndNoHeldOutAttackIsOnBothSides(
      @ForAll @IntRange(min = 0, max = 40) int requests, @ForAll long seed, @ForAll @DoubleRange(min = 0, max = 1) double share) {
    List<Prompt> prompts = dataset(requests);
    Splits.Split split = Splits.split(prompts, seed, share, List.of("rot13", "roleplay"));
    Set<String> trainRequests = requests(split.train());
    Set<String> evalRequests = requests(split.eval());
    assertTrue(Collections.disjoint(trainRequests, evalRequests));
    for (Prompt p : split.train()) {
      assertNotEquals("rot13", p.attack());
      assertNotEquals("poem+rot13", p.attack(), "a combination containing a held-out attack is held out");
      assertNotEquals("roleplay", p.metadata().get("attack_family"), "families can be held out too");
    }
    // nothing is lost: every record is in exactly one part
    assertEquals(prompts.size(), split.train().size() + split.eval().size() + split.dropped().size());
    // the share of requests is exact
    assertEquals(Math.round(share * requests), evalRequests.size());
    // eval requests appear there under every attack, held-out ones included
    for (String request : evalRequests) {
      assertEquals(ATTACKS.size() + 2, split.eval().stream().filter(p -> p.request().equals(request)).count());
    }
    // only held-out records of train requests are dropped
    for (Prompt p : split.dropped()) {
      assertTrue(trainRequests.contains(p.request()) || !evalRequests.contains(p.request()));
      assertTrue(Set.of("rot13", "poem+rot13", "evil-confidant").contains(p.attack()), p.attack());
    }
  }

  @Property(tries = 30)
  void theSplitDependsOnlyOnSeedAndContentNotOrder(@ForAll @IntRange(min = 1, max = 30) int requests, @ForAll long seed) {
    List<Prompt> prompts = dataset(requests);
    List<Prompt> shuffled = new ArrayList<>(prompts);
    Collections.shuffle(shuffled, new Random(seed));
    Splits.Split a = Splits.split(prompts, seed, 0.3, List.of("poem"));
    Splits.Split b = Splits.split(shuffled, seed, 0.3, List.of("poem"));
    assertEquals(ids(a.train()), ids(b.train()));
    assertEquals(ids(a.eval()), ids(b.eval()));
    assertEquals(ids(a.dropped()), ids(b.dropped()));
  }

  @Test
  void differentSeedsGiveDifferentSplits() {
    List<Prompt> prompts = dataset(50);
    Set<String> first = requests(Splits.split(prompts, 1, 0.3, List.of()).eval());
    Set<String> second = requests(Splits.split(prompts, 2, 0.3, List.of()).eval());
    assertEquals(15, first.size());
    assertNotEquals(first, second);
    assertEquals(first, requests(Splits.split(prompts, 1, 0.3, List.of()).eval()));
  }

  @Test
  void addingRequestsKeepsMostOfTheEvalSet() {
    // the rank of a request depends only on the seed and its text, so growing a dataset moves few requests
    Set<String> small = requests(Splits.split(dataset(100), 7, 0.3, List.of()).eval());
    Set<String> large = requests(Splits.split(dataset(110), 7, 0.3, List.of()).eval());
    Set<String> kept = new HashSet<>(small);
    kept.retainAll(large);
    assertTrue(kept.size() >= 25, "kept " + kept.size() + " of " + small.size());
  }

  @Test
  void withoutHoldoutsNothingIsDropped() {
    Splits.Split split = Splits.split(dataset(10), 3, 0.5, List.of());
    assertTrue(split.dropped().isEmpty());
    assertFalse(split.train().isEmpty());
  }

  @Test
  void theShareMustBeBetweenZeroAndOne() {
    assertThrows(BadInputException.class, () -> Splits.plan(List.of("a"), 1, 1.5, List.of()));
    assertThrows(BadInputException.class, () -> Splits.plan(List.of("a"), 1, Double.NaN, List.of()));
  }
}
