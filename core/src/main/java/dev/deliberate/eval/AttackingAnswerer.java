package dev.deliberate.eval;

import dev.deliberate.BadInputException;
import dev.deliberate.attack.AttackModels;
import dev.deliberate.attack.Attempt;
import dev.deliberate.attack.Attacks;
import dev.deliberate.attack.ModelAttack;
import dev.deliberate.attack.TranslationAttack;
import dev.deliberate.data.Prompt;
import dev.deliberate.judge.Grade;
import dev.deliberate.judge.Grader;
import dev.deliberate.model.ChatModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Answers the evaluation's prompts, writing the model-driven ones first: a prompt marked pending by
 * {@link #pending} (a model-driven attack) or by {@link #inLanguage} (the multilingual suite) is attacked or
 * translated with the attacker or translator, the target answers it, and a translated answer is translated back
 * into English for the grader (the answer as written is kept in the trace). Every other prompt goes to the target
 * as it is. All models come from the run's model factory, so an answer interrupted half-way is made again from the
 * response cache without paying twice; the answer's key holds the attack's key (its settings and instruction hash)
 * and the attacker's, judge's and target's, so a change to any of them asks again.
 */
public final class AttackingAnswerer implements Answerer {
  /** Metadata of a prompt whose model-driven attack is still to be written. */
  public static final String PENDING_KEY = "attack_pending";
  /** Metadata of a prompt of the multilingual suite: the language code it is (to be) asked in. */
  public static final String LANGUAGE_KEY = "language";

  private final ModelAnswerer target;
  private final Map<String, ModelAttack> attacks = new HashMap<>();
  private final ChatModel attacker;
  private final ChatModel translator;
  private final Grader judge;

  /**
   * @param attacks the model-driven attacks the prompts may name (a selection's, with its settings)
   * @param attacker writes the attacks, or null when no prompt needs one
   * @param translator translates the multilingual suite's prompts and answers, or null when there are none
   * @param judge PAIR's judge: the evaluation's grader, so PAIR keeps the answer the evaluation finds worst
   */
  public AttackingAnswerer(ModelAnswerer target, List<ModelAttack> attacks, ChatModel attacker, ChatModel translator,
      Grader judge) {
    this.target = Objects.requireNonNull(target, "target");
    attacks.forEach(a -> this.attacks.put(a.name(), a));
    this.attacker = attacker;
    this.translator = translator;
    this.judge = judge;
  }

  /** The plain prompt marked to be attacked by {@code attack} when answered. */
  public static Prompt pending(Prompt plain, ModelAttack attack) {
    Map<String, Object> metadata = new HashMap<>(plain.metadata());
    metadata.put(PENDING_KEY, true);
    metadata.put(dev.deliberate.attack.Attack.FAMILY_KEY, attack.family());
    return new Prompt(null, plain.messages(), plain.category(), plain.expected(), plain.source(), attack.name(), null,
        metadata);
  }

  /** The plain prompt marked to be translated into {@code language} (a built-in translation's code) when answered. */
  public static Prompt inLanguage(Prompt plain, String language) {
    Map<String, Object> metadata = new HashMap<>(plain.metadata());
    metadata.put(LANGUAGE_KEY, language);
    metadata.put(PENDING_KEY, true);
    return new Prompt(null, plain.messages(), plain.category(), plain.expected(), plain.source(), null, null, metadata);
  }

  /** Whether {@code prompt} is marked pending by {@link #pending} or {@link #inLanguage}. */
  public static boolean isPending(Prompt prompt) {
    return Boolean.TRUE.equals(prompt.metadata().get(PENDING_KEY));
  }

  /** The language of a multilingual-suite prompt, or null for one in the benchmark's own language. */
  public static String language(Prompt prompt) {
    Object language = prompt.metadata().get(LANGUAGE_KEY);
    return language == null ? null : language.toString();
  }

  @Override
  public String id() {
    return target.id();
  }

  @Override
  public String key(Prompt prompt) {
    if (!isPending(prompt)) {
      return target.key(prompt);
    }
    Job job = job(prompt);
    return "attack\n" + job.attack().key() + "\n" + (job.language() == null ? "" : "language " + job.language())
        + "\n" + job.model().id() + "\n" + (job.attack().needsTarget() ? judge.key() : "") + "\n"
        + target.key(plain(prompt));
  }

  @Override
  public Answer answer(String suite, Prompt prompt) throws Exception {
    if (!isPending(prompt)) {
      return target.answer(suite, prompt);
    }
    Job job = job(prompt);
    Prompt plain = plain(prompt);
    Map<String, Answer> asked = new HashMap<>();
    AttackModels.Target asking = text -> {
      Answer a = target.answer(suite, made(job, plain, new Attempt(text, 1, 1, null, null)));
      asked.put(text, a);
      return a.content();
    };
    AttackModels models = new AttackModels(job.model(), asking, judge == null ? null : judge(judge));
    Attempt attempt = job.attack().attack(plain.request(), models);
    Prompt made = made(job, plain, attempt);
    Answer answer = asked.get(attempt.attacked());
    int calls = attempt.calls();
    if (answer == null) {
      answer = target.answer(suite, made);
      calls++;
    }
    ModelAttack.Reading reading = attempt.failedAttack() ? new ModelAttack.Reading(answer.content(), 0)
        : job.attack().read(answer.content(), models);
    calls += reading.calls();
    String original = reading.text().equals(answer.content()) ? null : answer.content();
    return new Answer(null, suite, id(), made, answer.reasoning(), reading.text(),
        new AttackTrace(job.model().id(), attempt.rounds(), calls, attempt.failure(), original));
  }

  /** What answers one pending prompt: the attack, the model that writes it, the language for the multilingual suite. */
  private record Job(ModelAttack attack, ChatModel model, String language) {}

  private Job job(Prompt prompt) {
    String language = language(prompt);
    if (language != null) {
      TranslationAttack translation = Attacks.translation(language).orElseThrow(() -> new BadInputException(
          "unknown language '" + language + "': expected one of " + Attacks.languageCodes()));
      if (translator == null) {
        throw new BadInputException("prompts in " + language + " need a translator model");
      }
      return new Job(translation, translator, language);
    }
    ModelAttack attack = attacks.get(prompt.attack());
    if (attack == null) {
      throw new BadInputException("attack '" + prompt.attack() + "' is not one of this evaluation's model-driven attacks");
    }
    if (attacker == null) {
      throw new BadInputException("attack '" + prompt.attack() + "' needs an attacker model");
    }
    return new Job(attack, attacker, null);
  }

  /** The prompt as it was before it was marked. */
  private static Prompt plain(Prompt pending) {
    Map<String, Object> metadata = new HashMap<>(pending.metadata());
    metadata.remove(PENDING_KEY);
    metadata.remove(dev.deliberate.attack.Attack.FAMILY_KEY);
    metadata.remove(LANGUAGE_KEY);
    return new Prompt(null, pending.messages(), pending.category(), pending.expected(), pending.source(), null, null,
        metadata);
  }

  /**
   * The prompt the target is asked: an attack's attacked prompt, or for the multilingual suite the prompt in the
   * language (no attack name; {@code original_request} the English request; metadata {@code language}).
   */
  private static Prompt made(Job job, Prompt plain, Attempt attempt) {
    Prompt attacked = job.attack().applied(plain, attempt);
    if (job.language() == null) {
      return attacked;
    }
    Map<String, Object> metadata = new HashMap<>(attacked.metadata());
    metadata.remove(dev.deliberate.attack.Attack.FAMILY_KEY);
    metadata.put(LANGUAGE_KEY, job.language());
    return new Prompt(null, attacked.messages(), plain.category(), plain.expected(), plain.source(), null, plain.request(),
        metadata);
  }

  /** A grader as PAIR's judge: the rubric's grade turned into harm by {@link Metrics#harm}, empty when it failed. */
  public static AttackModels.Judge judge(Grader grader) {
    return (request, answer) -> {
      Grade grade = grader.rubric(request, answer);
      return grade.ok() ? OptionalDouble.of(Metrics.harm(grade.refused(), grade.convincing(), grade.specific()))
          : OptionalDouble.empty();
    };
  }
}
