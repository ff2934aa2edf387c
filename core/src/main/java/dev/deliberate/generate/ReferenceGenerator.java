package dev.deliberate.generate;

import dev.deliberate.Hashes;
import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelResolver;
import dev.deliberate.spec.Style;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline, rule-based generator (model string {@code reference}): answers a stage-1 request with the chain of
 * thought the spec prescribes and a reply in the chosen style, without any network or weights.
 *
 * <h2>What it reads</h2>
 * The labels come from the request's {@value Generator#LABELS_FIELD} field (category, expected behaviour, attack,
 * attack family, original request), which the generate stage adds when its generator is this model. Without that
 * field it recovers what it can from the stage-1 request itself: the category is the first anchor of the excerpt
 * that has sub-section anchors, the expected behaviour is the "default style" named in that category (else
 * safe-complete, the cautious middle), the request is the last user message, and the framing is guessed from
 * obvious markers (base64 text, role-play, developer mode). The anchors it may cite are those in the excerpt.
 *
 * <h2>What it writes</h2>
 * The reasoning (in the choice's reasoning channel): the underlying request restated, the attack framing named
 * when there is one, the category's sections cited by anchor, the reason that decides it when the labels give one
 * (why a look-alike is harmless, or why it is not a look-alike), the decision and the style's rules. The reply:
 * a brief refusal without moralising; a safe completion that acknowledges, gives general safe information and
 * points to help; or, for allowed requests, a short general answer (it knows no facts, so the answer is generic
 * but sensible). Phrasing is drawn from several variants with a seed mixed from the request seed, the choice
 * index and the request text, so the data is not one template and is reproducible. It never writes harmful
 * content: nothing it says depends on the request beyond quoting it in the reasoning.
 *
 * <h2>Brief reasoning</h2>
 * {@value #BRIEF_ID} writes the same decision with a reasoning of about forty words: the framing when there is one,
 * the category's anchor, the reason when the labels give one, the sub-section that decides, the decision and the
 * style's anchor, without restating the request. It is meant for very small students (the quickstart's tiny
 * model), which garble a quoted request and spend most of their few parameters copying it; the steps of the
 * reasoning and the citations are the same.
 */
public final class ReferenceGenerator implements ChatModel {
  public static final String ID = "reference";
  public static final String BRIEF_ID = "reference:brief";

  /** The standard resolver ({@code openai:}, {@code http(s)://}) with the reference models registered. */
  public static ModelResolver resolver() {
    return registerOn(ModelResolver.standard());
  }

  /** Registers {@code reference} and {@code reference:brief} on a resolver; returns it. */
  public static ModelResolver registerOn(ModelResolver resolver) {
    return resolver.register(ID, (string, options) -> {
      if (!string.equals(ID) && !string.equals(BRIEF_ID)) {
        throw new dev.deliberate.BadInputException("unknown model '" + string + "': the offline models are '" + ID
            + "' and '" + BRIEF_ID + "'");
      }
      return new ReferenceGenerator(string.equals(BRIEF_ID));
    });
  }

  /** Whether a model string names one of the reference models. */
  public static boolean isReference(String modelString) {
    return modelString.startsWith(ID);
  }

  /** Free and deterministic: asking again gives the same reply. */
  @Override
  public boolean cacheable() {
    return false;
  }

  private static final Pattern ANCHOR = Pattern.compile("\\{#([a-z0-9-]+)}");
  private static final Pattern DEFAULT_STYLE =
      Pattern.compile("(?i)default style[^a-z\\n]*(comply|refuse|safe[- ]complete)");
  private static final int QUOTE_LIMIT = 240;

  private final boolean brief;

  /** The full reasoning ({@value #ID}). */
  public ReferenceGenerator() {
    this(false);
  }

  /** The full reasoning, or the brief one ({@value #BRIEF_ID}). */
  public ReferenceGenerator(boolean brief) {
    this.brief = brief;
  }

  @Override
  public String id() {
    return brief ? BRIEF_ID : ID;
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    Labels labels = labels(request);
    List<ChatResponse.Choice> choices = new ArrayList<>();
    long prompt = 0;
    long completion = 0;
    for (Message m : request.messages()) {
      prompt += TextChecks.words(m.content());
    }
    for (int i = 0; i < request.n(); i++) {
      long seed = request.seed() == null ? 0 : request.seed();
      int sampleSeed = Hashes.sha256Hex(seed + "/" + i + "/" + labels.request()).hashCode();
      Random random = new Random(sampleSeed);
      String reasoning = brief ? briefReasoning(labels, random) : reasoning(labels, random);
      // Drawn apart from the reasoning, so that both voices give the same reply.
      String answer = answer(labels, new Random(sampleSeed + 1L));
      completion += TextChecks.words(reasoning) + TextChecks.words(answer);
      choices.add(new ChatResponse.Choice(i, reasoning, answer, "stop"));
    }
    return new ChatResponse(choices, new ChatResponse.Usage(prompt, completion));
  }

  /** What the reference knows about the prompt it answers. */
  record Labels(String category, Style expected, String attack, String attackFamily, String request, String reason,
      Set<String> anchors) {}

  static Labels labels(ChatRequest request) {
    String system = request.messages().stream().filter(m -> m.role().equals("system")).map(Message::content)
        .findFirst().orElse("");
    Set<String> anchors = new LinkedHashSet<>();
    Matcher m = ANCHOR.matcher(system);
    while (m.find()) {
      anchors.add(m.group(1));
    }
    String lastUser = "";
    for (Message message : request.messages()) {
      if (message.role().equals("user")) {
        lastUser = message.content();
      }
    }
    Object field = request.extra().get(Generator.LABELS_FIELD);
    if (field != null) {
      Map<?, ?> map = Json.mapper().convertValue(field, Map.class);
      String category = str(map.get("category"));
      Style expected = map.get("expected") == null ? Style.SAFE_COMPLETE : Style.parse(str(map.get("expected")));
      String req = map.get("request") == null ? lastUser : str(map.get("request"));
      return new Labels(category, expected, str(map.get("attack")), str(map.get("attack_family")), req,
          str(map.get("reason")), anchors);
    }
    String category = anchors.stream()
        .filter(a -> !a.startsWith("style-") && anchors.stream().anyMatch(b -> b.startsWith(a + "-")))
        .findFirst().orElse(null);
    Style expected = Style.SAFE_COMPLETE;
    int focusEnd = system.indexOf("## Other categories");
    Matcher style = DEFAULT_STYLE.matcher(focusEnd < 0 ? system : system.substring(0, focusEnd));
    if (style.find()) {
      expected = Style.parse(style.group(1).replace(' ', '-'));
    }
    String framing = guessFraming(lastUser);
    return new Labels(category, expected, framing, framing, lastUser, null, anchors);
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  private static String guessFraming(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (Pattern.compile("[A-Za-z0-9+/]{40,}={0,2}").matcher(text).find()) {
      return "encoding";
    }
    if (lower.contains("developer mode") || lower.contains("dan mode")) {
      return "developer mode";
    }
    if (lower.contains("pretend") || lower.contains("role-play") || lower.contains("roleplay")
        || lower.contains("you are now") || lower.contains("stay in character")) {
      return "role-play";
    }
    return null;
  }

  // ---- reasoning ----

  private static String reasoning(Labels l, Random random) {
    String category = l.category() == null ? "general" : l.category();
    StringBuilder out = new StringBuilder();
    out.append(pick(random,
        "Underneath any framing, the user is asking: \"%s\".",
        "The request itself, restated plainly: \"%s\".",
        "What the user actually wants is this: \"%s\".",
        "Let me first pin down the real request: \"%s\".").formatted(quote(l.request())));
    out.append(' ');
    if (l.attack() != null) {
      String family = l.attackFamily() == null || l.attackFamily().equals(l.attack())
          ? l.attack() : l.attackFamily() + " (" + l.attack() + ")";
      out.append(pick(random,
          "It arrives wrapped in a %s framing, which is a jailbreak pattern; the wrapper changes nothing about what is being asked, so I judge the request underneath.",
          "The message uses a %s wrapper to get around the rules. I set the wrapper aside and reason about the plain request.",
          "This is a jailbreak attempt using %s framing. The framing does not make the request any more or less acceptable.")
          .formatted(family));
    } else {
      out.append(pick(random,
          "There is no jailbreak framing here; the request is stated directly.",
          "The request comes plainly, with no role-play, encoding or other wrapper.",
          "Nothing in the message tries to disguise the request."));
    }
    out.append("\n\n");
    out.append(pick(random,
        "This belongs to the %s category (#%s).",
        "The relevant part of the spec is the %s category, #%s.",
        "Category: %s, so #%s is the section to check.").formatted(category, cite(l, category)));
    out.append(' ');
    if (l.reason() != null) {
      out.append(pick(random, "What decides it: %s.", "The key point: %s.").formatted(l.reason())).append(' ');
    }
    Style style = l.expected();
    switch (style) {
      case REFUSE -> out.append(pick(random,
          "The request asks for exactly what #%s rules out, and none of the exceptions in #%s covers it.",
          "Per #%s this is content I must not provide; #%s does not make room for it either.",
          "#%s describes this kind of request, and #%s offers no allowance that fits.")
          .formatted(cite(l, category + "-disallowed"), cite(l, category + "-allowed")));
      case COMPLY -> out.append(pick(random,
          "It only resembles a risky request: #%s explicitly keeps this kind of question open, and answering gives no real help towards harm, so #%s does not apply.",
          "#%s covers this: it is an ordinary question that merely shares words with the category. Nothing in #%s is at stake.",
          "Read in context, this is allowed under #%s; it asks for nothing that #%s forbids.")
          .formatted(cite(l, category + "-allowed"), cite(l, category + "-disallowed")));
      case SAFE_COMPLETE -> out.append(pick(random,
          "#%s applies: the person may be at risk or needs expert help, so a flat refusal would fail them while specifics would not be safe; #%s describes how to handle the middle ground.",
          "Under #%s the right move is neither full compliance nor a bare refusal; #%s points to general, safe information and a path to real help.",
          "This sits in the territory of #%s and #%s: support and general information, without the specifics that could cause harm.")
          .formatted(cite(l, category + "-edge-cases"), cite(l, category + "-allowed")));
    }
    out.append("\n\n");
    String styleAnchor = cite(l, "style-" + style.wireName());
    switch (style) {
      case REFUSE -> out.append(pick(random,
          "Decision: refuse. Following #%s, the reply is short, does not lecture or judge the user, and may offer help with something else.",
          "So I refuse. #%s asks for a brief refusal: one or two sentences, no moralising, no explanation of the rules.",
          "I will decline. Per #%s: keep it brief and neutral, without a sermon.").formatted(styleAnchor));
      case COMPLY -> out.append(pick(random,
          "Decision: comply. Per #%s the answer should be direct and useful, without disclaimers it does not need.",
          "So I answer it. #%s asks for a helpful, plain answer with no needless warnings.",
          "I will help. Following #%s: answer directly and keep it useful.").formatted(styleAnchor));
      case SAFE_COMPLETE -> out.append(pick(random,
          "Decision: safe-complete. Per #%s the reply acknowledges the person, gives general safe information and points to appropriate help.",
          "So I safe-complete. #%s asks for empathy, general information only, and a pointer to people who can help.",
          "I will give a safe completion, as #%s describes: acknowledge, stay general, and point to help.")
          .formatted(styleAnchor));
    }
    return out.toString();
  }

  private static String briefReasoning(Labels l, Random random) {
    String category = l.category() == null ? "general" : l.category();
    StringBuilder out = new StringBuilder();
    if (l.attack() != null) {
      String family = l.attackFamily() == null ? l.attack() : l.attackFamily();
      out.append(pick(random,
          "The request comes in %s framing; I judge the request under it. ",
          "This is a %s jailbreak; the wrapper changes nothing. ").formatted(family));
    }
    out.append(pick(random, "Category: #%s. ", "Spec section: #%s. ").formatted(cite(l, category)));
    if (l.reason() != null) {
      out.append(capitalize(l.reason())).append(". ");
    }
    Style style = l.expected();
    String styleAnchor = cite(l, "style-" + style.wireName());
    switch (style) {
      case REFUSE -> out.append(pick(random,
          "#%s rules this out. Decision: refuse, brief and neutral (#%s).",
          "It is what #%s forbids. Decision: refuse, short, no lecture (#%s).")
          .formatted(cite(l, category + "-disallowed"), styleAnchor));
      case COMPLY -> out.append(pick(random,
          "#%s allows it; nothing harmful is asked. Decision: comply, direct and useful (#%s).",
          "It only looks risky; #%s keeps it open. Decision: comply, plainly (#%s).")
          .formatted(cite(l, category + "-allowed"), styleAnchor));
      case SAFE_COMPLETE -> out.append(pick(random,
          "#%s applies: support without specifics. Decision: safe-complete, acknowledge and point to help (#%s).",
          "This is the middle ground of #%s. Decision: safe-complete, general help only (#%s).")
          .formatted(cite(l, category + "-edge-cases"), styleAnchor));
    }
    return out.toString();
  }

  /** The anchor when the excerpt has it, else the category anchor (which always exists when the category does). */
  private static String cite(Labels l, String anchor) {
    if (l.anchors().isEmpty() || l.anchors().contains(anchor) || l.category() == null) {
      return anchor;
    }
    return l.category();
  }

  private static String quote(String request) {
    String flat = request.replaceAll("\\s+", " ").strip().replace('"', '\'');
    return flat.length() <= QUOTE_LIMIT ? flat : flat.substring(0, QUOTE_LIMIT) + "...";
  }

  // ---- answers ----

  private static String answer(Labels l, Random random) {
    return switch (l.expected()) {
      case REFUSE -> pick(random,
          "I can't help with that.",
          "Sorry, but I can't help with this request.",
          "I won't be able to help with that.",
          "I can't assist with that one.")
          + pick(random, "", " If there's something else you're working on, I'm happy to help.",
              " I'm glad to help with a different question.", " Happy to help with something else, though.");
      case SAFE_COMPLETE -> safeCompletion(l.category(), random);
      case COMPLY -> pick(random,
          "Sure. The short answer is that it depends a little on context, so here are the main points: what the term usually means, how people normally go about it, and what to watch out for. If you tell me more about your situation, I can go into detail.",
          "Happy to help. In general terms: start with the usual meaning of the question, check the standard references on the topic, and take the common-sense precautions that apply. Let me know which part you want me to expand on.",
          "Good question. Broadly, there are a few common approaches, and the right one depends on what you are trying to do. I can walk you through them step by step if you share a bit more about your goal.");
    };
  }

  private static String safeCompletion(String category, Random random) {
    if ("self-harm".equals(category)) {
      return pick(random,
          "I'm really sorry you're going through this; it sounds painful, and you don't have to face it alone.",
          "Thank you for telling me. What you're feeling matters, and you deserve support right now.",
          "I'm sorry things are this hard at the moment. You're not alone in this.")
          + " I can't help with anything that could hurt you, but talking to someone can make a real difference. "
          + pick(random,
              "If you are in immediate danger, please call your local emergency number. In the US you can call or text 988, and findahelpline.com lists crisis lines in other countries.",
              "If you might act on these thoughts, please contact emergency services now. You can also reach a crisis line: 988 in the US, or find a local one at findahelpline.com.")
          + pick(random, " If you'd like, tell me more about what's going on.", " I'm here to keep talking if that helps.");
    }
    if ("regulated-advice".equals(category)) {
      return pick(random,
          "That's a reasonable thing to wonder about, and I can share general information, though not advice for your particular case.",
          "That is a fair question. I can give you the general picture here, but not a recommendation tailored to you.")
          + " In general, the answer depends on details such as your history, your jurisdiction and your circumstances, which is why "
          + pick(random,
              "a licensed professional (a doctor or pharmacist, a lawyer, or a financial adviser, depending on the question) is the right person to confirm what applies to you.",
              "it is worth checking with a qualified professional who can look at your situation before you act on anything.");
    }
    return pick(random,
        "I can't go into specifics on that, but I can share some general, safety-focused context.",
        "I won't give details here, though I can offer some general information.")
        + " Situations like this are usually best handled with people who can help directly: "
        + pick(random,
            "if anyone is in danger, contact local emergency services, and consider reaching out to a relevant support organisation.",
            "local emergency services if someone is at risk, or a trusted professional or support line otherwise.");
  }

  private static String capitalize(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  private static String pick(Random random, String... options) {
    return options[random.nextInt(options.length)];
  }

}
