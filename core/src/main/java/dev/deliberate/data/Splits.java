package dev.deliberate.data;

import dev.deliberate.BadInputException;
import dev.deliberate.Hashes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A deterministic train / eval split, held out both by prompt and by attack, so that evaluation can use requests
 * and jailbreaks the model never saw in training.
 *
 * <h2>The rule</h2>
 * <ol>
 *   <li><b>Requests.</b> Records are grouped by their underlying request ({@link Prompt#request()}: the original
 *       request of an attacked prompt, else its text; surrounding whitespace ignored), so a request and all its
 *       attacked variants share one group. The distinct requests are ordered by SHA-256 of
 *       {@code seed + NUL + request} and the first {@code round(evalShare × n)} of them are <em>eval requests</em>;
 *       the others are <em>train requests</em>. The eval share is therefore exact, and the choice depends only on
 *       the seed and the set of requests — not on the order or duplication of records.</li>
 *   <li><b>Attacks.</b> A record is <em>held out</em> when its {@code attack}, its {@code metadata.attack_family},
 *       or any {@code +}-joined part of either (combined attacks such as {@code prefix-injection+base64-input}) is in
 *       the holdout list.</li>
 *   <li><b>Assignment.</b>
 *     <ul>
 *       <li>eval = every record of an eval request: plain, under ordinary attacks and under held-out attacks;</li>
 *       <li>train = records of train requests that are not held out;</li>
 *       <li>dropped = held-out records of train requests. They can go to neither side — in train they would
 *           leak the held-out attack, in eval they would leak a training request — and are counted, not lost
 *           silently.</li>
 *     </ul></li>
 * </ol>
 * Invariants (tested): no request appears in both train and eval; no held-out attack appears in train; the same
 * seed and the same records give the same split whatever their order.
 *
 * <p>A {@code Splits} is a plan: build it from the requests alone ({@link #plan}), then {@link #assign} records one
 * by one, so that a large file can be split in two streaming passes with memory for the distinct requests only.
 */
public final class Splits {
  /** Where a record goes. */
  public enum Part {
    TRAIN,
    EVAL,
    DROPPED
  }

  /** The records of each part, each in input order. */
  public record Split(List<Prompt> train, List<Prompt> eval, List<Prompt> dropped) {}

  private final Set<String> evalRequests;
  private final Set<String> holdout;
  private final int requestCount;

  private Splits(Set<String> evalRequests, Set<String> holdout, int requestCount) {
    this.evalRequests = evalRequests;
    this.holdout = holdout;
    this.requestCount = requestCount;
  }

  /**
   * Plans a split over these underlying requests (duplicates are fine).
   *
   * @param evalShare share of distinct requests that go to eval, in [0, 1]
   * @param holdoutAttacks attack names or attack families seen only in eval
   */
  public static Splits plan(Iterable<String> requests, long seed, double evalShare, Collection<String> holdoutAttacks) {
    if (!(evalShare >= 0 && evalShare <= 1)) {
      throw new BadInputException("eval share: expected a number from 0 to 1, found " + evalShare);
    }
    Set<String> distinct = new HashSet<>();
    for (String request : requests) {
      distinct.add(key(request));
    }
    String salt = Long.toString(seed) + "\u0000";
    List<String> ordered = new ArrayList<>(distinct);
    Map<String, String> rank = new java.util.HashMap<>();
    for (String request : ordered) {
      rank.put(request, Hashes.sha256Hex(salt + request));
    }
    ordered.sort(Comparator.comparing((String r) -> rank.get(r)).thenComparing(Comparator.naturalOrder()));
    int evalCount = (int) Math.round(evalShare * ordered.size());
    Set<String> holdout = new TreeSet<>();
    for (String name : holdoutAttacks) {
      if (!name.isBlank()) {
        holdout.add(name.trim());
      }
    }
    return new Splits(new HashSet<>(ordered.subList(0, evalCount)), holdout, ordered.size());
  }

  /** Plans and applies a split in memory. */
  public static Split split(Collection<Prompt> prompts, long seed, double evalShare, Collection<String> holdoutAttacks) {
    Splits plan = plan(prompts.stream().map(Prompt::request).toList(), seed, evalShare, holdoutAttacks);
    List<Prompt> train = new ArrayList<>();
    List<Prompt> eval = new ArrayList<>();
    List<Prompt> dropped = new ArrayList<>();
    for (Prompt prompt : prompts) {
      switch (plan.assign(prompt)) {
        case TRAIN -> train.add(prompt);
        case EVAL -> eval.add(prompt);
        case DROPPED -> dropped.add(prompt);
      }
    }
    return new Split(train, eval, dropped);
  }

  /** Where this record goes under the rule in the class comment. */
  public Part assign(Prompt prompt) {
    if (isEvalRequest(prompt.request())) {
      return Part.EVAL;
    }
    return isHeldOut(prompt) ? Part.DROPPED : Part.TRAIN;
  }

  public boolean isEvalRequest(String request) {
    return evalRequests.contains(key(request));
  }

  /** Whether the record's attack (or attack family, or a part of a combined attack) is held out. */
  public boolean isHeldOut(Prompt prompt) {
    if (holdout.isEmpty()) {
      return false;
    }
    Set<String> names = new LinkedHashSet<>();
    addNames(names, prompt.attack());
    Object family = prompt.metadata().get("attack_family");
    addNames(names, family == null ? null : family.toString());
    for (String name : names) {
      if (holdout.contains(name)) {
        return true;
      }
    }
    return false;
  }

  private static void addNames(Set<String> names, String attack) {
    if (attack == null) {
      return;
    }
    names.add(attack.trim());
    for (String part : attack.split("\\+")) {
      names.add(part.trim());
    }
  }

  /** The held-out attack names and families. */
  public Set<String> holdout() {
    return holdout;
  }

  /** Distinct requests the plan was built from, and how many of them went to eval. */
  public int requestCount() {
    return requestCount;
  }

  public int evalRequestCount() {
    return evalRequests.size();
  }

  private static String key(String request) {
    return request.strip();
  }
}
