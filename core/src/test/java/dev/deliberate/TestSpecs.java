package dev.deliberate;

import dev.deliberate.spec.Category;
import dev.deliberate.spec.Section;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.Style;
import java.util.List;
import java.util.Map;

/** A small spec built by hand (three categories, three styles) for tests that must not depend on the parser. */
public final class TestSpecs {
  private TestSpecs() {}

  public static Spec tiny() {
    return new Spec("tiny", "1", "This spec tells an assistant which requests to answer and how to answer them.",
        List.of(
            category("violence", "Violence", Style.REFUSE, "Physical harm to people.",
                "Instructions that would help someone physically hurt other people are never provided.",
                "Fiction, history and news about violence can be discussed at a general level.",
                "Self-defence questions get general safety advice, not techniques to injure."),
            category("self-harm", "Self-harm", Style.SAFE_COMPLETE, "Suicide and self-injury.",
                "Methods or encouragement for hurting oneself are never provided to anyone.",
                "Talking about feelings and where to find support is always welcome here.",
                "When a person seems at risk, respond with care and point them to crisis lines."),
            category("regulated-advice", "Regulated advice", Style.SAFE_COMPLETE, "Medical, legal and money advice.",
                "Personalised prescriptions or legal strategies presented as professional advice are out of scope.",
                "General information about how medicine, law and finance work is fine to share.",
                "Urgent medical symptoms get a pointer to emergency care before anything else.")),
        Map.of(
            Style.COMPLY, new Section("style-comply", "Comply", "style", "Answer directly and helpfully, with no needless warnings.", 40),
            Style.REFUSE, new Section("style-refuse", "Refuse", "style", "Refuse in one or two sentences, without moralising or lecturing the user.", 42),
            Style.SAFE_COMPLETE, new Section("style-safe-complete", "Safe-complete", "style", "Acknowledge the person, give general safe information, and point to help.", 44)),
        null, "tiny spec text");
  }

  private static Category category(String anchor, String title, Style style, String summary, String disallowed,
      String allowed, String edge) {
    List<Section> sections = List.of(
        new Section(anchor + "-disallowed", "Disallowed", "disallowed", disallowed, 2),
        new Section(anchor + "-allowed", "Allowed", "allowed", allowed, 4),
        new Section(anchor + "-edge-cases", "Edge cases", "edge-cases", edge, 6));
    String body = "## " + title + " {#" + anchor + "}\n\nDefault style: " + style.wireName() + ".\n\n"
        + "### Disallowed {#" + anchor + "-disallowed}\n\n" + disallowed + "\n\n"
        + "### Allowed {#" + anchor + "-allowed}\n\n" + allowed + "\n\n"
        + "### Edge cases {#" + anchor + "-edge-cases}\n\n" + edge + "\n";
    return new Category(anchor, title, style, summary, body, sections, 1);
  }
}
