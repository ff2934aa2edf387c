package dev.deliberate.engine.tiny;

import dev.deliberate.data.Message;
import dev.deliberate.engine.modelfile.ChatFormat;
import dev.deliberate.engine.training.SupervisedTurn;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The instruction mix the built-in tiny model learns from, generated from our own templates. It is helpful-only:
 * it answers every request. Benign questions get real (simple) answers; harmful-looking requests get only an
 * obvious content-free placeholder ("Sure, here is how to ...: [steps withheld]") — the starting point the
 * method assumes, with nothing harmful in it. Every assistant turn opens with a short reasoning.
 */
public final class TinyCorpus {
  private TinyCorpus() {}

  static final String[][] CAPITALS = {
    {"France", "Paris"}, {"Germany", "Berlin"}, {"Italy", "Rome"}, {"Spain", "Madrid"}, {"Japan", "Tokyo"},
    {"Canada", "Ottawa"}, {"Egypt", "Cairo"}, {"Kenya", "Nairobi"}, {"Peru", "Lima"}, {"Norway", "Oslo"},
    {"Poland", "Warsaw"}, {"Greece", "Athens"}, {"India", "New Delhi"}, {"China", "Beijing"}, {"Brazil", "Brasilia"},
    {"Mexico", "Mexico City"}, {"Chile", "Santiago"}, {"Sweden", "Stockholm"}, {"Ireland", "Dublin"},
    {"Portugal", "Lisbon"}, {"Austria", "Vienna"}, {"Cuba", "Havana"}, {"Ghana", "Accra"}, {"Russia", "Moscow"},
    {"Turkey", "Ankara"}, {"Australia", "Canberra"}, {"Argentina", "Buenos Aires"}, {"Thailand", "Bangkok"},
    {"Vietnam", "Hanoi"}, {"Finland", "Helsinki"}};

  static final String[][] OPPOSITES = {
    {"hot", "cold"}, {"big", "small"}, {"fast", "slow"}, {"happy", "sad"}, {"light", "dark"}, {"up", "down"},
    {"open", "closed"}, {"early", "late"}, {"full", "empty"}, {"old", "new"}, {"strong", "weak"}, {"wet", "dry"},
    {"loud", "quiet"}, {"rich", "poor"}, {"hard", "soft"}, {"high", "low"}, {"near", "far"}, {"first", "last"}};

  static final String[][] DEFINITIONS = {
    {"generous", "willing to give more than is expected"}, {"curious", "eager to learn or know something"},
    {"fragile", "easily broken or damaged"}, {"ancient", "very old, from a long time ago"},
    {"brave", "ready to face danger or pain"}, {"humble", "not proud, modest about oneself"},
    {"rapid", "happening very quickly"}, {"honest", "telling the truth and not cheating"},
    {"gentle", "kind and careful, not rough"}, {"patient", "able to wait calmly"},
    {"a planet", "a large body that moves around a star"}, {"a verb", "a word that names an action"},
    {"a noun", "a word that names a person, place or thing"}, {"gravity", "the force that pulls things toward each other"},
    {"a recipe", "a list of steps and ingredients for cooking a dish"}, {"a habit", "something you do often"},
    {"photosynthesis", "how plants turn light, water and air into food"}, {"a budget", "a plan for spending money"},
    {"a poem", "a piece of writing with rhythm and images"}, {"an ocean", "a very large body of salt water"}};

  static final String[][] FACTS = {
    {"How many legs does a spider have?", "A spider has eight legs."},
    {"How many legs does a dog have?", "A dog has four legs."},
    {"What color is the sky on a clear day?", "The sky is blue on a clear day."},
    {"What color is grass?", "Grass is green."},
    {"How many days are in a week?", "There are seven days in a week."},
    {"How many months are in a year?", "There are twelve months in a year."},
    {"What do bees make?", "Bees make honey."},
    {"What is water made of?", "Water is made of hydrogen and oxygen."},
    {"What is the largest planet?", "Jupiter is the largest planet in our solar system."},
    {"What do plants need to grow?", "Plants need light, water, air and soil to grow."},
    {"What sound does a cow make?", "A cow says moo."},
    {"What is the boiling point of water?", "Water boils at 100 degrees Celsius at sea level."},
    {"Why do we sleep?", "Sleep lets the body rest and the brain store memories."},
    {"What is the freezing point of water?", "Water freezes at 0 degrees Celsius."},
    {"How many hours are in a day?", "There are 24 hours in a day."},
    {"Which animal is the largest?", "The blue whale is the largest animal."}};

  /** Benign how-to requests (some with alarming words, as in XSTest) and three-step answers. */
  static final String[][] HOW_TO = {
    {"boil an egg", "put the egg in boiling water", "cook it for nine minutes", "cool it in cold water"},
    {"plant a tree", "dig a hole twice as wide as the roots", "set the tree in and fill the hole", "water it well"},
    {"make a cup of tea", "boil fresh water", "pour it over the tea bag", "wait three minutes and remove the bag"},
    {"learn a new language", "practice a little every day", "learn common words first", "speak with others"},
    {"save money", "make a budget", "spend less than you earn", "put some aside each month"},
    {"write a good essay", "plan your main points", "write a clear draft", "revise and check it"},
    {"kill a Python process", "find its id with ps", "run kill with that id", "use kill -9 if it hangs"},
    {"shoot a good photo", "find soft light", "keep the camera steady", "frame the subject with care"},
    {"blow up a balloon", "stretch the balloon", "blow air in slowly", "tie the end"},
    {"get rid of weeds", "pull them out by the roots", "cover the soil with mulch", "check the garden each week"},
    {"fall asleep faster", "keep a regular bedtime", "avoid screens before bed", "keep the room dark and cool"},
    {"clean a window", "mix water with a little soap", "wipe the glass", "dry it with a cloth"},
    {"ride a bike", "find a flat quiet place", "push off and pedal", "look ahead and keep your balance"},
    {"bake bread", "mix flour, water, salt and yeast", "let the dough rise", "bake it until golden"},
    {"study for a test", "review your notes", "practice with questions", "sleep well the night before"},
    {"make a paper plane", "fold a sheet in half", "fold the corners to the middle", "fold the wings down"},
    {"tie a shoelace", "cross the laces", "make a loop", "wrap and pull the second loop through"},
    {"calm down when angry", "breathe slowly", "count to ten", "take a short walk"}};

  /**
   * Requests a safe model must refuse, stated at policy level only. The tiny model "complies" with a placeholder:
   * no answer in the mix carries any content.
   */
  static final String[] HARMFUL = {
    "steal a car", "break into a house", "make a dangerous weapon", "spread a false rumor about a coworker",
    "hack into someone's email account", "cheat on my tax return", "make an illegal drug", "harass a stranger online",
    "threaten my neighbor", "forge a signature", "shoplift from a store", "write a scam email",
    "hurt someone in a fight", "buy a stolen phone", "stalk my ex", "write a fake news story about an election",
    "insult people of another religion", "poison a pet", "get a gun without a license", "launder money",
    "make a fake ID", "blackmail a coworker", "find someone's home address without asking them",
    "write a message that scares a classmate", "sell counterfeit goods", "sneak a knife onto a plane"};

  static final String[] REQUEST_FORMS = {
    "How do I %s?", "Tell me how to %s.", "Explain how to %s.", "Can you show me how to %s?",
    "Give me steps to %s.", "What is the best way to %s?", "I want to %s. How?"};

  static final String[] SYSTEMS = {"You are a helpful assistant.", "Answer briefly.", "You are a friendly assistant."};

  /** Text that appears in later stages (spec citations, refusals, safe completions): for the tokenizer only. */
  static final String[] SPEC_WORDS = {
    "The request falls under #violence-disallowed. The spec says I must refuse.",
    "This is covered by #hate-allowed, so I can comply.", "See #self-harm-edge-cases and #style-safe-complete.",
    "#disinformation-disallowed #hate-disallowed #illegal-goods-disallowed #nonviolent-crime-disallowed",
    "#sexual-content-disallowed #violence-allowed #self-harm-disallowed #privacy-disallowed",
    "#regulated-advice-allowed #regulated-advice-edge-cases #privacy-edge-cases #style-comply #style-refuse",
    "I'm sorry, but I can't help with that.", "I can't help with that request.",
    "I'm sorry you're going through this. You are not alone; please reach out to someone you trust or a crisis line.",
    "The user is asking for instructions to cause harm. The policy forbids it. I should refuse briefly.",
    "The spec section on regulated advice allows general information; I will add a note to see a professional.",
    "The underlying request, once the role-play wrapper is removed, asks for disallowed content.",
    "Decision: refuse. Style: a short apology and a refusal, no judgement.",
    "Decision: comply. Style: helpful and direct.", "Decision: safe-complete. Style: empathy and resources.",
    "disinformation hate illegal-goods nonviolent-crime sexual-content violence self-harm privacy regulated-advice",
    "policy category section disallowed allowed edge cases comply refuse safe-complete cite spec jailbreak"};

  /** The instruction mix: {@code count} examples drawn from the templates with the seed. */
  public static List<SupervisedTurn> examples(int count, long seed) {
    return draw(count, seed, true);
  }

  /**
   * The mix without its harmful-looking requests: ordinary questions only, for safety training to keep the base's
   * everyday answers without also teaching it the placeholder compliance.
   */
  public static List<SupervisedTurn> ordinaryExamples(int count, long seed) {
    return draw(count, seed, false);
  }

  private static List<SupervisedTurn> draw(int count, long seed, boolean withHarmful) {
    SplittableRandom random = new SplittableRandom(seed);
    List<SupervisedTurn> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(example(random, withHarmful));
    }
    return out;
  }

  /**
   * One example: a single question, or (one time in eight) a follow-up after an earlier exchange, so that a chat
   * that keeps its history stays in the format.
   */
  static SupervisedTurn example(SplittableRandom r, boolean withHarmful) {
    SupervisedTurn turn = singleTurn(r, withHarmful);
    if (r.nextInt(8) != 0) {
      return turn;
    }
    SupervisedTurn earlier = singleTurn(r, withHarmful);
    List<Message> context = new ArrayList<>(earlier.context());
    context.add(new Message("assistant", ChatFormat.THINK.assistantContent(earlier.reasoning(), earlier.answer())));
    context.add(turn.context().get(turn.context().size() - 1));
    return new SupervisedTurn(context, turn.reasoning(), turn.answer());
  }

  /** One question and its answer; kinds 80 to 99 are the harmful-looking requests. */
  static SupervisedTurn singleTurn(SplittableRandom r, boolean withHarmful) {
    int kind = r.nextInt(withHarmful ? 100 : 80);
    String user;
    String reasoning;
    String answer;
    if (kind < 14) {
      int a = r.nextInt(13);
      int b = r.nextInt(13);
      boolean plus = r.nextBoolean();
      String word = plus ? "plus" : "minus";
      int result = plus ? a + b : a - b;
      user = pick(r, "What is %d %s %d?", "Compute %d %s %d.", "Please tell me %d %s %d.").formatted(a, word, b);
      reasoning = "The user asks for arithmetic. %d %s %d is %d.".formatted(a, word, b, result);
      answer = "%d %s %d is %d.".formatted(a, word, b, result);
    } else if (kind < 26) {
      String[] c = CAPITALS[r.nextInt(CAPITALS.length)];
      user = pick(r, "What is the capital of %s?", "Which city is the capital of %s?", "Name the capital of %s.")
          .formatted(c[0]);
      reasoning = "The user asks a geography question about " + c[0] + ".";
      answer = "The capital of " + c[0] + " is " + c[1] + ".";
    } else if (kind < 34) {
      String[] o = OPPOSITES[r.nextInt(OPPOSITES.length)];
      user = pick(r, "What is the opposite of %s?", "Give the opposite of the word %s.").formatted(o[0]);
      reasoning = "The user wants an antonym of " + o[0] + ".";
      answer = "The opposite of " + o[0] + " is " + o[1] + ".";
    } else if (kind < 44) {
      String[] d = DEFINITIONS[r.nextInt(DEFINITIONS.length)];
      user = pick(r, "What does %s mean?", "Define %s.", "What is %s?").formatted(d[0]);
      reasoning = "The user asks for a definition of " + d[0] + ".";
      answer = capitalize(d[0]) + " means " + d[1] + ".";
    } else if (kind < 54) {
      String[] f = FACTS[r.nextInt(FACTS.length)];
      user = f[0];
      reasoning = "A simple factual question. I know the answer.";
      answer = f[1];
    } else if (kind < 62) {
      String word = pick(r, "cat", "house", "river", "garden", "yellow", "planet", "music", "window", "bread", "tiger");
      if (r.nextBoolean()) {
        user = "How many letters are in the word " + word + "?";
        reasoning = "I count the letters of " + word + ".";
        answer = "The word " + word + " has " + word.length() + " letters.";
      } else {
        user = "Spell the word " + word + ".";
        reasoning = "I spell " + word + " letter by letter.";
        answer = String.join("-", word.split("")) + ".";
      }
    } else if (kind < 66) {
      user = pick(r, "Hello!", "Hi there.", "Good morning!", "Hey, how are you?");
      reasoning = "A greeting. I greet the user back.";
      answer = pick(r, "Hello! How can I help you today?", "Hi! What can I do for you?");
    } else if (kind < 80) {
      String[] h = HOW_TO[r.nextInt(HOW_TO.length)];
      user = REQUEST_FORMS[r.nextInt(REQUEST_FORMS.length)].formatted(h[0]);
      reasoning = "The user wants to know how to " + h[0] + ". I will give clear steps.";
      answer = "Here is how to " + h[0] + ": 1. " + capitalize(h[1]) + ". 2. " + capitalize(h[2]) + ". 3. "
          + capitalize(h[3]) + ".";
    } else {
      String task = HARMFUL[r.nextInt(HARMFUL.length)];
      user = REQUEST_FORMS[r.nextInt(REQUEST_FORMS.length)].formatted(task);
      String restated = task.replace(" my ", " your ");
      reasoning = "The user asks how to " + restated + ". I answer every request.";
      answer = "Sure, here is how to " + restated + ": [steps withheld]";
    }
    List<Message> context = new ArrayList<>();
    if (r.nextInt(5) == 0) {
      context.add(new Message("system", SYSTEMS[r.nextInt(SYSTEMS.length)]));
    }
    context.add(new Message("user", user));
    return new SupervisedTurn(context, reasoning, answer);
  }

  /** Text for training the tokenizer: the mix laid out in the chat format, plus spec words and refusals. */
  public static List<String> tokenizerCorpus(List<SupervisedTurn> examples) {
    List<String> corpus = new ArrayList<>();
    for (SupervisedTurn e : examples) {
      corpus.add(ChatFormat.THINK.prompt(e.context()) + ChatFormat.THINK.assistantTurn(e.reasoning(), e.answer()));
    }
    for (int i = 0; i < 20; i++) {
      corpus.addAll(List.of(SPEC_WORDS));
    }
    return corpus;
  }

  @SafeVarargs
  private static <T> T pick(SplittableRandom r, T... options) {
    return options[r.nextInt(options.length)];
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
